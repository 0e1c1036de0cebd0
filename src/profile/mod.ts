/**
 * Streaming column profiles.
 *
 * A {@link Profiler} sees every chunk once, in order, with bounded memory, and
 * produces a JSON-serializable {@link DatasetProfile}. Each finalized version
 * stores its profile, so drift against it never re-reads the prior data.
 *
 * Per column:
 * - count, nulls, min, max, mean and population std (ddof = 0) by Welford's
 *   update, value by value in row order, so chunk boundaries never change a
 *   single bit of the result.
 * - quantiles (101 points, p = 0, 0.01, ..., 1; numpy type 7): exact while the
 *   column has <= {@link EXACT_QUANTILE_LIMIT} finite values or <=
 *   {@link SUPPORT_ATOMS} distinct values; above that a deterministic
 *   compactor sketch (see kll.ts) whose guaranteed rank error is stored in
 *   `quantiles.rankErrorBound` (about log2(n / 4096) / 4096, i.e. <= 0.3% of n at
 *   10^7 rows). Min and max are always exact.
 * - histogram: {@link HISTOGRAM_BINS} equal-width bins over [min, max].
 * - support: <= {@link SUPPORT_ATOMS} weighted atoms used by KS, Wasserstein and
 *   PSI (exact value counts when distinct <= 1000; see summary.ts).
 * - top categories (strings, booleans): exact counts while <=
 *   {@link CATEGORY_LIMIT} distinct values, then Misra-Gries with
 *   {@link CATEGORY_LIMIT} counters (each count underestimates by at most
 *   `maxUndercount` <= n / 1001). Sorted by count descending, then value in
 *   code-unit order.
 * - distinct count: exact up to 100,000 values, then HyperLogLog p = 14
 *   (relative standard error 0.8125%; see hll.ts).
 * - Non-finite numbers (NaN, +-Infinity) are counted in `nonFinite` and kept
 *   out of every numeric statistic.
 *
 * Dataset level: pairwise Pearson correlations of the first
 * {@link MAX_CORRELATION_COLUMNS} numeric (integer, float, datetime) columns by
 * name, over pairwise-complete rows, by the bivariate Welford co-moment update.
 *
 * Every object is built with a fixed key order and columns in code-unit name
 * order, so `JSON.stringify` of a profile is byte-identical for identical input.
 *
 * @module
 */
import {
  type Chunk,
  COLUMN_TYPES,
  type ColumnType,
  type ColumnValues,
  compareNames,
} from "../data/mod.ts";
import { IntegrityError } from "../errors.ts";
import { DISTINCT_EXACT_LIMIT, DistinctCounter, HLL_RELATIVE_STANDARD_ERROR } from "./hll.ts";
import { QuantileSketch, SKETCH_LEVEL_CAPACITY } from "./kll.ts";
import {
  equalWidthEdges,
  HISTOGRAM_BINS,
  histogramOf,
  QUANTILE_POINTS,
  quantilesOf,
  type SortedSample,
  SUPPORT_ATOMS,
  supportOf,
} from "./summary.ts";

export { DISTINCT_EXACT_LIMIT, HLL_RELATIVE_STANDARD_ERROR } from "./hll.ts";
export { SKETCH_LEVEL_CAPACITY } from "./kll.ts";
export { HISTOGRAM_BINS, QUANTILE_POINTS, SUPPORT_ATOMS } from "./summary.ts";

/** Profile format version. */
export const PROFILE_FORMAT = 1;
/** Finite values per column kept (and sorted once) for exact quantiles. */
export const EXACT_QUANTILE_LIMIT = 100_000;
/** Distinct categories counted exactly; also the number of Misra-Gries counters. */
export const CATEGORY_LIMIT = 1000;
/** Numeric columns (first by name) that enter the correlation matrix. */
export const MAX_CORRELATION_COLUMNS = 40;

