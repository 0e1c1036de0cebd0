/**
 * Streaming column profiles.
 *
 * A {@link Profiler} merges one part per chunk (see partial.ts), in chunk
 * order, with bounded memory, and produces a JSON-serializable
 * {@link DatasetProfile}. Parts are computed where the chunk is (encoder
 * workers, or the thread reading a file back); a part is a pure function of
 * the chunk, and chunks are the file's row groups (CHUNK_ROWS rows), so the
 * profile is the same for any worker count and for a read-back. Each
 * finalized version stores its profile, so drift against it never re-reads
 * the prior data.
 *
 * Per column:
 * - count, nulls, min, max, mean and population std (ddof = 0): corrected
 *   two-pass moments per chunk, combined in chunk order by Chan et al.'s
 *   pairwise update (so other chunk boundaries would change only the last
 *   bits of mean and std, never an order statistic).
 * - quantiles (101 points, p = 0, 0.01, ..., 1; numpy type 7): exact while the
 *   column has <= {@link EXACT_QUANTILE_LIMIT} finite values or <=
 *   {@link SUPPORT_ATOMS} distinct values; above that a deterministic
 *   compactor sketch (see kll.ts; chunk sketches merged in chunk order) whose
 *   guaranteed rank error is stored in `quantiles.rank_error_bound` (about
 *   log2(n / 4096) / 4096, i.e. <= 0.3% of n at 10^7 rows). Min and max are
 *   always exact.
 * - histogram: {@link HISTOGRAM_BINS} equal-width bins over [min, max].
 * - support: <= {@link SUPPORT_ATOMS} weighted atoms used by KS, Wasserstein and
 *   PSI (exact value counts when distinct <= 1000; see summary.ts).
 * - top categories (strings, booleans): exact counts while <=
 *   {@link CATEGORY_LIMIT} distinct values, then mergeable Misra-Gries with
 *   {@link CATEGORY_LIMIT} counters (each count underestimates by at most
 *   `max_undercount` <= n / 1001). Sorted by count descending, then value in
 *   code-unit order.
 * - distinct count: exact up to 100,000 values, then HyperLogLog p = 14
 *   (relative standard error 0.8125%; see hll.ts).
 * - Non-finite numbers (NaN, +-Infinity) are counted in `non_finite` and kept
 *   out of every numeric statistic.
 *
 * Dataset level: pairwise Pearson correlations of the first
 * {@link MAX_CORRELATION_COLUMNS} numeric (integer, float, datetime, date) columns by
 * name, over pairwise-complete rows: two-pass co-moments per chunk, combined
 * by the bivariate form of the same pairwise update.
 *
 * Every object is built with a fixed key order and columns in code-unit name
 * order, so `JSON.stringify` of a profile is byte-identical for identical input.
 *
 * @module
 */
import { type Chunk, COLUMN_TYPES, type ColumnType, compareNames } from "../data/mod.ts";
import { IntegrityError } from "../errors.ts";
import { DistinctMerger, HLL_RELATIVE_STANDARD_ERROR } from "./hll.ts";
import { QuantileSketch } from "./kll.ts";
import { LabelAccumulator, labelColumns, type LabelProfile } from "./labels.ts";
import { LEGACY_PROFILE_FORMAT, upgradeProfileV1 } from "./legacy.ts";
import {
  type BooleanPart,
  CATEGORY_LIMIT,
  type ChunkProfile,
  ChunkProfiler,
  chunkSketch,
  type NumericPart,
  type PairMoments,
  type PartOptions,
  profileLayout,
  reduceCounts,
  sortedValues,
  type StringPart,
} from "./partial.ts";
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
export { QuantileSketch, SKETCH_LEVEL_CAPACITY, type WeightedItems } from "./kll.ts";
export { HISTOGRAM_BINS, QUANTILE_POINTS, SUPPORT_ATOMS } from "./summary.ts";
export {
  type ClassNumeric,
  type LabelColumn,
  type LabelProfile,
  MAX_LABEL_COLUMNS,
} from "./labels.ts";

/**
 * Profile format version: 2 since determinism contract 5 (every key
 * snake_case); format 1 is read through legacy.ts.
 */
export const PROFILE_FORMAT = 2;
/** Finite values per column kept (and sorted once) for exact quantiles. */
export const EXACT_QUANTILE_LIMIT = 100_000;
export {
  CATEGORY_LIMIT,
  type ChunkProfile,
  ChunkProfiler,
  MAX_CORRELATION_COLUMNS,
  type PartOptions,
  partProblems,
  partTransferables,
  profileLayout,
} from "./partial.ts";

