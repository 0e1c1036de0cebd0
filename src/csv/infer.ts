/**
 * Column type inference and value parsing for CSV text.
 *
 * Every rule below is a fixed regular expression or integer arithmetic: no
 * locale, time zone, `Date.parse` or platform number parsing quirks are
 * involved, so the same file gives the same types and values everywhere.
 *
 * Nulls
 * - The unquoted empty field (nothing between commas) is null for every
 *   type. A quoted empty field (`""`) is the empty string in a string column
 *   (PostgreSQL's CSV convention, and how sdp writes data.csv) and null in
 *   any other column.
 * - The null tokens of common tools ({@link DEFAULT_NULL_TOKENS}: `NA`,
 *   `N/A`, `NULL`, `null`, `NaN`, `nan`, `None`, `#N/A`; `sdp ingest
 *   --null-values` replaces the list) are null in every column that is not a
 *   string column, and inference skips them, so a numeric column with one
 *   `NA` stays numeric. A string column keeps them as text: `NA` is a country
 *   code (Namibia). The reader keeps no quoting information except for the
 *   empty field, so a quoted `"NA"` counts as the token too.
 * - No trimming: ` 12` is not an integer.
 *
 * Types, tried in this order over all non-null values of a column; the first
 * that accepts every value wins:
 * 1. boolean:  `true`/`false` in any case, `t`/`f`/`T`/`F`, `yes`/`no` in
 *              any case. `1`/`0` are integers.
 * 2. integer:  `^-?\d+$` whose value is in the int64 range [−2^63, 2^63 − 1].
 *              Beyond ±(2^53 − 1) the exact value is kept as a bigint (and
 *              in the chunk's `exact` array). `-0` is 0. Leading zeros are
 *              accepted (`007` is 7).
 * 3. float:    `^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$` with a finite value (so
 *              `1e999` is not a float). No `NaN`/`Infinity`, no `+` sign, no
 *              thousands separators, `.` is the only decimal mark. An
 *              integer-looking value beyond ±(2^53 − 1) is not accepted as a
 *              float either: such values are identifiers whose digits a float
 *              would silently change, so a column mixing them with fractions,
 *              or with integers beyond int64, becomes string. (A declared
 *              float column does take such digits when the float prints back
 *              as the same digits: `12345678901234567000`.)
 * 4. date:     date-only `YYYY-MM-DD` or `YYYY/MM/DD`, a real calendar date
 *              (leap years checked). Stored as whole days since 1970-01-01.
 * 5. datetime: date-only `YYYY-MM-DD` or `YYYY/MM/DD` (midnight UTC, so a
 *              column mixing dates and timestamps is datetime), or a date
 *              `YYYY-MM-DD` or `YYYY/MM/DD`, then `T` or one space, then `HH:MM:SS`, an
 *              optional fraction of 1 to 9 digits, and an optional offset
 *              `Z`, `±HH`, `±HHMM` or `±HH:MM` (hours 00-23, minutes 00-59).
 *              A real calendar date (leap years checked), hours 00-23, no
 *              leap second. The value is converted to UTC by subtracting the
 *              offset; a timestamp without an offset (naive) is read as UTC.
 *              Stored as epoch milliseconds: digits beyond milliseconds are
 *              dropped (truncation, i.e. floor toward the past:
 *              `00:00:00.9999Z` is 999 ms).
 * 6. string:   anything else.
 * A column with no non-null value at all is string.
 *
 * @module
 */

import type { ColumnType } from "../data/mod.ts";
import { QUOTED_EMPTY } from "./read.ts";

/**
 * A parsed cell: number for integer/float/datetime (epoch ms)/date (days),
 * bigint for an integer beyond ±(2^53 − 1), or null.
 */
export type CellValue = string | number | bigint | boolean | null;

/** Result of {@link parseValue}. */
export type ParseResult = { ok: true; value: CellValue } | { ok: false; reason: string };

/** A column with its inferred type. */
export interface InferredColumn {
  name: string;
  type: ColumnType;
  /** Whether any value was null (empty). */
  nullable: boolean;
}

