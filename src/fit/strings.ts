/**
 * String columns: categorical frequencies with rare categories merged, or
 * (high cardinality) a generator of the same shape: uuid, email, person,
 * city, company, or a regex built from the values' character classes.
 *
 * @module
 */
import { parseRegex } from "../generate/mod.ts";
import { type ColumnStats, DISTINCT_CAP } from "./stats.ts";
import type { FittedGenerator } from "./types.ts";

/** More distinct values than this (or than half the rows, past 50) is high cardinality. */
export const CATEGORY_MAX = 1000;
/** Name of the merged bucket of rare categories (suffixed when a real category has it). */
export const OTHER = "other";

/** Whether a string column is high-cardinality text rather than categories. */
export function isHighCardinality(s: ColumnStats): boolean {
  const d = s.counts.size;
  return s.overflow || d > CATEGORY_MAX || (d > 50 && d > 0.5 * s.n);
}

/** Counts sorted by count descending, then value (a deterministic declared order). */
export function sortedCounts(s: ColumnStats): Array<[string, number]> {
  return [...s.counts.entries()].map(([v, c]): [string, number] => [String(v), c]).sort((
    a,
    b,
  ) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Categories seen at least `k` times, the rest merged into one bucket (listed last). */
export function categoriesOf(
  s: ColumnStats,
  k: number,
): {
  values: string[];
  weights: number[];
  merged: { categories: number; rows: number; bucket: string };
} {
  const values: string[] = [];
  const weights: number[] = [];
  let rareN = 0;
  let rareRows = 0;
  for (const [v, c] of sortedCounts(s)) {
    if (c >= k) {
      values.push(v);
      weights.push(c);
    } else {
      rareN++;
      rareRows += c;
    }
  }
  let bucket = OTHER;
  for (let i = 1; values.includes(bucket); i++) bucket = `${OTHER}_${i}`;
  if (rareRows > 0) {
    values.push(bucket);
    weights.push(rareRows);
  }
  return { values, weights, merged: { categories: rareN, rows: rareRows, bucket } };
}

const PUNCT = /[\\^$.|?*+()[\]{}\-\/]/;

function escapeChar(c: string): string {
  return PUNCT.test(c) ? `\\${c}` : c;
}

function classPattern(cls: string): string {
  switch (cls) {
    case "9":
      return "[0-9]";
    case "A":
      return "[A-Z]";
    case "a":
      return "[a-z]";
    default:
      return escapeChar(cls);
  }
}

function repeat(p: string, min: number, max: number): string {
  if (min === 1 && max === 1) return p;
  return min === max ? `${p}{${min}}` : `${p}{${min},${max}}`;
}

/**
 * A regex of the values' shape: one exact shape keeps the characters every
 * value shares (a literal prefix such as `CUST-`) and classes elsewhere; one
 * run shape gives each run its class and length range; else letters, digits
 * and spaces within the length range.
 */
function shapePattern(s: ColumnStats, k: number): string {
  if (!s.shapeOverflow && s.shapes.size === 1 && s.fixed !== null) {
    const shape = [...s.shapes.keys()][0];
    const chars = [...shape];
    let out = "";
    let i = 0;
    while (i < chars.length) {
      // A fixed character is kept only when at least k values share it (never one record's).
      const fixedHere = s.fixed[i] !== null && s.n >= k ? s.fixed[i]! : null;
      const unit = fixedHere !== null ? escapeChar(fixedHere) : classPattern(chars[i]);
      let j = i + 1;
      while (j < chars.length) {
        const f = s.fixed[j] !== null && s.n >= k ? s.fixed[j]! : null;
        const u = f !== null ? escapeChar(f) : classPattern(chars[j]);
        if (u !== unit) break;
        j++;
      }
      out += repeat(unit, j - i, j - i);
      i = j;
    }
    return out;
  }
  if (!s.runsBroken && s.runs !== null) {
    return s.runs.map((r) => repeat(classPattern(r.cls), r.min, r.max)).join("");
  }
  const lo = Math.max(1, Math.min(s.minLen, 200));
  const hi = Math.max(lo, Math.min(s.maxLen, 200));
  return `[A-Za-z0-9 ]{${lo},${hi}}`;
}

/** The generator of a high-cardinality string column, and what it is (for the summary). */
export function textGenerator(
  s: ColumnStats,
  k: number,
): { gen: FittedGenerator; what: string; unique: boolean } {
  const name = s.name.toLowerCase();
  const unique = !s.overflow && s.counts.size === s.n && s.n > 0;
  if (s.uuids === s.n) return { gen: { kind: "uuid" }, what: "UUIDs -> uuid", unique };
  if (s.emails === s.n) {
    return { gen: { kind: "email" }, what: "e-mail addresses -> email", unique: false };
  }
  const letters = s.runs === null || s.runs.some((r) => r.cls === "a" || r.cls === "A");
  if (letters && /first_?name/.test(name)) {
    return { gen: { kind: "person", part: "first" }, what: "first names -> person", unique: false };
  }
  if (letters && /(last_?name|surname)/.test(name)) {
    return { gen: { kind: "person", part: "last" }, what: "last names -> person", unique: false };
  }
  if (letters && /(company|employer|merchant)/.test(name)) {
    return { gen: { kind: "company" }, what: "company names -> company", unique: false };
  }
  if (letters && /name/.test(name)) {
    return { gen: { kind: "person", part: "full" }, what: "names -> person", unique: false };
  }
  if (letters && /city/.test(name)) {
    return { gen: { kind: "city" }, what: "cities -> city", unique: false };
  }
  const pattern = shapePattern(s, k);
  const ast = parseRegex(pattern);
  const fallback = `[A-Za-z0-9 ]{1,${Math.max(1, Math.min(s.maxLen, 200))}}`;
  const p = typeof ast === "string" ? fallback : pattern;
  const gen: FittedGenerator = { kind: "regex", pattern: p };
  if (s.maxLen > 1000) gen.maxLength = Math.min(s.maxLen, 100_000);
  return { gen, what: `text of shape /${p}/ -> regex`, unique: false };
}

/** Whether the tracked counts are exact (for messages). */
export function countsExact(s: ColumnStats): boolean {
  return !s.overflow && s.counts.size <= DISTINCT_CAP;
}
