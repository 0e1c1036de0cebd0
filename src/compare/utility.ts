/**
 * Utility: train a model on one table, test it on the real holdout rows.
 *
 * The model is an L2-regularised logistic regression, deterministic by
 * construction (no random start, no shuffling):
 * - features, fitted on the model's own training table: numerical and
 *   datetime columns (epoch ms) standardised with that table's mean and
 *   population standard deviation (0 when constant), a null as 0 plus a
 *   missing-indicator feature when the training table has nulls; categorical
 *   and boolean columns one-hot encoded over their {@link MAX_LEVELS} most
 *   frequent categories, the rest (and categories unseen in training) in one
 *   "other" feature, null as a category of its own;
 * - objective: Σ_i logloss_i + ‖w‖² / (2C) with C = 1 and the intercept not
 *   penalised (scikit-learn's `LogisticRegression()` defaults), minimised by
 *   L-BFGS (10 corrections, Armijo backtracking) until max |∇| ≤ 1e-10 per
 *   row or {@link MAX_ITERATIONS} iterations;
 * - a binary target gives ROC AUC (positive class: the second label in code
 *   unit order); a target with 3 to {@link MAX_CLASSES} classes gives the
 *   macro-average one-vs-rest ROC AUC, one binary model per class; rows whose
 *   target is null are left out of training and testing.
 *
 * @module
 */
import { compareNames } from "../data/mod.ts";
import { isNumeric, type Table, type TableColumn } from "./table.ts";

/** Categories one-hot encoded per column (the rest share one "other" feature). */
export const MAX_LEVELS = 50;
/** Most classes a target may have. */
export const MAX_CLASSES = 20;
/** L-BFGS iteration cap. */
export const MAX_ITERATIONS = 1000;
/** Inverse L2 strength, as scikit-learn's C. */
export const L2_C = 1;

/** A target column as class codes over sorted labels. */
export interface TargetCodes {
  labels: string[];
  /** One code per row; -1 = null. */
  codes: Int32Array;
}

/** The text of a target value (integers print without a fraction). */
function labelOf(c: TableColumn, i: number): string | null {
  if (isNumeric(c)) {
    const v = c.values[i];
    return Number.isNaN(v) ? null : String(v);
  }
  return c.codes[i] < 0 ? null : c.dict.values[c.codes[i]];
}

/** Distinct non-null labels of a column over several tables, in code unit order. */
export function targetLabels(tables: readonly Table[], target: string): string[] {
  const seen = new Set<string>();
  for (const t of tables) {
    const c = t.columns.find((x) => x.name === target)!;
    for (let i = 0; i < t.rows; i++) {
      const l = labelOf(c, i);
      if (l !== null) seen.add(l);
    }
  }
  return [...seen].sort(compareNames);
}

/** The class codes of `target` in `t` over `labels`. */
export function targetCodes(t: Table, target: string, labels: string[]): TargetCodes {
  const index = new Map(labels.map((l, k) => [l, k]));
  const c = t.columns.find((x) => x.name === target)!;
  const codes = new Int32Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const l = labelOf(c, i);
    codes[i] = l === null ? -1 : index.get(l) ?? -1;
  }
  return { labels, codes };
}

/** A fitted feature encoding. */
interface Encoder {
  /** `feature`: its index; `missing`: the missing indicator's index, or -1. */
  dense: { col: number; mean: number; std: number; feature: number; missing: number }[];
  hot: { col: number; offset: number; levels: Map<number, number>; other: number; nul: number }[];
  width: number;
}

/** Rows encoded: dense features row-major plus one active one-hot index per discrete column. */
export interface Design {
  rows: number;
  width: number;
  /** For each row, (feature index, value) pairs flattened; `starts[i]` indexes row i. */
  index: Int32Array;
  value: Float64Array;
  starts: Int32Array;
}

function fitEncoder(t: Table, exclude: string): Encoder {
  let width = 0;
  const dense: Encoder["dense"] = [];
  const hot: Encoder["hot"] = [];
  t.columns.forEach((c, col) => {
    if (c.name === exclude) return;
    if (isNumeric(c)) {
      let n = 0;
      let sum = 0;
      let nulls = 0;
      for (const v of c.values) {
        if (Number.isNaN(v)) nulls++;
        else {
          n++;
          sum += v;
        }
      }
      const mean = n === 0 ? 0 : sum / n;
      let ss = 0;
      for (const v of c.values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
      const std = n === 0 ? 0 : Math.sqrt(ss / n);
      dense.push({ col, mean, std, feature: width, missing: nulls > 0 ? width + 1 : -1 });
      width += nulls > 0 ? 2 : 1;
      return;
    }
    const counts = new Map<number, number>();
    let nulls = 0;
    for (const x of c.codes) {
      if (x < 0) nulls++;
      else counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) =>
      b[1] - a[1] || compareNames(c.dict.values[a[0]], c.dict.values[b[0]])
    );
    const kept = ranked.slice(0, MAX_LEVELS);
    const levels = new Map(kept.map(([code], k) => [code, width + k]));
    let next = width + kept.length;
    const other = next++;
    const nul = nulls > 0 ? next++ : -1;
    hot.push({ col, offset: width, levels, other, nul });
    width = next;
  });
  return { dense, hot, width };
}

