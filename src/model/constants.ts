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
  "empirical",
] as const;

/** Default datetime range start when neither the generator nor the column gives one (2024-01-01Z). */
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);
/**
 * Default datetime range end: 2025-01-01Z. Like every datetime `end` it is
 * inclusive: at millisecond resolution that midnight itself can be drawn.
 */
export const DEFAULT_END_MS = Date.UTC(2025, 0, 1);
/** Default date range start, in days since 1970-01-01: 2024-01-01. */
export const DEFAULT_START_DAYS = 19_723;
/** Default date range end (inclusive), in days since 1970-01-01: 2024-12-31. */
export const DEFAULT_END_DAYS = 20_088;

/**
 * Largest magnitude a generated float may have: sums of squares over a chunk
 * (the profile's variance) stay finite. Larger values are a data error naming
 * the column, row and value.
 */
export const MAX_FLOAT_MAGNITUDE = 1e150;
/** Earliest datetime a column may hold (0000-01-01T00:00:00Z): ISO text keeps four-digit years. */
export const MIN_DATETIME_MS = -62_167_219_200_000;
/** Latest datetime a column may hold (9999-12-31T23:59:59.999Z). */
export const MAX_DATETIME_MS = 253_402_300_799_999;
/** Earliest date a column may hold, in days since 1970-01-01 (0000-01-01). */
export const MIN_DATE_DAYS = -719_528;
/** Latest date a column may hold, in days since 1970-01-01 (9999-12-31). */
export const MAX_DATE_DAYS = 2_932_896;
/**
 * Longest string a `regex` generator may produce unless `max_length` (of the
 * generator or of the column constraint) raises it; values of every string
 * column are held to the same limit.
 */
export const DEFAULT_MAX_STRING_CHARS = 1_000;
/** Hard ceiling of `max_length` for generated strings: a chunk of 65,536 such values is ~64 GB at worst otherwise. */
export const MAX_STRING_CHARS = 100_000;

/**
 * Most rows a dataset may declare (2^40, about 1.1e12): row numbers, chunk
 * indices (2^24 chunks of CHUNK_ROWS) and byte offsets stay exact doubles with
 * room to spare. At tens of bytes per row this is already tens of terabytes.
 */
export const MAX_ROW_COUNT = 2 ** 40;