const INTEGER_RE = /^-?\d+$/;
const FLOAT_RE = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATETIME_RE =
  /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Boolean value of `text` (see the module rules), or undefined. */
export function parseBoolean(text: string): boolean | undefined {
  if (text.length > 5) return undefined;
  // Comparisons, not a set lookup: hashing each fresh field costs more.
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "t" || lower === "yes") return true;
  if (lower === "false" || lower === "f" || lower === "no") return false;
  return undefined;
}

/**
 * Null tokens used when none are given (`sdp ingest --null-values`
 * replaces them): those written by R, pandas, PostgreSQL, Excel and others.
 */
export const DEFAULT_NULL_TOKENS: readonly string[] = [
  "NA",
  "N/A",
  "NULL",
  "null",
  "NaN",
  "nan",
  "None",
  "#N/A",
];

/** The default null tokens as a set. */
export const DEFAULT_NULLS: ReadonlySet<string> = new Set(DEFAULT_NULL_TOKENS);

const TOKEN_LENGTHS = new WeakMap<ReadonlySet<string>, number>();

/**
 * The longest token of `nulls`. Readers test `text.length <= it` before
 * `nulls.has(text)`: a field is a fresh slice of the input, and hashing it
 * for the lookup costs far more (~600 ns) than the lookup itself, so most
 * values are ruled out by their length alone.
 */
export function tokenLength(nulls: ReadonlySet<string>): number {
  let n = TOKEN_LENGTHS.get(nulls);
  if (n === undefined) {
    n = 0;
    for (const t of nulls) n = Math.max(n, t.length);
    TOKEN_LENGTHS.set(nulls, n);
  }
  return n;
}

/**
 * Parse `text` as a value of `type`. The unquoted empty field is null for
 * every type; the quoted empty field is the empty string in a string column
 * and null in any other; a token of `nulls` is null in any column but a
 * string column.
 */
export function parseValue(
  text: string,
  type: ColumnType,
  nulls: ReadonlySet<string> = DEFAULT_NULLS,
): ParseResult {
  if (text === QUOTED_EMPTY) return { ok: true, value: type === "string" ? "" : null };
  if (text === "") return { ok: true, value: null };
  if (type === "string") return { ok: true, value: text };
  if (text.length <= tokenLength(nulls) && nulls.has(text)) return { ok: true, value: null };
  switch (type) {
    case "boolean": {
      const v = parseBoolean(text);
      if (v !== undefined) return { ok: true, value: v };
      return { ok: false, reason: "expected true/false (any case), t/f or yes/no (any case)" };
    }
    case "integer": {
      const v = parseInteger(text);
      if (v !== undefined) return { ok: true, value: v };
      return {
        ok: false,
        reason: INTEGER_RE.test(text)
          ? "integer out of the int64 range [-9223372036854775808, 9223372036854775807]"
          : "expected an integer (digits with an optional leading -)",
      };
    }
    case "float": {
      const v = parseFloatText(text);
      if (v !== undefined) return { ok: true, value: v };
      // A declared float column takes integer digits beyond 2^53 that a float
      // prints back unchanged (how sdp's CSV writer writes such floats).
      if (INTEGER_RE.test(text) && String(Number(text)) === text) {
        return { ok: true, value: Number(text) };
      }
      return {
        ok: false,
        reason: INTEGER_RE.test(text)
          ? "integer digits beyond ±9007199254740991 would lose precision as a float"
          : FLOAT_RE.test(text)
          ? "number out of the float64 range"
          : "expected a decimal number like -12.5 or 1e-3",
      };
    }
    case "datetime": {
      const v = parseDatetime(text);
      if (v !== undefined) return { ok: true, value: v };
      return {
        ok: false,
        reason: DATETIME_RE.test(text)
          ? "not a real date or time of day"
          : "expected YYYY-MM-DD or YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+HH|+HH:MM|+HHMM]",
      };
    }
    case "date":
      return parseDateValue(text);
  }
}

const DATE_RE = /^(\d{4})([-/])(\d{2})\2(\d{2})$/;

