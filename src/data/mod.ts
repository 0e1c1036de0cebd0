/**
 * Columnar in-memory representation of generated or read-back data.
 *
 * Every stage exchanges {@link Chunk}s: a fixed-size slice of rows whose columns
 * are typed arrays. Chunks are the unit of determinism (each is produced alone
 * from the run seed and its index), of streaming and of Parquet row groups.
 *
 * @module
 */

/** The column types a schema may declare. */
export type ColumnType = "string" | "integer" | "float" | "boolean" | "datetime";

/** All column types, in a fixed order (used for messages and exhaustiveness). */
export const COLUMN_TYPES: readonly ColumnType[] = [
  "string",
  "integer",
  "float",
  "boolean",
  "datetime",
];

/**
 * Rows per chunk: part of the format contract. parquet-wasm's page layout
 * follows its input batches, so this also fixes the bytes of data.parquet.
 * A multiple of 1024.
 */
export const CHUNK_ROWS = 65_536;

/**
 * Values of one column inside one chunk.
 *
 * - integer: whole numbers stored as float64 (exact up to 2^53).
 * - float: float64.
 * - datetime: epoch milliseconds, UTC, whole numbers.
 * - boolean: 0/1 bytes.
 * - string: JS strings; the entry at a null row is "".
 *
 * `valid` is a byte per row (1 = present, 0 = null), or `null` when the chunk
 * has no nulls in this column. Values at null rows are 0 / "" and meaningless.
 */
export type ColumnValues =
  | { type: "integer" | "float" | "datetime"; values: Float64Array; valid: Uint8Array | null }
  | { type: "boolean"; values: Uint8Array; valid: Uint8Array | null }
  | { type: "string"; values: string[]; valid: Uint8Array | null };

/** A slice of rows `[start, start + rows)` with its columns, keyed by column name. */
export interface Chunk {
  /** Zero-based chunk index: `start / CHUNK_ROWS` for generated data. */
  index: number;
  /** Absolute index of the first row. */
  start: number;
  /** Number of rows in this chunk. */
  rows: number;
  /** Column values; iterate in lexicographically sorted name order. */
  columns: Map<string, ColumnValues>;
}

/** Whether row `i` of `col` holds a value. */
export function isValid(col: ColumnValues, i: number): boolean {
  return col.valid === null || col.valid[i] === 1;
}

/** Number of chunks needed for `rowCount` rows. */
export function chunkCount(rowCount: number, chunkRows: number = CHUNK_ROWS): number {
  return Math.ceil(rowCount / chunkRows);
}

/** Rows in chunk `index` of a table of `rowCount` rows. */
export function chunkRowsAt(
  index: number,
  rowCount: number,
  chunkRows: number = CHUNK_ROWS,
): number {
  return Math.min(chunkRows, rowCount - index * chunkRows);
}

/** Lexicographic (code unit) comparison, independent of locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Format epoch milliseconds as UTC ISO-8601 with a trailing Z (never locale-dependent). */
export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString();
}
