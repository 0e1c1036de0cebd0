/**
 * Constants the generation engine shares with the spec parser, kept in the
 * model (no YAML library): encoder workers load the engine alone so they
 * start sooner.
 *
 * @module
 */

/** Kinds of distribution generators (`DistSpec` in generator.ts). */
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
