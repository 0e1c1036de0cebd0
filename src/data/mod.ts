/**
 * Columnar in-memory representation of generated or read-back data.
 *
 * Every stage exchanges {@link Chunk}s: a fixed-size slice of rows whose columns
 * are typed arrays. Chunks are the unit of determinism (each is produced alone
 * from the run seed and its index), of streaming and of Parquet row groups.
 *
 * @module
 */

export { CHUNK_ROWS, COLUMN_TYPES } from "../model/mod.ts";
export type { Chunk, ColumnType, ColumnValues, StringCodes } from "../model/mod.ts";
import { CHUNK_ROWS, type ColumnValues } from "../model/mod.ts";

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

/** Milliseconds per day: a `date` value `d` is the UTC midnight `d * DAY_MS`. */
export const DAY_MS = 86_400_000;

/** Format whole days since 1970-01-01 as `YYYY-MM-DD` (never locale-dependent). */
export function formatDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Parse a calendar date written exactly `YYYY-MM-DD` to whole days since
 * 1970-01-01; anything else (a time of day, an impossible date like
 * `2024-02-30`, another separator) is undefined.
 */
export function parseIsoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  return daysFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Whole days since 1970-01-01 of a calendar date, or undefined when it does not exist. */
export function daysFromParts(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return Math.round(d.getTime() / DAY_MS);
}
