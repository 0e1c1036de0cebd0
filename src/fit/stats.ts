/**
 * Pass 1 of `sdp fit`: bounded per-column accumulators over the training
 * rows (counts, moments, a KLL quantile sketch, the K most extreme values,
 * capped distinct counts, string shapes, datetime hour/weekday counts).
 * Memory per column is bounded whatever the row count: the sketch holds
 * O(k log n) items, distinct tables and shape tables stop growing at their caps.
 *
 * @module
 */
import type { ColumnType, ColumnValues } from "../model/mod.ts";
import { QuantileSketch } from "../profile/mod.ts";

/** Distinct values tracked exactly per column (numbers and strings); beyond it, counts stop. */
export const DISTINCT_CAP = 10_000;
/** Exact string shapes tracked per column. */
export const SHAPE_CAP = 64;
/** Longest string whose shape is tracked (longer values are free text). */
export const SHAPE_MAX_CHARS = 64;

/** Character class of a shape: digit, upper, lower, or the character itself. */
function charClass(c: string): string {
  if (c >= "0" && c <= "9") return "9";
  if (c >= "A" && c <= "Z") return "A";
  if (c >= "a" && c <= "z") return "a";
  return c;
}

/** Runs of one class: the class and its shortest and longest length seen. */
export interface Run {
  cls: string;
  min: number;
  max: number;
}

