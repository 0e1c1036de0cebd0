/**
 * Constants the generation engine shares with the spec parser, in a module
 * without the parser's dependencies: encoder workers load the engine alone
 * (no YAML library) so they start sooner.
 *
 * @module
 */

/** Kinds of distribution generators (`DistSpec` in spec.ts). */
export const DIST_KINDS = [
  "uniform",
  "normal",
  "lognormal",
  "exponential",
  "gamma",
  "beta",
  "poisson",
] as const;

/** Default datetime range start when neither the generator nor the column gives one (2024-01-01Z). */
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);
/** Default datetime range end (exclusive): 2025-01-01Z. */
export const DEFAULT_END_MS = Date.UTC(2025, 0, 1);
