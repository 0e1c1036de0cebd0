/**
 * Privacy: exact copies and distance to closest record (DCR).
 *
 * Distance between two rows: the Gower distance over the compared columns,
 * `d(x, y) = (1/p) Σ_j d_j`, with `d_j = min(1, |x_j - y_j| / range_j)` for a
 * numerical or datetime column (range_j = max - min of the training rows; a
 * zero range gives 0 for equal values, else 1), `d_j = [x_j ≠ y_j]` for a
 * categorical or boolean column, and for nulls `d_j = 0` when both are null,
 * 1 when one is. It lies in [0, 1]; 0 means equal on every compared column.
 *
 * Nearest neighbours are found by exhaustive search with early abandoning
 * (a candidate is dropped as soon as its partial sum reaches the best so
 * far), which is exact.
 *
 * @module
 */
import { isNumeric, type Table } from "./table.ts";

/** How many rows of `synthetic` equal some row of `training` on every column. */
export function exactCopies(training: Table, synthetic: Table): number {
  const seen = new Set<string>();
  for (let i = 0; i < training.rows; i++) seen.add(rowKey(training, i));
  let copies = 0;
  for (let i = 0; i < synthetic.rows; i++) if (seen.has(rowKey(synthetic, i))) copies++;
  return copies;
}

// Codes are shared between tables, so a code list is a value list; NaN (null) prints as "NaN".
function rowKey(t: Table, i: number): string {
  let key = "";
  for (const c of t.columns) {
    key += (isNumeric(c) ? String(c.values[i]) : c.codes[i]) +
      "\u0001";
  }
  return key;
}

/** Rows as a dense row-major matrix with per-column kinds, for distance loops. */
interface Points {
  rows: number;
  width: number;
  data: Float64Array;
}

/** Per-column scaling: 1/range for continuous columns (Infinity for range 0), 0 for discrete. */
export function gowerScales(training: Table): Float64Array {
  return Float64Array.from(training.columns, (c) => {
    if (!isNumeric(c)) return 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of c.values) {
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return hi > lo ? 1 / (hi - lo) : Infinity;
  });
}

function points(t: Table): Points {
  const width = t.columns.length;
  const data = new Float64Array(t.rows * width);
  t.columns.forEach((c, j) => {
    if (isNumeric(c)) {
      for (let i = 0; i < t.rows; i++) data[i * width + j] = c.values[i];
    } else {
      for (let i = 0; i < t.rows; i++) data[i * width + j] = c.codes[i] < 0 ? NaN : c.codes[i];
    }
  });
  return { rows: t.rows, width, data };
}

/** Gower distance between row `i` of `a` and row `k` of `b` (see the module doc). */
export function gowerDistance(
  a: Table,
  i: number,
  b: Table,
  k: number,
  scales: Float64Array,
): number {
  const pa = points(selectOne(a, i));
  const pb = points(selectOne(b, k));
  return nearest(pa.data, 0, pb, scales, Infinity) / scales.length;
}

function selectOne(t: Table, i: number): Table {
  return {
    rows: 1,
    columns: t.columns.map((c) =>
      isNumeric(c)
        ? { ...c, values: c.values.slice(i, i + 1) }
        : { ...c, codes: c.codes.slice(i, i + 1) }
    ),
  };
}

/** Smallest sum of per-column distances from query row `q` (at `qOff` in `qData`) to `ref`. */
function nearest(
  qData: Float64Array,
  qOff: number,
  ref: Points,
  scales: Float64Array,
  start: number,
): number {
  const w = ref.width;
  const d = ref.data;
  let best = start;
  for (let r = 0, off = 0; r < ref.rows; r++, off += w) {
    let s = 0;
    for (let j = 0; j < w && s < best; j++) {
      const x = qData[qOff + j];
      const y = d[off + j];
      const sc = scales[j];
      if (x === y) continue;
      // NaN is null: two nulls are equal, a null and a value differ by 1.
      if (x !== x) s += y !== y ? 0 : 1;
      else if (y !== y || sc === 0) s += 1;
      else s += Math.min(1, Math.abs(x - y) * sc);
    }
    if (s < best) {
      best = s;
      if (best === 0) break;
    }
  }
  return best;
}

/** DCR results. */
export interface DcrResult {
  /** Synthetic rows measured. */
  queries: number;
  /** Rows in each reference set (training subset, holdout). */
  references: number;
  /** Share of queries closer to the training set than to the holdout (ties count ½). */
  closer_to_training_share: number;
  /** Share of queries at distance 0 from some training reference row. */
  zero_distance_share: number;
  median_to_training: number;
  median_to_holdout: number;
  p05_to_training: number;
  p05_to_holdout: number;
}

/**
 * DCR of each `synthetic` row to its nearest row in `training` and in
 * `holdout` (two reference sets of equal size, chosen by the caller).
 */
export function dcr(
  training: Table,
  holdout: Table,
  synthetic: Table,
  scales: Float64Array,
): DcrResult {
  const p = scales.length;
  const q = points(synthetic);
  const tr = points(training);
  const ho = points(holdout);
  const toT = new Float64Array(q.rows);
  const toH = new Float64Array(q.rows);
  let closer = 0;
  let zero = 0;
  for (let i = 0; i < q.rows; i++) {
    const dt = nearest(q.data, i * p, tr, scales, Infinity);
    const dh = nearest(q.data, i * p, ho, scales, Infinity);
    toT[i] = dt / p;
    toH[i] = dh / p;
    closer += dt < dh ? 1 : dt === dh ? 0.5 : 0;
    if (dt === 0) zero++;
  }
  toT.sort();
  toH.sort();
  return {
    queries: q.rows,
    references: training.rows,
    closer_to_training_share: q.rows === 0 ? NaN : closer / q.rows,
    zero_distance_share: q.rows === 0 ? NaN : zero / q.rows,
    median_to_training: quantile(toT, 0.5),
    median_to_holdout: quantile(toH, 0.5),
    p05_to_training: quantile(toT, 0.05),
    p05_to_holdout: quantile(toH, 0.05),
  };
}

/** Linear-interpolated quantile of sorted values (numpy's default); NaN when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