/** What pass 1 learns about one column. */
export interface ColumnStats {
  name: string;
  type: ColumnType;
  /** Training rows seen (null or not). */
  rows: number;
  nulls: number;
  /** Non-null values. */
  n: number;
  // Numbers (integer, float, datetime).
  sum: number;
  sumSq: number;
  /** Sum of ln x and its square over positive values; `positive` counts them. */
  sumLog: number;
  sumLogSq: number;
  positive: number;
  min: number;
  max: number;
  /** Finest decimals needed so far (0-6), or 7 when more. */
  decimals: number;
  /** The K smallest and K largest values, sorted ascending. */
  low: number[];
  high: number[];
  sketch: QuantileSketch | null;
  /** Exact value counts until {@link DISTINCT_CAP} distinct; `overflow` once past it. */
  counts: Map<string | number, number>;
  overflow: boolean;
  // Datetime.
  weekday: number[];
  hour: number[];
  /** Largest resolution (ms) every value is a multiple of, among day, hour, minute, second, 1. */
  resolution: number;
  // Boolean.
  trues: number;
  // String.
  minLen: number;
  maxLen: number;
  /** Exact shapes (digit 9, upper A, lower a, else the character) until {@link SHAPE_CAP}. */
  shapes: Map<string, number>;
  shapeOverflow: boolean;
  /** The first shape's characters that every value of that shape shares (null where they differ). */
  fixed: Array<string | null> | null;
  /** Run shape (consecutive characters of one class merged) shared by every value, or null. */
  runs: Run[] | null;
  runsBroken: boolean;
  uuids: number;
  emails: number;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;
const DAY = 86_400_000;

/** Empty accumulators for a column. */
export function newStats(name: string, type: ColumnType): ColumnStats {
  const numeric = type === "integer" || type === "float" || type === "datetime" ||
    type === "date";
  return {
    name,
    type,
    rows: 0,
    nulls: 0,
    n: 0,
    sum: 0,
    sumSq: 0,
    sumLog: 0,
    sumLogSq: 0,
    positive: 0,
    min: Infinity,
    max: -Infinity,
    decimals: 0,
    low: [],
    high: [],
    sketch: numeric ? new QuantileSketch() : null,
    counts: new Map(),
    overflow: false,
    weekday: new Array<number>(7).fill(0),
    hour: new Array<number>(24).fill(0),
    resolution: DAY,
    trues: 0,
    minLen: Infinity,
    maxLen: 0,
    shapes: new Map(),
    shapeOverflow: false,
    fixed: null,
    runs: null,
    runsBroken: false,
    uuids: 0,
    emails: 0,
  };
}

/** Decimals (0-6) a float needs, 7 when more. */
function decimalsOf(x: number): number {
  for (let d = 0; d <= 6; d++) {
    const p = 10 ** d;
    if (Math.abs(Math.round(x * p) / p - x) <= Math.abs(x) * 1e-12) return d;
  }
  return 7;
}

/** Keep the `k` smallest values of `arr` (ascending) after adding `x`. */
function keepLow(arr: number[], x: number, k: number): void {
  if (arr.length === k && x >= arr[k - 1]) return;
  let i = arr.length;
  while (i > 0 && arr[i - 1] > x) i--;
  arr.splice(i, 0, x);
  if (arr.length > k) arr.pop();
}

/** Keep the `k` largest values of `arr` (ascending) after adding `x`. */
function keepHigh(arr: number[], x: number, k: number): void {
  if (arr.length === k && x <= arr[0]) return;
  let i = arr.length;
  while (i > 0 && arr[i - 1] > x) i--;
  arr.splice(i, 0, x);
  if (arr.length > k) arr.shift();
}

// Numbers are their own keys: a number hashes cheaply, a fresh String(x) does not.
function count(s: ColumnStats, key: string | number): void {
  const c = s.counts.get(key);
  if (c !== undefined) s.counts.set(key, c + 1);
  else if (s.counts.size < DISTINCT_CAP) s.counts.set(key, 1);
  else s.overflow = true;
}

function addNumber(s: ColumnStats, x: number, k: number): void {
  s.n++;
  s.sum += x;
  s.sumSq += x * x;
  if (x > 0) {
    const l = Math.log(x);
    s.sumLog += l;
    s.sumLogSq += l * l;
    s.positive++;
  }
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
  keepLow(s.low, x, k);
  keepHigh(s.high, x, k);
  s.sketch!.add(x);
  count(s, x);
  if (s.type === "float" && s.decimals < 7) s.decimals = Math.max(s.decimals, decimalsOf(x));
  if (s.type === "datetime" || s.type === "date") {
    const day = Math.floor(x / DAY);
    s.weekday[((day + 3) % 7 + 7) % 7]++;
    s.hour[Math.floor((x - day * DAY) / 3_600_000)]++;
    while (s.resolution > 1 && x % s.resolution !== 0) {
      s.resolution = s.resolution === DAY
        ? 3_600_000
        : s.resolution === 3_600_000
        ? 60_000
        : s.resolution === 60_000
        ? 1000
        : 1;
    }
  }
}

function addString(s: ColumnStats, v: string): void {
  s.n++;
  count(s, v);
  if (v.length < s.minLen) s.minLen = v.length;
  if (v.length > s.maxLen) s.maxLen = v.length;
  if (UUID_RE.test(v)) s.uuids++;
  if (EMAIL_RE.test(v)) s.emails++;
  if (v.length > SHAPE_MAX_CHARS) {
    s.shapeOverflow = true;
    s.runsBroken = true;
    return;
  }
  let shape = "";
  for (const c of v) shape += charClass(c);
  const seen = s.shapes.get(shape);
  if (seen !== undefined) s.shapes.set(shape, seen + 1);
  else if (s.shapes.size < SHAPE_CAP) s.shapes.set(shape, 1);
  else s.shapeOverflow = true;
  if (s.shapes.size === 1 && !s.shapeOverflow) {
    const chars = [...v];
    if (s.fixed === null) s.fixed = chars;
    else s.fixed.forEach((c, i) => (c !== chars[i] ? (s.fixed![i] = null) : undefined));
  }
  if (!s.runsBroken) {
    const runs: Run[] = [];
    for (const c of v) {
      const cls = charClass(c);
      const last = runs[runs.length - 1];
      if (last !== undefined && last.cls === cls) last.min = last.max = last.max + 1;
      else runs.push({ cls, min: 1, max: 1 });
    }
    if (s.runs === null) s.runs = runs;
    else if (
      s.runs.length !== runs.length || s.runs.some((r, i) => r.cls !== runs[i].cls)
    ) {
      s.runsBroken = true;
      s.runs = null;
    } else {
      s.runs.forEach((r, i) => {
        r.min = Math.min(r.min, runs[i].min);
        r.max = Math.max(r.max, runs[i].max);
      });
    }
  }
}

/** Add the training rows of one chunk's column (`train[i]` = 1 for a training row). */
export function addColumn(
  s: ColumnStats,
  c: ColumnValues,
  train: Uint8Array,
  k: number,
): void {
  const valid = c.valid;
  for (let i = 0; i < train.length; i++) {
    if (train[i] === 0) continue;
    s.rows++;
    if (valid !== null && valid[i] === 0) {
      s.nulls++;
      continue;
    }
    switch (c.type) {
      case "integer":
      case "float":
      case "datetime":
        addNumber(s, c.values[i], k);
        break;
      case "date":
        // Learned as UTC midnights (epoch ms), like a datetime at day resolution.
        addNumber(s, c.values[i] * DAY, k);
        break;
      case "boolean":
        s.n++;
        if (c.values[i] === 1) s.trues++;
        break;
      case "string":
        addString(s, c.values[i]);
        break;
    }
  }
}

/** Distinct values seen (exact unless {@link ColumnStats.overflow}). */
export function distinctCount(s: ColumnStats): number {
  return s.type === "boolean" ? (s.trues > 0 ? 1 : 0) + (s.n - s.trues > 0 ? 1 : 0) : s.counts.size;
}
