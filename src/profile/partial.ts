/**
 * Per-chunk profile parts: everything the {@link Profiler} needs from one
 * chunk, computed where the chunk is (an encoder worker, or the thread that
 * reads a file back) and merged on one thread in chunk order.
 *
 * A part is a pure function of the chunk's values, so the merged profile is
 * the same whether parts come from workers (any count) or from reading the
 * written file back: row groups are the chunks (CHUNK_ROWS rows each).
 *
 * Parts are structured-cloneable; {@link partTransferables} lists their
 * buffers for `postMessage` without copies.
 *
 * @module
 */
import type { Chunk, ColumnType, ColumnValues, StringCodes } from "../data/mod.ts";
import { labelColumns, type LabelPart, labelParts } from "./labels.ts";
import { compareNames } from "../data/mod.ts";
import { registersOf } from "./hll.ts";
import { type SketchState, sortedSketchState } from "./kll.ts";
import { countingSort, gridSorted, sortedFloat64 } from "./sort.ts";

/** Distinct categories counted exactly; also the number of Misra-Gries counters. */
export const CATEGORY_LIMIT = 1000;
/** Numeric columns (first by name) that enter the correlation matrix. */
export const MAX_CORRELATION_COLUMNS = 40;

/** Numeric column part: moments, extremes and the sorted finite values. */
export interface NumericPart {
  kind: "numeric";
  nulls: number;
  /** Finite values. */
  n: number;
  nonFinite: number;
  /** Mean and sum of squared deviations of the finite values (two-pass). */
  mean: number;
  m2: number;
  min: number;
  max: number;
  /** The finite values, ascending, -0 as 0 (empty when `settled` or given as `counts`). */
  sorted: Float64Array;
  /** The distinct finite values, ascending (empty when `settled`). */
  distinct: Float64Array;
  /**
   * Run lengths: when set, the finite values are `distinct[j]` repeated
   * `counts[j]` times, and `sorted` is empty (columns with few distinct
   * values: ids, counts, days). See {@link sortedValues}.
   */
  counts?: Float64Array;
  /**
   * The merging side said it no longer needs exact values for this column
   * (see {@link PartOptions.settled}): only the sketch and registers are sent.
   */
  settled?: boolean;
  /** Sketch of `sorted` added in order (precomputed for large runs; see {@link chunkSketch}). */
  sketch?: SketchState;
  /** HyperLogLog registers of `distinct` (precomputed for large runs). */
  registers?: Uint8Array;
}

/** String column part: category counts (exact or a Misra-Gries summary) and distinct values. */
export interface StringPart {
  kind: "string";
  nulls: number;
  n: number;
  /** True when `keys`/`counts` hold every distinct value with its exact count. */
  exact: boolean;
  keys: string[];
  counts: number[];
  /** How much any count in `counts` may be under its true count (0 when exact). */
  undercount: number;
  /** Distinct values (empty when `settled`). */
  distinct: string[];
  registers?: Uint8Array;
  /** The merging side needs no distinct values for this column any more. */
  settled?: boolean;
}

/** Boolean column part. */
export interface BooleanPart {
  kind: "boolean";
  nulls: number;
  trues: number;
  falses: number;
}

/** One column's part. */
export type ColumnPart = NumericPart | StringPart | BooleanPart;

/** Pairwise co-moments over pairwise-complete rows, pairs in (i < j) order. */
export interface PairMoments {
  n: Float64Array;
  mx: Float64Array;
  my: Float64Array;
  m2x: Float64Array;
  m2y: Float64Array;
  c: Float64Array;
}

/** The profile part of one chunk. */
export interface ChunkProfile {
  rows: number;
  /** In the profiler's column order (code-unit name order). */
  columns: ColumnPart[];
  /** Over the correlation columns; null when fewer than two. */
  pairs: PairMoments | null;
  /** Per-label parts (labels.ts), one per label column, when the profiler has labels. */
  labels?: LabelPart[];
}

