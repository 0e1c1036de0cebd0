/**
 * Column types and the columnar chunk every stage exchanges: a fixed-size
 * slice of rows whose columns are typed arrays. Chunks are the unit of
 * determinism (each is produced alone from the run seed and its index), of
 * streaming and of Parquet row groups.
 *
 * @module
 */

/** The column types a schema may declare. */
export type ColumnType = "string" | "integer" | "float" | "boolean" | "datetime" | "date";

/** All column types, in a fixed order (used for messages and exhaustiveness). */
export const COLUMN_TYPES: readonly ColumnType[] = [
  "string",
  "integer",
  "float",
  "boolean",
  "datetime",
  "date",
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
 * - integer: whole numbers stored as float64 (exact up to 2^53). A chunk with
 *   an integer beyond ±(2^53 − 1) (only ingested data has them: ids such as
 *   snowflakes) also carries every row's exact int64 in `exact`; `values`
 *   then holds the nearest float64, for statistics. Writers and uniqueness
 *   read `exact` when present.
 * - float: float64.
 * - datetime: epoch milliseconds, UTC, whole numbers.
 * - date: whole days since 1970-01-01 (negative before it), no time of day.
 * - boolean: 0/1 bytes.
 * - string: JS strings; the entry at a null row is "".
 *
 * `valid` is a byte per row (1 = present, 0 = null), or `null` when the chunk
 * has no nulls in this column. Values at null rows are 0 / "" and meaningless.
 *
 * A string column may also carry its values as dictionary codes (see
 * {@link StringCodes}); readers that count, check or encode per distinct
 * value use them, everything else reads `values`.
 */
export type ColumnValues =
  | {
    type: "integer" | "float" | "datetime" | "date";
    values: Float64Array;
    valid: Uint8Array | null;
    /** Exact int64 values (integer columns only; see above). */
    exact?: BigInt64Array;
  }
  | { type: "boolean"; values: Uint8Array; valid: Uint8Array | null }
  | {
    type: "string";
    values: string[];
    valid: Uint8Array | null;
    codes?: StringCodes;
  };

/**
 * The same string values as a dictionary and one code per row:
 * `values[i] === dict[codes[i]]` at every non-null row (codes at null rows
 * are meaningless). `dict` has no repeated entries. Generation sets it for
 * categorical columns; it is never required.
 */
export interface StringCodes {
  dict: readonly string[];
  codes: Uint8Array;
}

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