/** Distinct count of a column. */
export interface DistinctProfile {
  count: number;
  exact: boolean;
  method: "exact" | "hyperloglog";
  /** Relative standard error of `count` (0 when exact). */
  relative_standard_error: number;
}

/** 101 quantiles at p = i / 100. */
export interface QuantileProfile {
  method: "exact" | "sketch";
  /** Guaranteed bound on the rank error as a fraction of `count` (0 when exact). */
  rank_error_bound: number;
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
  cdf_error_bound: number;
}

/** Statistics of the finite values of an integer, float, datetime (ms) or date (days) column. */
export interface NumericProfile {
  /** Finite values. */
  count: number;
  /** NaN and infinite values (excluded from every statistic). */
  non_finite: number;
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
  max_undercount: number;
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
  /** Present for integer, float, datetime and date columns with a finite value. */
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
  /** Profile format ({@link PROFILE_FORMAT}). */
  version: 2;
  rows: number;
  /** Keyed by column name, in code-unit order. */
  columns: Record<string, ColumnProfile>;
  correlations: CorrelationProfile;
  /**
   * Per-class distributions for each boolean label column (labels.ts); only
   * when the dataset has label columns.
   */
  labels?: LabelProfile[];
}

const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set(["integer", "float", "datetime", "date"]);

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
  readonly #distinct = new DistinctMerger();
  /** Exact value counts while the column has <= SUPPORT_ATOMS distinct values. */
  #counts: Map<number, number> | null = new Map();
  /** All finite values, ascending, while there are <= EXACT_QUANTILE_LIMIT of them. */
  #buffer: Float64Array | null = null;
  #sketch: QuantileSketch | null = null;

  /** Quantiles are a sketch and the distinct count is HyperLogLog: exact values are not needed. */
  get settled(): boolean {
    return this.#sketch !== null && !this.#distinct.exact;
  }

  merge(p: NumericPart): void {
    if (p.settled && !this.settled) {
      throw new Error("profile part without values for a column that still needs them");
    }
    this.nonFinite += p.nonFinite;
    if (p.n === 0) return;
    // Chan et al.: exact pairwise combination of means and squared deviations.
    const n = this.n + p.n;
    const d = p.mean - this.mean;
    this.mean += (d * p.n) / n;
    this.m2 += p.m2 + (d * d * this.n * p.n) / n;
    this.n = n;
    if (p.min < this.min) this.min = p.min;
    if (p.max > this.max) this.max = p.max;
    this.#distinct.merge(p.distinct, p.registers);
    if (
      this.#counts !== null && this.#counts.size === 0 && p.counts === undefined &&
      p.distinct.length > SUPPORT_ATOMS && p.n <= EXACT_QUANTILE_LIMIT
    ) {
      // The first part alone has too many distinct values: #leaveCounts would
      // turn it straight into the buffer, so skip counting it value by value.
      this.#counts = null;
      this.#buffer = new Float64Array(0);
    }
    if (this.#counts !== null) {
      const counts = this.#counts;
      if (p.counts !== undefined) {
        const c = p.counts, v = p.distinct;
        for (let j = 0; j < c.length; j++) counts.set(v[j], (counts.get(v[j]) ?? 0) + c[j]);
      } else {
        const s = p.sorted;
        for (let i = 0; i < s.length;) {
          let j = i + 1;
          while (j < s.length && s[j] === s[i]) j++;
          counts.set(s[i], (counts.get(s[i]) ?? 0) + j - i);
          i = j;
        }
      }
      if (counts.size > SUPPORT_ATOMS) this.#leaveCounts();
    } else if (this.#buffer !== null) {
      if (this.#buffer.length + p.n <= EXACT_QUANTILE_LIMIT) {
        this.#buffer = mergeSorted(this.#buffer, sortedValues(p));
      } else {
        // Too many values to keep: the kept ones enter a sketch, in ascending order.
        const sketch = new QuantileSketch();
        sketch.addSorted(this.#buffer);
        sketch.merge(p.sketch ?? chunkSketch(sortedValues(p)));
        this.#sketch = sketch;
        this.#buffer = null;
      }
    } else (this.#sketch as QuantileSketch).merge(p.sketch ?? chunkSketch(sortedValues(p)));
  }

  /** More distinct values than atoms: continue with every value (buffer or sketch). */
  #leaveCounts(): void {
    const counts = this.#counts as Map<number, number>;
    this.#counts = null;
    const keys = Float64Array.from(counts.keys()).sort();
    const all = new Float64Array(this.n);
    let k = 0;
    for (const v of keys) {
      const c = counts.get(v) as number;
      all.fill(v, k, k + c);
      k += c;
    }
    if (all.length <= EXACT_QUANTILE_LIMIT) {
      this.#buffer = all;
      return;
    }
    const sketch = new QuantileSketch();
    sketch.addSorted(all);
    this.#sketch = sketch;
  }

  distinct(): DistinctProfile {
    return distinctOf(this.#distinct);
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
      sample = { values: this.#buffer, weights: null };
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
      non_finite: this.nonFinite,
      min: this.min,
      max: this.max,
      mean: this.mean,
      std: Math.sqrt(this.m2 / this.n),
      quantiles: {
        method: weightsExact ? "exact" : "sketch",
        rank_error_bound: rankErrorBound,
        values: q,
      },
      histogram: { edges, counts: histogramOf(sample, edges), exact: weightsExact },
      support: {
        values: support.values,
        counts: support.counts,
        exact: support.exact,
        cdf_error_bound: support.exact ? 0 : rankErrorBound + compressionError,
      },
    };
  }
}

/** Merge two ascending arrays. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

function exactDistinct(count: number): DistinctProfile {
  return { count, exact: true, method: "exact", relative_standard_error: 0 };
}

function distinctOf(d: DistinctMerger): DistinctProfile {
  return d.exact ? exactDistinct(d.count()) : {
    count: d.count(),
    exact: false,
    method: "hyperloglog",
    relative_standard_error: HLL_RELATIVE_STANDARD_ERROR,
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
  #undercount = 0;
  readonly #distinct = new DistinctMerger();

  /** The distinct count is HyperLogLog: distinct values are not needed. */
  get settled(): boolean {
    return !this.#distinct.exact;
  }

  merge(p: StringPart): void {
    if (p.settled && !this.settled) {
      throw new Error("profile part without values for a column that still needs them");
    }
    this.n += p.n;
    const counts = this.#counts;
    for (let i = 0; i < p.keys.length; i++) {
      counts.set(p.keys[i], (counts.get(p.keys[i]) ?? 0) + p.counts[i]);
    }
    // Mergeable Misra-Gries (Agarwal et al. 2012): add the summaries, then reduce.
    if (!p.exact) this.#misraGries = true;
    this.#undercount += p.undercount;
    const cut = reduceCounts(counts, CATEGORY_LIMIT);
    if (cut > 0) this.#misraGries = true;
    this.#undercount += cut;
    this.#distinct.merge(p.distinct, p.registers);
  }

  distinct(): DistinctProfile {
    return distinctOf(this.#distinct);
  }

  finish(): CategoricalProfile {
    const top = sortCategories(this.#counts);
    let listed = 0;
    for (const t of top) listed += t.count;
    return {
      method: this.#misraGries ? "misra-gries" : "exact",
      max_undercount: this.#undercount,
      top,
      other: this.n - listed,
    };
  }
}

class BooleanAccumulator {
  trues = 0;
  falses = 0;

  merge(p: BooleanPart): void {
    this.trues += p.trues;
    this.falses += p.falses;
  }

  distinct(): DistinctProfile {
    return exactDistinct((this.trues > 0 ? 1 : 0) + (this.falses > 0 ? 1 : 0));
  }

  finish(): CategoricalProfile {
    // Both categories are always listed, even at zero: an empty category is data.
    return {
      method: "exact",
      max_undercount: 0,
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
  acc: Accumulator;
}

/**
 * One-pass profiler over per-chunk parts merged in chunk order. Feed chunks
 * with {@link Profiler.add} (the part is computed here) or parts computed
 * elsewhere with {@link Profiler.merge}, then call {@link Profiler.finish} once.
 */
export class Profiler {
  #columns: ColumnState[];
  #rows = 0;
  #chunks: ChunkProfiler;
  #corr: number[];
  #pairN: Float64Array;
  #pairMx: Float64Array;
  #pairMy: Float64Array;
  #pairM2x: Float64Array;
  #pairM2y: Float64Array;
  #pairC: Float64Array;
  #finished = false;

  #labels: LabelAccumulator[] | null;

  /**
   * Columns to profile (any order; profiled in code-unit name order); `labels`
   * names boolean label columns summarised per class (see labels.ts).
   */
  constructor(
    columns: ReadonlyArray<{ name: string; type: ColumnType }>,
    options: { labels?: readonly string[] } = {},
  ) {
    const layout = profileLayout(columns);
    this.#chunks = new ChunkProfiler(columns, options);
    const labels = labelColumns(layout.columns, options.labels ?? []);
    this.#labels = labels.length === 0
      ? null
      : labels.map((l) => new LabelAccumulator(l, layout.columns));
    this.#corr = layout.correlation;
    this.#columns = layout.columns.map((c) => ({
      name: c.name,
      type: c.type,
      nulls: 0,
      acc: c.type === "string"
        ? new StringAccumulator()
        : c.type === "boolean"
        ? new BooleanAccumulator()
        : new NumericAccumulator(),
    }));
    const p = this.#corr.length;
    const pairs = (p * (p - 1)) / 2;
    this.#pairN = new Float64Array(pairs);
    this.#pairMx = new Float64Array(pairs);
    this.#pairMy = new Float64Array(pairs);
    this.#pairM2x = new Float64Array(pairs);
    this.#pairM2y = new Float64Array(pairs);
    this.#pairC = new Float64Array(pairs);
  }

  /** Add one chunk. Throws if a column is missing or has the wrong type. */
  add(chunk: Chunk, options: PartOptions = {}): void {
    this.merge(this.#chunks.profile(chunk, options));
  }

  /**
   * Columns (profile order) whose parts no longer need exact values; pass
   * them as {@link PartOptions.settled} when computing later parts. Once
   * settled, a column stays settled.
   */
  settled(): number[] {
    const out: number[] = [];
    this.#columns.forEach((c, i) => {
      if (!(c.acc instanceof BooleanAccumulator) && c.acc.settled) out.push(i);
    });
    return out;
  }

  /** Merge the part of the next chunk (parts must arrive in chunk order). */
  merge(part: ChunkProfile): void {
    if (this.#finished) throw new Error("Profiler.merge after finish");
    if (part.columns.length !== this.#columns.length) {
      throw new Error(
        `profile part has ${part.columns.length} columns, expected ${this.#columns.length}`,
      );
    }
    this.#columns.forEach((col, i) => {
      const p = part.columns[i];
      col.nulls += p.nulls;
      switch (p.kind) {
        case "numeric":
          (col.acc as NumericAccumulator).merge(p);
          break;
        case "string":
          (col.acc as StringAccumulator).merge(p);
          break;
        case "boolean":
          (col.acc as BooleanAccumulator).merge(p);
          break;
      }
    });
    if (part.pairs) this.#mergePairs(part.pairs);
    if (this.#labels !== null) {
      const labels = part.labels;
      // A part computed without labels (another producer's layout) drops them for good.
      if (labels === undefined || labels.length !== this.#labels.length) this.#labels = null;
      else this.#labels.forEach((acc, i) => acc.merge(labels[i]));
    }
    this.#rows += part.rows;
  }

  #mergePairs(p: PairMoments): void {
    const n = this.#pairN, mx = this.#pairMx, my = this.#pairMy;
    const m2x = this.#pairM2x, m2y = this.#pairM2y, c = this.#pairC;
    for (let k = 0; k < n.length; k++) {
      const nb = p.n[k];
      if (nb === 0) continue;
      const na = n[k];
      const nn = na + nb;
      // Bivariate Chan et al. combination of co-moments.
      const dx = p.mx[k] - mx[k];
      const dy = p.my[k] - my[k];
      const f = (na * nb) / nn;
      mx[k] += (dx * nb) / nn;
      my[k] += (dy * nb) / nn;
      m2x[k] += p.m2x[k] + dx * dx * f;
      m2y[k] += p.m2y[k] + dy * dy * f;
      c[k] += p.c[k] + dx * dy * f;
      n[k] = nn;
    }
  }

  /** Finish and return the profile. The profiler cannot be used afterwards. */
  finish(): DatasetProfile {
    this.#finished = true;
    const columns: Record<string, ColumnProfile> = Object.create(null);
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
      version: PROFILE_FORMAT,
      rows: this.#rows,
      columns,
      correlations: this.#correlations(),
      ...(this.#labels === null ? {} : { labels: this.#labels.map((l) => l.finish()) }),
    };
  }

  #correlations(): CorrelationProfile {
    const cols = this.#corr.map((i) => this.#columns[i]);
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

/** Serialize a profile: 2-space JSON with a trailing newline (byte-stable). */
export function serializeProfile(profile: DatasetProfile): string {
  return JSON.stringify(profile, null, 2) + "\n";
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Parse a stored profile (e.g. prior_profile.json) and check its structure
 * enough for drift to be computed. A format-1 profile (determinism contract
 * 4 and older) is read through an explicit rename of its five camelCase keys
 * (see legacy.ts). Throws {@link IntegrityError} naming `source` when it is
 * not a format-1 or format-2 profile.
 */
export function parseProfile(text: string, source: string): DatasetProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new IntegrityError(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const bad = (why: string): never => {
    throw new IntegrityError(`${source}: not an sdp profile: ${why}`);
  };
  if (!isObject(parsed)) return bad("expected an object");
  const data = parsed.version === LEGACY_PROFILE_FORMAT
    ? upgradeProfileV1(parsed, PROFILE_FORMAT)
    : parsed;
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