/** {@link parseValue} of a non-null cell of a date column. */
function parseDateValue(text: string): ParseResult {
  const v = parseDate(text);
  if (v !== undefined) return { ok: true, value: v };
  return {
    ok: false,
    reason: DATE_RE.test(text)
      ? "not a real calendar date"
      : DATETIME_RE.test(text)
      ? "a date column holds no time of day; expected YYYY-MM-DD or YYYY/MM/DD"
      : "expected a date YYYY-MM-DD or YYYY/MM/DD",
  };
}

/** Whole days since 1970-01-01 of a date-only `text` (see the module rules), or undefined. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Integer value of `text`, or undefined (see the module rules). */
export function parseInteger(text: string): number | bigint | undefined {
  if (!INTEGER_RE.test(text)) return undefined;
  const v = Number(text);
  if (Number.isSafeInteger(v)) return v === 0 ? 0 : v; // no -0 among integers
  // Bounds the BigInt work a hostile value can cause (leading zeros allowed).
  if (text.length > 64) return undefined;
  const b = BigInt(text);
  return b < INT64_MIN || b > INT64_MAX ? undefined : b;
}

/** Float value of `text`, or undefined (see the module rules). */
function parseFloatText(text: string): number | undefined {
  if (!FLOAT_RE.test(text)) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) return undefined;
  // Integer digits only matter beyond 2^53, where a float would change them.
  if (!Number.isSafeInteger(v) && INTEGER_RE.test(text)) return undefined;
  return v;
}

/** Epoch milliseconds (UTC) of `text`, or undefined (see the module rules). */
export function parseDatetime(text: string): number | undefined {
  const fast = fixedIso(text);
  if (fast !== null) return fast;
  const m = DATETIME_RE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (m[5] !== undefined) {
    const h = Number(m[5]);
    const min = Number(m[6]);
    const s = Number(m[7]);
    if (h > 23 || min > 59 || s > 59) return undefined;
    // ".5" is 500 ms: pad the fraction to three digits; digits beyond
    // milliseconds are dropped (floor, since the fraction is non-negative).
    const frac = m[8] === undefined ? 0 : Number(m[8].slice(0, 3).padEnd(3, "0"));
    ms += ((h * 60 + min) * 60 + s) * 1000 + frac;
    const off = m[9];
    if (off !== undefined && off !== "Z") {
      const oh = Number(off.slice(1, 3));
      const digits = off.slice(3).replace(":", "");
      const om = digits === "" ? 0 : Number(digits);
      if (oh > 23 || om > 59) return undefined;
      const offsetMs = (oh * 60 + om) * 60_000;
      // Local time = UTC + offset, so UTC = local - offset.
      ms += off[0] === "+" ? -offsetMs : offsetMs;
    }
  }
  return ms;
}

const MONTH_DAYS = [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return MONTH_DAYS[month - 1];
}

/** Digits `text[at, at + n)` as a number, or -1 when one is not an ASCII digit. */
function digitsAt(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The value of the fixed-width forms most files use (`YYYY-MM-DDTHH:MM:SS`,
 * with `T` or a space, optionally `.sss` and `Z`: what sdp, JavaScript and
 * pandas write) by character arithmetic, or null for any other shape, which
 * the regular expression then reads. The same rules, so the same result.
 */
function fixedIso(text: string): number | undefined | null {
  const n = text.length;
  if (n !== 19 && n !== 20 && n !== 23 && n !== 24) return null;
  const zulu = n === 20 || n === 24;
  if (zulu && text.charCodeAt(n - 1) !== 90 /* Z */) return null;
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 ||
    (n >= 23 && text.charCodeAt(19) !== 46)
  ) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const min = digitsAt(text, 14, 2);
  const sec = digitsAt(text, 17, 2);
  const frac = n >= 23 ? digitsAt(text, 20, 3) : 0;
  if ((year | month | day | h | min | sec | frac) < 0) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (h > 23 || min > 59 || sec > 59) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + ((h * 60 + min) * 60 + sec) * 1000 + frac;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm). Plain integer arithmetic: `Date.UTC` maps years 0-99 to 19xx.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// ---------------------------------------------------------------- inference