/** Options of {@link ChunkProfiler.profile}. */
export interface PartOptions {
  /**
   * Precompute sketches and HyperLogLog registers (worth it when the run is
   * larger than the exact limits; the merger computes them the same way
   * otherwise, only when needed).
   */
  sketches?: boolean;
  /**
   * Columns (profile order) whose merged state no longer uses exact values:
   * the {@link Profiler} reports them as settled once its quantiles are a
   * sketch and its distinct count is HyperLogLog. Their parts then carry
   * only sketch and registers (needs `sketches`), which saves sending a copy of
   * every value. It never changes the merged profile.
   */
  settled?: ReadonlySet<number>;
}

const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "float", "datetime", "date"]);

/** Column declarations in profile order and the correlation columns among them. */
export function profileLayout(
  columns: ReadonlyArray<{ name: string; type: ColumnType }>,
): { columns: { name: string; type: ColumnType }[]; correlation: number[] } {
  const sorted = [...columns].map((c) => ({ name: c.name, type: c.type }))
    .sort((a, b) => compareNames(a.name, b.name));
  const correlation: number[] = [];
  sorted.forEach((c, i) => {
    if (NUMERIC.has(c.type) && correlation.length < MAX_CORRELATION_COLUMNS) correlation.push(i);
  });
  return { columns: sorted, correlation };
}

/** The sketch of a chunk: its sorted values added in order (deterministic). */
export function chunkSketch(sorted: Float64Array): SketchState {
  return sortedSketchState(sorted);
}

/** Computes {@link ChunkProfile}s for one column layout. */
export class ChunkProfiler {
  readonly #columns: { name: string; type: ColumnType }[];
  readonly #corr: number[];
  readonly #labels: string[];

  /**
   * Columns to profile (any order; profiled in code-unit name order); `labels`
   * names boolean label columns summarised per class (see labels.ts).
   */
  constructor(
    columns: ReadonlyArray<{ name: string; type: ColumnType }>,
    options: { labels?: readonly string[] } = {},
  ) {
    const layout = profileLayout(columns);
    this.#columns = layout.columns;
    this.#corr = layout.correlation;
    this.#labels = labelColumns(layout.columns, options.labels ?? []);
  }