function encode(t: Table, enc: Encoder, rows: Int32Array): Design {
  const perRow = enc.dense.length * 2 + enc.hot.length;
  const index = new Int32Array(rows.length * perRow);
  const value = new Float64Array(rows.length * perRow);
  const starts = new Int32Array(rows.length + 1);
  let k = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    starts[r] = k;
    for (const d of enc.dense) {
      const c = t.columns[d.col] as { values: Float64Array };
      const v = c.values[i];
      if (Number.isNaN(v)) {
        if (d.missing >= 0) {
          index[k] = d.missing;
          value[k++] = 1;
        }
        continue;
      }
      if (d.std > 0) {
        index[k] = d.feature;
        value[k++] = (v - d.mean) / d.std;
      }
    }
    for (const h of enc.hot) {
      const code = (t.columns[h.col] as { codes: Int32Array }).codes[i];
      const f = code < 0 ? h.nul : (h.levels.get(code) ?? h.other);
      if (f >= 0) {
        index[k] = f;
        value[k++] = 1;
      }
    }
  }
  starts[rows.length] = k;
  return { rows: rows.length, width: enc.width, index, value, starts };
}

/** Logistic regression coefficients: weights then intercept. */
export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
  iterations: number;
  converged: boolean;
}

/** Fit an L2 logistic regression on a design and 0/1 labels (see the module doc). */
export function fitLogistic(x: Design, y: Uint8Array): LogisticModel {
  const n = x.rows;
  const p = x.width;
  const dim = p + 1;
  const lambda = 1 / (L2_C * n);
  const z = new Float64Array(n);
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      let s = theta[p];
      for (let k = x.starts[i]; k < x.starts[i + 1]; k++) s += theta[x.index[k]] * x.value[k];
      z[i] = s;
      f += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s;
      const e = 1 / (1 + Math.exp(-s)) - y[i];
      for (let k = x.starts[i]; k < x.starts[i + 1]; k++) grad[x.index[k]] += e * x.value[k];
      grad[p] += e;
    }
    f /= n;
    for (let j = 0; j < dim; j++) grad[j] /= n;
    for (let j = 0; j < p; j++) {
      f += 0.5 * lambda * theta[j] * theta[j];
      grad[j] += lambda * theta[j];
    }
    return f;
  };
  const r = lbfgs(evaluate, new Float64Array(dim), { maxIterations: MAX_ITERATIONS, gtol: 1e-10 });
  return {
    weights: r.x.slice(0, p),
    intercept: r.x[p],
    iterations: r.iterations,
    converged: r.converged,
  };
}

/** Minimise `f` with L-BFGS from `x0`. */
export function lbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: { maxIterations: number; gtol: number; memory?: number },
): { x: Float64Array; value: number; iterations: number; converged: boolean } {
  const m = options.memory ?? 10;
  const dim = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(dim);
  let fx = f(x, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(dim);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(dim);
  let gNew = new Float64Array(dim);
  for (let it = 0; it < options.maxIterations; it++) {
    if (maxAbs(g) <= options.gtol) return { x, value: fx, iterations: it, converged: true };
    // Two-loop recursion: dir = -H g.
    for (let j = 0; j < dim; j++) dir[j] = -g[j];
    for (let k = ss.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(ss[k], dir);
      axpy(-alpha[k], ys[k], dir);
    }
    if (ss.length > 0) {
      const last = ss.length - 1;
      const gamma = dot(ss[last], ys[last]) / dot(ys[last], ys[last]);
      for (let j = 0; j < dim; j++) dir[j] *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let j = 0; j < dim; j++) dir[j] *= scale;
    }
    for (let k = 0; k < ss.length; k++) {
      const beta = rho[k] * dot(ys[k], dir);
      axpy(alpha[k] - beta, ss[k], dir);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      rho.length = 0;
      for (let j = 0; j < dim; j++) dir[j] = -g[j];
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = NaN;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < dim; j++) xNew[j] = x[j] + step * dir[j];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew < fx) && !(fNew <= fx && maxAbs(gNew) < maxAbs(g))) {
      return { x, value: fx, iterations: it, converged: maxAbs(g) <= options.gtol * 100 };
    }
    const s = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      s[j] = xNew[j] - x[j];
      yv[j] = gNew[j] - g[j];
    }
    const sy = dot(s, yv);
    if (sy > 1e-300) {
      if (ss.length === m) {
        ss.shift();
        ys.shift();
        rho.shift();
      }
      ss.push(s);
      ys.push(yv);
      rho.push(1 / sy);
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
  }
  return {
    x,
    value: fx,
    iterations: options.maxIterations,
    converged: maxAbs(g) <= options.gtol,
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

/** Scores (linear predictor) of the design rows under a model. */
export function decision(x: Design, model: LogisticModel): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = model.intercept;
    for (let k = x.starts[i]; k < x.starts[i + 1]; k++) {
      s += model.weights[x.index[k]] * x.value[k];
    }
    out[i] = s;
  }
  return out;
}