/** Distinct count of a column. */
export interface DistinctProfile {
  count: number;
  exact: boolean;
  method: "exact" | "hyperloglog";
  /** Relative standard error of `count` (0 when exact). */
  relativeStandardError: number;
}

/** 101 quantiles at p = i / 100. */
export interface QuantileProfile {
  method: "exact" | "sketch";
  /** Guaranteed bound on the rank error as a fraction of `count` (0 when exact). */
  rankErrorBound: number;
  values: number[];
}

/** Equal-width histogram over [min, max]; bin i is [edges[i], edges[i+1]), last closed. */
export interface HistogramProfile {
  edges: number[];
  counts: number[];
  /** False when counts come from the sketch's weighted items. */
  exact: boolean;
}

/** Weighted atoms standing for the distribution of finite values. */
export interface SupportProfile {
  values: number[];
  counts: number[];
  exact: boolean;
  /** Bound on sup |CDF(atoms) - CDF(data)| (0 when exact). */
  cdfErrorBound: number;
}

/** Statistics of the finite values of an integer, float or datetime column. */
export interface NumericProfile {
  /** Finite values. */
  count: number;
  /** NaN and infinite values (excluded from every statistic). */
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (ddof = 0). */
  std: number;
  quantiles: QuantileProfile;
  histogram: HistogramProfile;
  support: SupportProfile;
}

/** One category and its count. */
export interface CategoryCount {
  value: string;
  count: number;
}

/** Category frequencies of a string or boolean column (booleans as "false"/"true"). */
export interface CategoricalProfile {
  method: "exact" | "misra-gries";
  /** Largest possible undercount of any listed count (0 when exact). */
  maxUndercount: number;
  /** Sorted by count descending, then value in code-unit order. */
  top: CategoryCount[];
  /** Non-null values not accounted for by `top`. */
  other: number;
}

/** Profile of one column. */
export interface ColumnProfile {
  type: ColumnType;
  /** Rows. */
  count: number;
  nulls: number;
  distinct: DistinctProfile;
  /** Present for integer, float and datetime columns with a finite value. */
  numeric: NumericProfile | null;
  /** Present for string and boolean columns. */
  categorical: CategoricalProfile | null;
}

/** Pairwise Pearson correlations. */
export interface CorrelationProfile {
  method: "pearson";
  columns: string[];
  /** Symmetric; null when a pair has < 2 complete rows or a zero variance. */
  matrix: Array<Array<number | null>>;
  /** Pairwise-complete row counts (diagonal: finite values). */
  counts: number[][];
}

/** Profile of a whole dataset version. */
export interface DatasetProfile {
  version: 1;
  rows: number;
  /** Keyed by column name, in code-unit order. */
  columns: Record<string, ColumnProfile>;
  correlations: CorrelationProfile;
}

const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set(["integer", "float", "datetime"]);

/** Whether a column type is profiled numerically. */
export function isNumericType(type: ColumnType): boolean {
  return NUMERIC_TYPES.has(type);
}