  /** Profile one chunk. Throws if a column is missing or has the wrong type. */
  profile(chunk: Chunk, options: PartOptions = {}): ChunkProfile {
    const parts: ColumnPart[] = [];
    const finite: (Float64Array | null)[] = [];
    for (const c of this.#columns) {
      const values = chunk.columns.get(c.name);
      if (values === undefined) throw new Error(`chunk ${chunk.index} has no column "${c.name}"`);
      if (values.type !== c.type) {
        throw new Error(
          `chunk ${chunk.index} column "${c.name}" is ${values.type}, expected ${c.type}`,
        );
      }
      const settled = options.sketches === true && options.settled?.has(parts.length) === true;
      parts.push(columnPart(values, chunk.rows, options, settled));
    }
    for (const i of this.#corr) {
      const col = chunk.columns.get(this.#columns[i].name)!;
      finite.push(pairInput(col, parts[i] as NumericPart, chunk.rows, finite.length));
    }
    const out: ChunkProfile = {
      rows: chunk.rows,
      columns: parts,
      pairs: this.#corr.length < 2 ? null : pairMoments(
        finite as Float64Array[],
        this.#corr.map((i) => parts[i] as NumericPart),
        chunk.rows,
      ),
    };
    if (this.#labels.length > 0) out.labels = labelParts(chunk, this.#columns, this.#labels);
    return out;
  }
}

function columnPart(
  values: ColumnValues,
  rows: number,
  options: PartOptions,
  settled: boolean,
): ColumnPart {
  const valid = values.valid;
  switch (values.type) {
    case "boolean": {
      let nulls = 0, trues = 0, falses = 0;
      for (let r = 0; r < rows; r++) {
        if (valid !== null && valid[r] !== 1) nulls++;
        else if (values.values[r] !== 0) trues++;
        else falses++;
      }
      return { kind: "boolean", nulls, trues, falses };
    }
    case "string":
      return stringPart(values.values, valid, rows, options, settled, values.codes);
    default:
      return numericPart(values.values, valid, rows, options, settled);
  }
}

// Scratch for values that never leave a chunk (parts are built synchronously):
// fresh large typed arrays cost page faults on every chunk.
let scratchValues = new Float64Array(0);
let scratchDistinct = new Float64Array(0);
let scratchRuns = new Float64Array(0);
const scratchPairs: Float64Array[] = [];

function scratchOf(n: number): Float64Array {
  if (scratchValues.length < n) scratchValues = new Float64Array(n);
  return scratchValues;
}

const EMPTY = new Float64Array(0);
let scratchSorted = new Float64Array(0);

function numericPart(
  values: Float64Array,
  valid: Uint8Array | null,
  rows: number,
  options: PartOptions,
  settled: boolean,
): NumericPart {
  const buf = scratchOf(rows);
  let n = 0, nulls = 0, nonFinite = 0, sum = 0;
  let min = Infinity, max = -Infinity;
  for (let r = 0; r < rows; r++) {
    if (valid !== null && valid[r] !== 1) {
      nulls++;
      continue;
    }
    const x = values[r];
    if (!Number.isFinite(x)) {
      nonFinite++;
      continue;
    }
    const v = x === 0 ? 0 : x; // -0 and 0 are one value everywhere
    buf[n++] = v;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Corrected two-pass moments: accurate even with a large common offset.
  let mean = n > 0 ? sum / n : 0;
  let d1 = 0, d2 = 0;
  for (let i = 0; i < n; i++) {
    const d = buf[i] - mean;
    d1 += d;
    d2 += d * d;
  }
  const m2 = n > 0 ? Math.max(0, d2 - (d1 * d1) / n) : 0;
  if (n > 0) mean += d1 / n;
  if (scratchSorted.length < n) scratchSorted = new Float64Array(n);
  if (scratchDistinct.length < n) {
    scratchDistinct = new Float64Array(n);
    scratchRuns = new Float64Array(n);
  }
  const distinct = scratchDistinct;
  const runs = scratchRuns;
  // Sorted into reused memory: only what leaves the chunk is copied. Whole
  // numbers in a narrow range (ids, counts, ages) are counted instead.
  let k = countingSort(buf, n, { min, max }, { into: scratchSorted, distinct, runs });
  let sorted: Float64Array;
  if (k >= 0) sorted = scratchSorted.subarray(0, n);
  else {
    // Decimal grids (amounts, distances, ids) sort as integer keys, anything else as doubles.
    sorted = gridSorted(buf, n, { min, max }, scratchSorted) ??
      sortedFloat64(buf, n, scratchSorted);
    k = 0;
    for (let i = 0; i < n; i++) {
      if (k === 0 || sorted[i] !== distinct[k - 1]) {
        distinct[k] = sorted[i];
        runs[k++] = 1;
      } else runs[k - 1]++;
    }
  }
  // Few distinct values: runs are smaller to send and cheaper to merge than every value.
  const compact = !settled && 4 * k <= n;
  const part: NumericPart = {
    kind: "numeric",
    nulls,
    n,
    nonFinite,
    mean,
    m2,
    min,
    max,
    sorted: settled || compact ? EMPTY : sorted.slice(),
    distinct: settled ? EMPTY : distinct.slice(0, k),
  };
  if (compact) part.counts = runs.slice(0, k);
  if (options.sketches) {
    part.sketch = chunkSketch(sorted);
    part.registers = registersOf(distinct.subarray(0, k));
  }
  if (settled) part.settled = true;
  return part;
}

function stringPart(
  values: string[],
  valid: Uint8Array | null,
  rows: number,
  options: PartOptions,
  settled: boolean,
  coded?: StringCodes,
): StringPart {
  const { counts, nulls } = coded === undefined
    ? countStrings(values, valid, rows)
    : countCodes(coded, valid, rows);
  const distinct = [...counts.keys()];
  const reduced = reduceCounts(counts, CATEGORY_LIMIT);
  const part: StringPart = {
    kind: "string",
    nulls,
    n: rows - nulls,
    exact: reduced === 0,
    keys: [...counts.keys()],
    counts: [...counts.values()],
    undercount: reduced,
    distinct: settled ? [] : distinct,
  };
  if (options.sketches) part.registers = registersOf(distinct);
  if (settled) part.settled = true;
  return part;
}

/** Count of each value in first-appearance order (the parts' key order), and the nulls. */
function countStrings(
  values: string[],
  valid: Uint8Array | null,
  rows: number,
): { counts: Map<string, number>; nulls: number } {
  // One hash lookup per row (a counter cell per value), and none for a run of one value.
  const cells = new Map<string, { c: number }>();
  let nulls = 0;
  let last: string | undefined;
  let cell = { c: 0 };
  for (let r = 0; r < rows; r++) {
    if (valid !== null && valid[r] !== 1) {
      nulls++;
      continue;
    }
    const s = values[r];
    if (s !== last) {
      const got = cells.get(s);
      if (got === undefined) cells.set(s, cell = { c: 0 });
      else cell = got;
      last = s;
    }
    cell.c++;
  }
  const counts = new Map<string, number>();
  for (const [k, v] of cells) counts.set(k, v.c);
  return { counts, nulls };
}

/** {@link countStrings} from dictionary codes: an array slot per code, no hashing. */
function countCodes(
  coded: StringCodes,
  valid: Uint8Array | null,
  rows: number,
): { counts: Map<string, number>; nulls: number } {
  const codes = coded.codes;
  const tally = new Float64Array(coded.dict.length);
  const order: number[] = [];
  let nulls = 0;
  for (let r = 0; r < rows; r++) {
    if (valid !== null && valid[r] !== 1) {
      nulls++;
      continue;
    }
    const c = codes[r];
    if (tally[c]++ === 0) order.push(c);
  }
  const counts = new Map<string, number>();
  for (const c of order) counts.set(coded.dict[c], tally[c]);
  return { counts, nulls };
}

/**
 * Misra-Gries reduction of exact (or already reduced) counts to at most
 * `limit` counters: subtract the (limit+1)-th largest count from every count
 * and drop those left at zero or below. Returns the amount subtracted (0 when
 * nothing had to go), which bounds the undercount it added to any value.
 * Independent of the map's order.
 */
export function reduceCounts(counts: Map<string, number>, limit: number): number {
  if (counts.size <= limit) return 0;
  const sorted = Float64Array.from(counts.values()).sort();
  const cut = sorted[sorted.length - 1 - limit];
  for (const [k, c] of counts) {
    if (c <= cut) counts.delete(k);
    else counts.set(k, c - cut);
  }
  return cut;
}

/**
 * A numeric column's values for co-moments: centred on the chunk mean when
 * the column is complete (no null or non-finite row), else with those rows
 * as NaN (and not centred).
 */
function pairInput(
  col: ColumnValues,
  part: NumericPart,
  rows: number,
  slot: number,
): Float64Array {
  const v = col.values as Float64Array;
  if ((scratchPairs[slot]?.length ?? 0) < rows) scratchPairs[slot] = new Float64Array(rows);
  const out = scratchPairs[slot].subarray(0, rows);
  if (part.n === rows) {
    const m = part.mean;
    for (let r = 0; r < rows; r++) out[r] = v[r] - m;
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const x = v[r];
    out[r] = (col.valid === null || col.valid[r] === 1) && Number.isFinite(x) ? x : NaN;
  }
  return out;
}

function pairMoments(cols: Float64Array[], parts: NumericPart[], rows: number): PairMoments {
  const p = cols.length;
  const pairs = (p * (p - 1)) / 2;
  const out: PairMoments = {
    n: new Float64Array(pairs),
    mx: new Float64Array(pairs),
    my: new Float64Array(pairs),
    m2x: new Float64Array(pairs),
    m2y: new Float64Array(pairs),
    c: new Float64Array(pairs),
  };
  let k = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++, k++) {
      const x = cols[i], y = cols[j];
      if (parts[i].n === rows && parts[j].n === rows) {
        // Both complete and centred: the column moments are the pair's.
        let c = 0;
        for (let r = 0; r < rows; r++) c += x[r] * y[r];
        out.n[k] = rows;
        out.mx[k] = parts[i].mean;
        out.my[k] = parts[j].mean;
        out.m2x[k] = parts[i].m2;
        out.m2y[k] = parts[j].m2;
        out.c[k] = c;
        continue;
      }
      // One side has gaps: undo the centring of a complete side while reading it.
      const ox = parts[i].n === rows ? parts[i].mean : 0;
      const oy = parts[j].n === rows ? parts[j].mean : 0;
      let n = 0, sx = 0, sy = 0;
      for (let r = 0; r < rows; r++) {
        const a = x[r], b = y[r];
        if (a !== a || b !== b) continue;
        n++;
        sx += a + ox;
        sy += b + oy;
      }
      if (n === 0) continue;
      const mx = sx / n, my = sy / n;
      let m2x = 0, m2y = 0, c = 0;
      for (let r = 0; r < rows; r++) {
        const a = x[r], b = y[r];
        if (a !== a || b !== b) continue;
        const dx = a + ox - mx, dy = b + oy - my;
        m2x += dx * dx;
        m2y += dy * dy;
        c += dx * dy;
      }
      out.n[k] = n;
      out.mx[k] = mx;
      out.my[k] = my;
      out.m2x[k] = m2x;
      out.m2y[k] = m2y;
      out.c[k] = c;
    }
  }
  return out;
}