const BOOL = 1;
const INT = 2;
const FLOAT = 4;
const DATETIME = 8;
const DATE = 16;
const ALL = BOOL | INT | FLOAT | DATETIME | DATE;

/** Running inference over the rows of one table. */
export interface InferenceState {
  names: string[];
  /** Per column: bit set of types every value so far satisfies. */
  candidates: number[];
  sawValue: boolean[];
  sawNull: boolean[];
  /** Per column: whether a null token was seen (null unless the column ends string). */
  sawToken: boolean[];
  /** Null tokens (see the module rules). */
  nulls: ReadonlySet<string>;
  /** The tokens are null in string columns too (`sdp ingest --null-in-strings`). */
  stringNulls: boolean;
}

/** Start inferring types for columns `names` (in file order). */
export function startInference(
  names: readonly string[],
  nulls: ReadonlySet<string> = DEFAULT_NULLS,
  options: { stringNulls?: boolean } = {},
): InferenceState {
  return {
    names: [...names],
    candidates: names.map(() => ALL),
    sawValue: names.map(() => false),
    sawNull: names.map(() => false),
    sawToken: names.map(() => false),
    nulls,
    stringNulls: options.stringNulls ?? false,
  };
}

/** Narrow the candidate types with a batch of rows. */
export function observeRows(state: InferenceState, rows: readonly (readonly string[])[]): void {
  const n = state.names.length;
  const maxToken = tokenLength(state.nulls);
  for (const row of rows) {
    for (let c = 0; c < n; c++) {
      // A quoted empty field is an empty string: a value that only a string column holds.
      const text = row[c] === QUOTED_EMPTY ? "" : row[c];
      if (row[c] === "") {
        state.sawNull[c] = true;
        continue;
      }
      if (text.length <= maxToken && state.nulls.has(text)) {
        state.sawToken[c] = true;
        continue;
      }
      state.sawValue[c] = true;
      const cand = state.candidates[c];
      if (cand !== 0) state.candidates[c] = cand & typesOf(text, cand);
    }
  }
}

/** The inferred columns (file order) from the rows observed so far. */
export function inferredColumns(state: InferenceState): InferredColumn[] {
  return state.names.map((name, c) => {
    const type = state.sawValue[c] ? typeOf(state.candidates[c]) : "string";
    // In a string column the tokens are text; in any other they are nulls.
    const nullable = state.sawNull[c] ||
      ((type !== "string" || state.stringNulls) && state.sawToken[c]);
    return { name, type, nullable };
  });
}

/** Infer the type of each column from all its values (convenience). */
export function inferTypes(
  names: readonly string[],
  rows: readonly (readonly string[])[],
  nulls: ReadonlySet<string> = DEFAULT_NULLS,
): InferredColumn[] {
  const state = startInference(names, nulls);
  observeRows(state, rows);
  return inferredColumns(state);
}

function typeOf(cand: number): ColumnType {
  if (cand & BOOL) return "boolean";
  if (cand & INT) return "integer";
  if (cand & FLOAT) return "float";
  if (cand & DATE) return "date";
  if (cand & DATETIME) return "datetime";
  return "string";
}

// Only the types still possible are tested, so a settled column costs little.
function typesOf(text: string, cand: number): number {
  let ok = 0;
  if (cand & BOOL && parseBoolean(text) !== undefined) ok |= BOOL;
  if (cand & (INT | FLOAT)) {
    const c0 = text.charCodeAt(0);
    // Cheap first-character filter before the regular expressions.
    if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46) {
      if (cand & INT && parseInteger(text) !== undefined) ok |= INT;
      if (cand & FLOAT && parseFloatText(text) !== undefined) ok |= FLOAT;
    }
  }
  if (cand & DATETIME && text.length >= 10 && parseDatetime(text) !== undefined) ok |= DATETIME;
  if (cand & DATE && text.length === 10 && parseDate(text) !== undefined) ok |= DATE;
  return ok;
}
