/**
 * Column type inference and value parsing for CSV text.
 *
 * Every rule below is a fixed regular expression or integer arithmetic: no
 * locale, time zone, `Date.parse` or platform number parsing quirks are
 * involved, so the same file gives the same types and values everywhere.
 *
 * Nulls
 * - The null token is the unquoted empty field (nothing between commas). It
 *   is null for every type. A quoted empty field (`""`) is the empty string
 *   in a string column (PostgreSQL's CSV convention, and how sdp writes
 *   data.csv) and null in any other column.
 * - `NA`, `NULL`, `null`, `NaN`, `-` are NOT nulls: they are ordinary text.
 *   `NA` is a country code (Namibia) and a valid value in many domains;
 *   guessing would silently destroy data. A column holding them is a string
 *   column unless a schema declares another type, in which case they fail to
 *   parse with a located error.
 * - No trimming: ` 12` is not an integer.
 *
 * Types, tried in this order over all non-null values of a column; the first
 * that accepts every value wins:
 * 1. boolean:  `true` or `false`, lowercase only.
 * 2. integer:  `^-?\d+$` whose value is within ±(2^53 − 1) (exact in float64).
 *              `-0` is 0. Leading zeros are accepted (`007` is 7).
 * 3. float:    `^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$` with a finite value (so
 *              `1e999` is not a float). No `NaN`/`Infinity`, no `+` sign, no
 *              thousands separators, `.` is the only decimal mark. An
 *              integer-looking value beyond ±(2^53 − 1) is not accepted as a
 *              float either: such values are identifiers whose digits a float
 *              would silently change, so the column becomes string.
 * 4. datetime: `YYYY-MM-DDTHH:MM:SS(.s{1,3})?Z` or date-only `YYYY-MM-DD`
 *              (midnight UTC), a real calendar date (leap years checked),
 *              hours 00-23, no leap second. Always UTC: offsets other than `Z`
 *              and more than millisecond precision are not accepted.
 *              Stored as epoch milliseconds.
 * 5. string:   anything else.
 * A column with no non-null value at all is string.
 *
 * @module
 */

import type { ColumnType } from "../data/mod.ts";
import { QUOTED_EMPTY } from "./read.ts";

/** A parsed cell: number for integer/float/datetime (epoch ms), or null. */
export type CellValue = string | number | boolean | null;

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
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z)?$/;

/**
 * Parse `text` as a value of `type`. The unquoted empty field is null for
 * every type; the quoted empty field is the empty string in a string column
 * and null in any other.
 */
export function parseValue(text: string, type: ColumnType): ParseResult {
  if (text === QUOTED_EMPTY) return { ok: true, value: type === "string" ? "" : null };
  if (text === "") return { ok: true, value: null };
  switch (type) {
    case "string":
      return { ok: true, value: text };
    case "boolean":
      if (text === "true") return { ok: true, value: true };
      if (text === "false") return { ok: true, value: false };
      return { ok: false, reason: "expected true or false (lowercase)" };
    case "integer": {
      const v = parseInteger(text);
      if (v !== undefined) return { ok: true, value: v };
      return {
        ok: false,
        reason: INTEGER_RE.test(text)
          ? "integer out of the exact range ±9007199254740991"
          : "expected an integer (digits with an optional leading -)",
      };
    }
    case "float": {
      const v = parseFloatText(text);
      if (v !== undefined) return { ok: true, value: v };
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
          : "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.sss]Z (UTC)",
      };
    }
  }
}

/** Integer value of `text`, or undefined (see the module rules). */
function parseInteger(text: string): number | undefined {
  if (!INTEGER_RE.test(text)) return undefined;
  const v = Number(text);
  if (!Number.isSafeInteger(v)) return undefined;
  return v === 0 ? 0 : v; // no -0 among integers
}

/** Float value of `text`, or undefined (see the module rules). */
function parseFloatText(text: string): number | undefined {
  if (!FLOAT_RE.test(text)) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) return undefined;
  if (INTEGER_RE.test(text) && !Number.isSafeInteger(v)) return undefined;
  return v;
}

/** Epoch milliseconds (UTC) of `text`, or undefined (see the module rules). */
export function parseDatetime(text: string): number | undefined {
  const m = DATETIME_RE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (m[4] !== undefined) {
    const h = Number(m[4]);
    const min = Number(m[5]);
    const s = Number(m[6]);
    if (h > 23 || min > 59 || s > 59) return undefined;
    // ".5" is 500 ms: pad the fraction to three digits.
    const frac = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
    ms += ((h * 60 + min) * 60 + s) * 1000 + frac;
  }
  return ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
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
const ALL = BOOL | INT | FLOAT | DATETIME;

/** Running inference over the rows of one table. */
export interface InferenceState {
  names: string[];
  /** Per column: bit set of types every value so far satisfies. */
  candidates: number[];
  sawValue: boolean[];
  sawNull: boolean[];
}

/** Start inferring types for columns `names` (in file order). */
export function startInference(names: readonly string[]): InferenceState {
  return {
    names: [...names],
    candidates: names.map(() => ALL),
    sawValue: names.map(() => false),
    sawNull: names.map(() => false),
  };
}

/** Narrow the candidate types with a batch of rows. */
export function observeRows(state: InferenceState, rows: readonly (readonly string[])[]): void {
  const n = state.names.length;
  for (const row of rows) {
    for (let c = 0; c < n; c++) {
      // A quoted empty field is an empty string: a value that only a string column holds.
      const text = row[c] === QUOTED_EMPTY ? "" : row[c];
      if (row[c] === "") {
        state.sawNull[c] = true;
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
  return state.names.map((name, c) => ({
    name,
    type: state.sawValue[c] ? typeOf(state.candidates[c]) : "string",
    nullable: state.sawNull[c],
  }));
}

/** Infer the type of each column from all its values (convenience). */
export function inferTypes(
  names: readonly string[],
  rows: readonly (readonly string[])[],
): InferredColumn[] {
  const state = startInference(names);
  observeRows(state, rows);
  return inferredColumns(state);
}

function typeOf(cand: number): ColumnType {
  if (cand & BOOL) return "boolean";
  if (cand & INT) return "integer";
  if (cand & FLOAT) return "float";
  if (cand & DATETIME) return "datetime";
  return "string";
}

// Only the types still possible are tested, so a settled column costs little.
function typesOf(text: string, cand: number): number {
  let ok = 0;
  if (cand & BOOL && (text === "true" || text === "false")) ok |= BOOL;
  if (cand & (INT | FLOAT)) {
    const c0 = text.charCodeAt(0);
    // Cheap first-character filter before the regular expressions.
    if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46) {
      if (cand & INT && parseInteger(text) !== undefined) ok |= INT;
      if (cand & FLOAT && parseFloatText(text) !== undefined) ok |= FLOAT;
    }
  }
  if (cand & DATETIME && text.length >= 10 && parseDatetime(text) !== undefined) ok |= DATETIME;
  return ok;
}