/**
 * ROC AUC of scores for 0/1 labels: the Mann-Whitney U over
 * positives × negatives, ties counted ½ (average ranks). NaN when a class
 * is absent.
 */
export function rocAuc(scores: Float64Array, labels: Uint8Array): number {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    scores[a] - scores[b] || a - b
  );
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        pos++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}

/** Utility of one training table. */
export interface UtilityScore {
  /** ROC AUC (binary) or macro one-vs-rest ROC AUC on the holdout rows. */
  auc: number;
  /** Accuracy on the holdout rows (argmax of the scores). */
  accuracy: number;
  /** Training rows used (non-null target). */
  rows: number;
  /** L-BFGS iterations of each model (one per class for one-vs-rest). */
  iterations: number[];
  converged: boolean;
}

/** Train on `train` (its rows with a target), test on `holdout`: AUC and accuracy. */
export function trainAndTest(
  train: Table,
  holdout: Table,
  target: string,
  labels: string[],
): UtilityScore {
  const tr = targetCodes(train, target, labels);
  const te = targetCodes(holdout, target, labels);
  const trRows = rowsWithTarget(tr.codes);
  const teRows = rowsWithTarget(te.codes);
  const enc = fitEncoder(train, target);
  const xTrain = encode(train, enc, trRows);
  const xTest = encode(holdout, enc, teRows);
  const k = labels.length;
  const classes = k === 2 ? [1] : labels.map((_, c) => c);
  const scores: Float64Array[] = [];
  const iterations: number[] = [];
  let converged = true;
  for (const c of classes) {
    const y = Uint8Array.from(trRows, (r) => (tr.codes[r] === c ? 1 : 0));
    const model = constantOrFit(xTrain, y);
    iterations.push(model.iterations);
    converged &&= model.converged;
    scores.push(decision(xTest, model));
  }
  const aucs = classes.map((c, j) =>
    rocAuc(scores[j], Uint8Array.from(teRows, (r) => (te.codes[r] === c ? 1 : 0)))
  );
  let correct = 0;
  for (let i = 0; i < teRows.length; i++) {
    let best = 0;
    if (k === 2) best = scores[0][i] > 0 ? 1 : 0;
    else {
      for (let j = 1; j < scores.length; j++) if (scores[j][i] > scores[best][i]) best = j;
    }
    if (best === te.codes[teRows[i]]) correct++;
  }
  const valid = aucs.filter((a) => !Number.isNaN(a));
  return {
    auc: valid.length === 0 ? NaN : valid.reduce((s, a) => s + a, 0) / valid.length,
    accuracy: teRows.length === 0 ? NaN : correct / teRows.length,
    rows: trRows.length,
    iterations,
    converged,
  };
}

// One class only in the training labels: the model predicts it everywhere (AUC ½), like a
// classifier that has learned nothing, rather than an error.
function constantOrFit(x: Design, y: Uint8Array): LogisticModel {
  let ones = 0;
  for (const v of y) ones += v;
  if (ones === 0 || ones === y.length) {
    return {
      weights: new Float64Array(x.width),
      intercept: ones === 0 ? -Infinity : Infinity,
      iterations: 0,
      converged: true,
    };
  }
  return fitLogistic(x, y);
}

function rowsWithTarget(codes: Int32Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) out.push(i);
  return Int32Array.from(out);
}

/** The design matrix of `t` as the model would see it (for cross-checks). */
export function designOf(
  t: Table,
  target: string,
  labels: string[],
): { design: Design; y: Int32Array } {
  const codes = targetCodes(t, target, labels);
  const rows = rowsWithTarget(codes.codes);
  const design = encode(t, fitEncoder(t, target), rows);
  return { design, y: Int32Array.from(rows, (r) => codes.codes[r]) };
}