/**
 * What is inconsistent inside one chunk's part, as `[column index, problem]`
 * (profile order): each part is computed from one column array in one
 * scan, so its counts, extremes, mean and value arrays must agree with each
 * other and with the chunk's row count. Catches a part whose scalars are not
 * its own (the V8 fault of docs/engine-fault.md) when it is
 * merged, including in columns the footer check does not cover.
 */
export function partProblems(part: ChunkProfile): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  part.columns.forEach((c, j) => {
    const say = (what: string) => out.push([j, what]);
    switch (c.kind) {
      case "boolean":
        if (c.nulls + c.trues + c.falses !== part.rows) {
          say(`${c.nulls} nulls, ${c.trues} true and ${c.falses} false in ${part.rows} rows`);
        }
        return;
      case "string":
        if (c.nulls + c.n !== part.rows) {
          say(`${c.nulls} nulls and ${c.n} values in ${part.rows} rows`);
        }
        return;
      case "numeric": {
        if (c.nulls + c.n + c.nonFinite !== part.rows) {
          say(`${c.nulls} nulls, ${c.nonFinite} non-finite, ${c.n} values in ${part.rows} rows`);
        }
        if (c.n === 0) return;
        // The mean may sit an ulp or so outside [min, max] when every value is (nearly) equal.
        const slack = 1e-9 * Math.max(1, Math.abs(c.min), Math.abs(c.max));
        if (!(c.min <= c.max && c.mean >= c.min - slack && c.mean <= c.max + slack && c.m2 >= 0)) {
          say(`min ${c.min}, max ${c.max}, mean ${c.mean}, m2 ${c.m2} do not fit together`);
        }
        const ends = (a: Float64Array, what: string) => {
          if (a.length > 0 && (a[0] !== c.min || a[a.length - 1] !== c.max)) {
            say(`${what} run from ${a[0]} to ${a[a.length - 1]}, min ${c.min} and max ${c.max}`);
          }
        };
        ends(c.distinct, "distinct values");
        ends(c.sorted, "sorted values");
        if (c.sorted.length > 0 && c.sorted.length !== c.n) {
          say(`${c.sorted.length} sorted values, ${c.n} finite values`);
        }
        if (c.counts !== undefined) {
          let total = 0;
          for (let i = 0; i < c.counts.length; i++) total += c.counts[i];
          if (total !== c.n) say(`value runs add up to ${total}, ${c.n} finite values`);
        }
        return;
      }
    }
  });
  return out;
}

/** The buffers of a part, for `postMessage(..., transfer)`. */
export function partTransferables(part: ChunkProfile): ArrayBuffer[] {
  // Each buffer once, and never the shared empty array's (its buffer has no bytes to move).
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined) => {
    if (a !== undefined && a.byteLength > 0) out.add(a.buffer as ArrayBuffer);
  };
  for (const c of part.columns) {
    if (c.kind !== "numeric") continue;
    add(c.sorted);
    add(c.distinct);
    add(c.counts);
    add(c.registers);
    if (c.sketch) { for (const l of c.sketch.levels) add(l); }
  }
  return [...out];
}

/** The finite values of a part, ascending (expanded from runs when it has `counts`). */
export function sortedValues(p: NumericPart): Float64Array {
  if (p.counts === undefined) return p.sorted;
  const out = new Float64Array(p.n);
  let at = 0;
  for (let j = 0; j < p.counts.length; j++) {
    const end = at + p.counts[j];
    out.fill(p.distinct[j], at, end);
    at = end;
  }
  return out;
}