class NumericAccumulator {
  n = 0;
  nonFinite = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  #counts: Map<number, number> | null = new Map();
  #distinct: DistinctCounter | null = null;
  #buffer: Float64Array | null = new Float64Array(1024);
  #sketch: QuantileSketch | null = null;
  /** Values written to the buffer or sketch (all of them once counts are dropped). */
  #stored = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite++;
      return;
    }
    const v = x === 0 ? 0 : x; // -0 and 0 are one value everywhere
    this.n++;
    const d = v - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (v - this.mean);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.#counts !== null) {
      // Few distinct values so far: exact value counts are all we need.
      const c = this.#counts.get(v);
      this.#counts.set(v, c === undefined ? 1 : c + 1);
      if (this.#counts.size > SUPPORT_ATOMS) this.#materialize();
      return;
    }
    (this.#distinct as DistinctCounter).add(v);
    this.#store(v);
  }

  /**
   * Leave value-count mode: replay the counts, in ascending value order, into
   * the distinct counter and the exact buffer (or sketch). The order is fixed
   * by the data, not by chunking, so the result stays deterministic.
   */
  #materialize(): void {
    const counts = this.#counts as Map<number, number>;
    this.#counts = null;
    const keys = Float64Array.from(counts.keys()).sort();
    this.#distinct = new DistinctCounter();
    for (const k of keys) this.#distinct.add(k);
    for (const k of keys) {
      const c = counts.get(k) as number;
      for (let i = 0; i < c; i++) this.#store(k);
    }
  }

  #store(v: number): void {
    const n = ++this.#stored;
    if (this.#buffer !== null) {
      if (n > this.#buffer.length) {
        if (n > EXACT_QUANTILE_LIMIT) {
          // Too many values to keep: replay them into the sketch, in order.
          const sketch = new QuantileSketch();
          for (const b of this.#buffer) sketch.add(b);
          sketch.add(v);
          this.#sketch = sketch;
          this.#buffer = null;
          return;
        }
        const grown = new Float64Array(Math.min(this.#buffer.length * 2, EXACT_QUANTILE_LIMIT));
        grown.set(this.#buffer);
        this.#buffer = grown;
      }
      this.#buffer[n - 1] = v;
    } else (this.#sketch as QuantileSketch).add(v);
  }

  distinct(): DistinctProfile {
    if (this.#counts !== null) return exactDistinct(this.#counts.size);
    return distinctOf(this.#distinct as DistinctCounter);
  }

  finish(): NumericProfile | null {
    if (this.n === 0) return null;
    let sample: SortedSample;
    let weightsExact = true;
    let rankErrorBound = 0;
    if (this.#counts !== null) {
      const keys = Float64Array.from(this.#counts.keys()).sort();
      const weights = new Float64Array(keys.length);
      for (let i = 0; i < keys.length; i++) weights[i] = this.#counts.get(keys[i]) as number;
      sample = { values: keys, weights };
    } else if (this.#buffer !== null) {
      sample = { values: this.#buffer.slice(0, this.n).sort(), weights: null };
    } else {
      const items = (this.#sketch as QuantileSketch).items();
      sample = items;
      weightsExact = false;
      rankErrorBound = (this.#sketch as QuantileSketch).rankErrorBound;
    }
    const q = quantilesOf(sample, QUANTILE_POINTS);
    // The sketch may have compacted the extremes away; min and max are exact.
    q[0] = this.min;
    q[q.length - 1] = this.max;
    const edges = equalWidthEdges(this.min, this.max, HISTOGRAM_BINS);
    const support = supportOf(sample, weightsExact, SUPPORT_ATOMS);
    // An atom of a compressed support stands for at most floor(n / A) + 1 ranks.
    const compressionError = support.compressed
      ? (Math.floor(this.n / SUPPORT_ATOMS) + 1) / this.n
      : 0;
    return {
      count: this.n,
      nonFinite: this.nonFinite,
      min: this.min,
      max: this.max,
      mean: this.mean,
      std: Math.sqrt(this.m2 / this.n),
      quantiles: {
        method: weightsExact ? "exact" : "sketch",
        rankErrorBound,
        values: q,
      },
      histogram: { edges, counts: histogramOf(sample, edges), exact: weightsExact },
      support: {
        values: support.values,
        counts: support.counts,
        exact: support.exact,
        cdfErrorBound: support.exact ? 0 : rankErrorBound + compressionError,
      },
    };
  }
}

function exactDistinct(count: number): DistinctProfile {
  return { count, exact: true, method: "exact", relativeStandardError: 0 };
}

function distinctOf(d: DistinctCounter): DistinctProfile {
  return d.exact ? exactDistinct(d.count()) : {
    count: d.count(),
    exact: false,
    method: "hyperloglog",
    relativeStandardError: HLL_RELATIVE_STANDARD_ERROR,
  };
}

function sortCategories(counts: Map<string, number>): CategoryCount[] {
  const out: CategoryCount[] = [];
  for (const [value, count] of counts) out.push({ value, count });
  out.sort((a, b) => b.count - a.count || compareNames(a.value, b.value));
  return out;
}

class StringAccumulator {
  n = 0;
  #counts = new Map<string, number>();
  #misraGries = false;
  #decrements = 0;
  #distinct: DistinctCounter | null = null;

  add(s: string): void {
    this.n++;
    const c = this.#counts.get(s);
    if (c !== undefined) this.#counts.set(s, c + 1);
    else if (this.#counts.size < CATEGORY_LIMIT) this.#counts.set(s, 1);
    else {
      if (!this.#misraGries) {
        // Until now the map held every value seen, with exact counts.
        this.#misraGries = true;
        this.#distinct = new DistinctCounter();
        for (const k of this.#counts.keys()) this.#distinct.add(k);
      }
      // Misra-Gries: the new value and one occurrence of every counted value cancel out.
      this.#decrements++;
      for (const [k, n] of this.#counts) {
        if (n === 1) this.#counts.delete(k);
        else this.#counts.set(k, n - 1);
      }
    }
    if (this.#misraGries) (this.#distinct as DistinctCounter).add(s);
  }

  distinct(): DistinctProfile {
    if (!this.#misraGries) return exactDistinct(this.#counts.size);
    return distinctOf(this.#distinct as DistinctCounter);
  }

  finish(): CategoricalProfile {
    const top = sortCategories(this.#counts);
    let listed = 0;
    for (const t of top) listed += t.count;
    return {
      method: this.#misraGries ? "misra-gries" : "exact",
      maxUndercount: this.#decrements,
      top,
      other: this.n - listed,
    };
  }
}

class BooleanAccumulator {
  trues = 0;
  falses = 0;

  distinct(): DistinctProfile {
    return exactDistinct((this.trues > 0 ? 1 : 0) + (this.falses > 0 ? 1 : 0));
  }

  finish(): CategoricalProfile {
    // Both categories are always listed, even at zero: an empty category is data.
    return {
      method: "exact",
      maxUndercount: 0,
      top: sortCategories(new Map([["false", this.falses], ["true", this.trues]])),
      other: 0,
    };
  }
}

type Accumulator = NumericAccumulator | StringAccumulator | BooleanAccumulator;

interface ColumnState {
  name: string;
  type: ColumnType;
  nulls: number;
  rows: number;
  acc: Accumulator;
}

/**
 * One-pass profiler. Feed chunks in row order with {@link Profiler.add}, then
 * call {@link Profiler.finish} once.
 */
export class Profiler {
  #columns: ColumnState[];
  #rows = 0;
  #corrColumns: ColumnState[];
  #pairN: Float64Array;
  #pairMx: Float64Array;
  #pairMy: Float64Array;
  #pairM2x: Float64Array;
  #pairM2y: Float64Array;
  #pairC: Float64Array;
  #finished = false;

  /** Columns to profile (any order; profiled in code-unit name order). */
  constructor(columns: ReadonlyArray<{ name: string; type: ColumnType }>) {
    this.#columns = [...columns]
      .sort((a, b) => compareNames(a.name, b.name))
      .map((c) => ({
        name: c.name,
        type: c.type,
        nulls: 0,
        rows: 0,
        acc: c.type === "string"
          ? new StringAccumulator()
          : c.type === "boolean"
          ? new BooleanAccumulator()
          : new NumericAccumulator(),
      }));
    this.#corrColumns = this.#columns.filter((c) => isNumericType(c.type)).slice(
      0,
      MAX_CORRELATION_COLUMNS,
    );
    const p = this.#corrColumns.length;
    const pairs = (p * (p - 1)) / 2;
    this.#pairN = new Float64Array(pairs);
    this.#pairMx = new Float64Array(pairs);
    this.#pairMy = new Float64Array(pairs);
    this.#pairM2x = new Float64Array(pairs);
    this.#pairM2y = new Float64Array(pairs);
    this.#pairC = new Float64Array(pairs);
  }

  /** Add one chunk. Throws if a column is missing or has the wrong type. */
  add(chunk: Chunk): void {
    if (this.#finished) throw new Error("Profiler.add after finish");
    for (const col of this.#columns) {
      const values = chunk.columns.get(col.name);
      if (values === undefined) {
        throw new Error(`chunk ${chunk.index} has no column "${col.name}"`);
      }
      if (values.type !== col.type) {
        throw new Error(
          `chunk ${chunk.index} column "${col.name}" is ${values.type}, expected ${col.type}`,
        );
      }
      addColumn(col, values, chunk.rows);
    }
    this.#addCorrelations(chunk);
    this.#rows += chunk.rows;
  }

  #addCorrelations(chunk: Chunk): void {
    const cols = this.#corrColumns;
    const p = cols.length;
    if (p < 2) return;
    const arrays: Array<{ values: Float64Array; valid: Uint8Array | null }> = cols.map((c) => {
      const v = chunk.columns.get(c.name) as ColumnValues;
      return { values: v.values as Float64Array, valid: v.valid };
    });
    const row = new Float64Array(p);
    const n = this.#pairN;
    const mx = this.#pairMx;
    const my = this.#pairMy;
    const m2x = this.#pairM2x;
    const m2y = this.#pairM2y;
    const cxy = this.#pairC;
    for (let r = 0; r < chunk.rows; r++) {
      for (let i = 0; i < p; i++) {
        const a = arrays[i];
        const v = a.values[r];
        row[i] = (a.valid === null || a.valid[r] === 1) && Number.isFinite(v) ? v : NaN;
      }
      let k = 0;
      for (let i = 0; i < p; i++) {
        const x = row[i];
        if (x !== x) {
          k += p - i - 1;
          continue;
        }
        for (let j = i + 1; j < p; j++, k++) {
          const y = row[j];
          if (y !== y) continue;
          // Bivariate Welford: numerically stable co-moment update.
          const nk = ++n[k];
          const dx = x - mx[k];
          mx[k] += dx / nk;
          const dy = y - my[k];
          my[k] += dy / nk;
          m2x[k] += dx * (x - mx[k]);
          m2y[k] += dy * (y - my[k]);
          cxy[k] += dx * (y - my[k]);
        }
      }
    }
  }

  /** Finish and return the profile. The profiler cannot be used afterwards. */
  finish(): DatasetProfile {
    this.#finished = true;
    const columns: Record<string, ColumnProfile> = {};
    for (const c of this.#columns) {
      const acc = c.acc;
      columns[c.name] = {
        type: c.type,
        count: this.#rows,
        nulls: c.nulls,
        distinct: acc.distinct(),
        numeric: acc instanceof NumericAccumulator ? acc.finish() : null,
        categorical: acc instanceof NumericAccumulator ? null : acc.finish(),
      };
    }
    return {
      version: 1,
      rows: this.#rows,
      columns,
      correlations: this.#correlations(),
    };
  }

  #correlations(): CorrelationProfile {
    const cols = this.#corrColumns;
    const p = cols.length;
    const matrix: Array<Array<number | null>> = [];
    const counts: number[][] = [];
    for (let i = 0; i < p; i++) {
      const acc = cols[i].acc as NumericAccumulator;
      matrix.push(new Array<number | null>(p).fill(null));
      counts.push(new Array<number>(p).fill(0));
      matrix[i][i] = acc.n >= 2 && acc.m2 > 0 ? 1 : null;
      counts[i][i] = acc.n;
    }
    let k = 0;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++, k++) {
        const n = this.#pairN[k];
        const den = Math.sqrt(this.#pairM2x[k] * this.#pairM2y[k]);
        const r = n >= 2 && den > 0 ? Math.max(-1, Math.min(1, this.#pairC[k] / den)) : null;
        matrix[i][j] = r;
        matrix[j][i] = r;
        counts[i][j] = n;
        counts[j][i] = n;
      }
    }
    return { method: "pearson", columns: cols.map((c) => c.name), matrix, counts };
  }
}

function addColumn(col: ColumnState, values: ColumnValues, rows: number): void {
  const valid = values.valid;
  const acc = col.acc;
  col.rows += rows;
  if (values.type === "string") {
    const a = acc as StringAccumulator;
    for (let r = 0; r < rows; r++) {
      if (valid !== null && valid[r] !== 1) col.nulls++;
      else a.add(values.values[r]);
    }
  } else if (values.type === "boolean") {
    const a = acc as BooleanAccumulator;
    for (let r = 0; r < rows; r++) {
      if (valid !== null && valid[r] !== 1) col.nulls++;
      else if (values.values[r] !== 0) a.trues++;
      else a.falses++;
    }
  } else {
    const a = acc as NumericAccumulator;
    for (let r = 0; r < rows; r++) {
      if (valid !== null && valid[r] !== 1) col.nulls++;
      else a.add(values.values[r]);
    }
  }
}

/** Profiling limits, for reports and documentation. */
export const PROFILE_LIMITS = {
  exactQuantileLimit: EXACT_QUANTILE_LIMIT,
  sketchLevelCapacity: SKETCH_LEVEL_CAPACITY,
  supportAtoms: SUPPORT_ATOMS,
  histogramBins: HISTOGRAM_BINS,
  categoryLimit: CATEGORY_LIMIT,
  distinctExactLimit: DISTINCT_EXACT_LIMIT,
  hllRelativeStandardError: HLL_RELATIVE_STANDARD_ERROR,
  maxCorrelationColumns: MAX_CORRELATION_COLUMNS,
} as const;

/** Serialize a profile: 2-space JSON with a trailing newline (byte-stable). */
export function serializeProfile(profile: DatasetProfile): string {
  return JSON.stringify(profile, null, 2) + "\n";
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Parse a stored profile (e.g. prior_profile.json) and check its structure
 * enough for drift to be computed. Throws {@link IntegrityError} naming
 * `source` when it is not a format-1 profile.
 */
export function parseProfile(text: string, source: string): DatasetProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new IntegrityError(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const bad = (why: string): never => {
    throw new IntegrityError(`${source}: not an sdp profile: ${why}`);
  };
  if (!isObject(data)) return bad("expected an object");
  if (data.version !== PROFILE_FORMAT) return bad(`unsupported profile version ${data.version}`);
  if (typeof data.rows !== "number") return bad("rows missing");
  if (!isObject(data.columns)) return bad("columns missing");
  for (const [name, c] of Object.entries(data.columns)) {
    if (!isObject(c) || !COLUMN_TYPES.includes(c.type as ColumnType)) {
      return bad(`column "${name}" has no valid type`);
    }
    if (typeof c.count !== "number" || typeof c.nulls !== "number" || !isObject(c.distinct)) {
      return bad(`column "${name}" lacks count, nulls or distinct`);
    }
    const numeric = isNumericType(c.type as ColumnType);
    if (numeric && c.numeric !== null) {
      const n = c.numeric;
      if (!isObject(n) || !isObject(n.support) || !Array.isArray(n.support.values)) {
        return bad(`column "${name}" lacks its numeric support`);
      }
    }
    if (!numeric && (!isObject(c.categorical) || !Array.isArray(c.categorical.top))) {
      return bad(`column "${name}" lacks its categories`);
    }
  }
  const cor = data.correlations;
  if (!isObject(cor) || !Array.isArray(cor.columns) || !Array.isArray(cor.matrix)) {
    return bad("correlations missing");
  }
  return data as unknown as DatasetProfile;
}
