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
 *
 * A string column may also carry its values as dictionary codes (see
 * {@link StringCodes}); readers that count, check or encode per distinct
 * value use them, everything else reads `values`.
 */
export type ColumnValues =
  | { type: "integer" | "float" | "datetime"; values: Float64Array; valid: Uint8Array | null }
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

/**
 * Parse an ISO-8601 date (`2024-01-31`, midnight UTC) or date-time with an
 * explicit zone (`Z` or `+hh:mm`) to epoch ms. Local times are refused so no
 * value depends on the machine's time zone.
 */
export function parseIsoUtc(s: string): number | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/
      .exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(se ?? 0),
    Number((frac ?? "0").padEnd(3, "0")),
  );
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(se ?? 0) > 59) return undefined;
  let offset = 0;
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms - offset;
}
