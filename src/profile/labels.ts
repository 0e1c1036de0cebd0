/**
 * Per-label summaries: for a boolean label column (one with a configured
 * label rate, e.g. `is_fraud`), the distribution of every other column within
 * each class, computed chunk by chunk like the rest of the profile.
 *
 * - numeric columns: per class count, min, max and mean (Chan et al. update)
 *   and a quantile sketch (kll.ts, capacity {@link LABEL_SKETCH_CAPACITY}),
 *   merged in chunk order; the profile keeps 101 quantiles and at most
 *   {@link LABEL_SUPPORT_ATOMS} support atoms per class;
 * - string and boolean columns: per class counts per category, merged and
 *   bounded by Misra-Gries at {@link CATEGORY_LIMIT} counters; a column with
 *   more than {@link CATEGORY_LIMIT} distinct values in one chunk (an id,
 *   free text) is left out, since a rate per value says nothing there.
 *
 * Memory is bounded by columns x 2 classes x (sketch + counters); parts are
 * pure functions of the chunk, so the result is the same for any worker count.
 *
 * @module
 */
import { type Chunk, type ColumnType, compareNames } from "../data/mod.ts";
import { QuantileSketch, type SketchState, sortedSketchState } from "./kll.ts";
import { QUANTILE_POINTS, quantilesOf, supportOf } from "./summary.ts";

/** Label columns summarised per profile, at most. */
export const MAX_LABEL_COLUMNS = 2;
/** Quantile sketch capacity per class (smaller than the column sketches: a chart only). */
export const LABEL_SKETCH_CAPACITY = 512;
/** Support atoms kept per class. */
export const LABEL_SUPPORT_ATOMS = 200;
/** Categories counted per class (Misra-Gries counters), and the per-chunk distinct cut-off. */
export const LABEL_CATEGORY_LIMIT = 1000;
/** Categories stored per categorical column (most rows first). */
export const LABEL_CATEGORIES_KEPT = 20;

/** One class's distribution of a numeric column. */
export interface ClassNumeric {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** 101 quantiles (p = 0, 0.01, ..., 1) from the sketch; min and max exact. */
  quantiles: number[];
  support: { values: number[]; counts: number[]; exact: boolean; cdf_error_bound: number };
}

/** The per-class summary of one other column. */
export type LabelColumn =
  | { kind: "numeric"; false: ClassNumeric | null; true: ClassNumeric | null }
  | {
    kind: "categorical";
    /** Largest possible undercount of any count (0 when exact). */
    max_undercount: number;
    /** Most rows first, then value in code-unit order; at most {@link LABEL_CATEGORIES_KEPT}. */
    categories: Array<{ value: string; false: number; true: number }>;
  };

/** Per-class distributions of the other columns for one boolean label column. */
export interface LabelProfile {
  column: string;
  /** Rows per class (rows where the label is null are left out). */
  rows: { false: number; true: number };
  /** Keyed by column name in code-unit order. */
  columns: Record<string, LabelColumn>;
}

interface NumericClassPart {
  n: number;
  min: number;
  max: number;
  mean: number;
  sketch: SketchState;
}

/** The part of one chunk for one label column. */
export interface LabelPart {
  rows: [number, number];
  /** In the layout's column order (label column itself skipped: null). */
  columns: Array<
    | null
    | { kind: "numeric"; classes: [NumericClassPart, NumericClassPart] }
    | { kind: "categorical"; classes: [Map<string, number>, Map<string, number>] | null }
  >;
}

const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "float", "datetime"]);

/** Compute the label parts of one chunk (columns in profile order). */
export function labelParts(
  chunk: Chunk,
  columns: ReadonlyArray<{ name: string; type: ColumnType }>,
  labels: readonly string[],
): LabelPart[] {
  return labels.map((label) => {
    const lv = chunk.columns.get(label);
    if (lv === undefined || lv.type !== "boolean") {
      throw new Error(`chunk ${chunk.index} has no boolean label column "${label}"`);
    }
    const cls = new Int8Array(chunk.rows);
    const rows: [number, number] = [0, 0];
    for (let i = 0; i < chunk.rows; i++) {
      if (lv.valid !== null && lv.valid[i] === 0) cls[i] = -1;
      else {
        cls[i] = lv.values[i] ? 1 : 0;
        rows[cls[i]]++;
      }
    }
    const parts: LabelPart["columns"] = columns.map((c) => {
      if (c.name === label) return null;
      const v = chunk.columns.get(c.name);
      if (v === undefined) throw new Error(`chunk ${chunk.index} has no column "${c.name}"`);
      if (v.type === "integer" || v.type === "float" || v.type === "datetime") {
        const per: [number[], number[]] = [[], []];
        for (let i = 0; i < chunk.rows; i++) {
          const k = cls[i];
          if (k < 0 || (v.valid !== null && v.valid[i] === 0)) continue;
          const x = v.values[i];
          if (Number.isFinite(x)) per[k].push(x);
        }
        return {
          kind: "numeric",
          classes: [numericClass(per[0]), numericClass(per[1])],
        };
      }
      const maps: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
      for (let i = 0; i < chunk.rows; i++) {
        const k = cls[i];
        if (k < 0 || (v.valid !== null && v.valid[i] === 0)) continue;
        const key = v.type === "boolean" ? (v.values[i] ? "true" : "false") : String(v.values[i]);
        const m = maps[k];
        m.set(key, (m.get(key) ?? 0) + 1);
        if (m.size > LABEL_CATEGORY_LIMIT) return { kind: "categorical", classes: null };
      }
      return { kind: "categorical", classes: maps };
    });
    return { rows, columns: parts };
  });
}

function numericClass(values: number[]): NumericClassPart {
  const sorted = Float64Array.from(values).sort();
  let mean = 0;
  for (let i = 0; i < sorted.length; i++) mean += (sorted[i] - mean) / (i + 1);
  return {
    n: sorted.length,
    min: sorted.length ? sorted[0] : Infinity,
    max: sorted.length ? sorted[sorted.length - 1] : -Infinity,
    mean,
    sketch: sortedSketchState(sorted, LABEL_SKETCH_CAPACITY),
  };
}

class NumericClass {
  n = 0;
  min = Infinity;
  max = -Infinity;
  mean = 0;
  readonly sketch = new QuantileSketch(LABEL_SKETCH_CAPACITY);

  merge(p: NumericClassPart): void {
    if (p.n === 0) return;
    const n = this.n + p.n;
    this.mean += ((p.mean - this.mean) * p.n) / n;
    this.n = n;
    if (p.min < this.min) this.min = p.min;
    if (p.max > this.max) this.max = p.max;
    this.sketch.merge(p.sketch);
  }

  finish(): ClassNumeric | null {
    if (this.n === 0) return null;
    const items = this.sketch.items();
    const q = quantilesOf(items, QUANTILE_POINTS);
    q[0] = this.min;
    q[q.length - 1] = this.max;
    const s = supportOf(items, false, LABEL_SUPPORT_ATOMS);
    return {
      count: this.n,
      min: this.min,
      max: this.max,
      mean: this.mean,
      quantiles: q,
      support: {
        values: s.values,
        counts: s.counts,
        exact: false,
        cdf_error_bound: this.sketch.rankErrorBound +
          (Math.floor(this.n / LABEL_SUPPORT_ATOMS) + 1) /
            this.n,
      },
    };
  }
}

/** Misra-Gries merge of `from` into `into`, keeping at most `limit` keys; returns the decrement. */
function mergeCounts(into: Map<string, number>, from: Map<string, number>, limit: number): number {
  for (const [k, c] of from) into.set(k, (into.get(k) ?? 0) + c);
  if (into.size <= limit) return 0;
  // Subtract the (limit + 1)-th largest count from all; drop the non-positive.
  const sorted = [...into.values()].sort((a, b) => b - a);
  const cut = sorted[limit];
  for (const [k, c] of [...into.entries()]) {
    if (c - cut <= 0) into.delete(k);
    else into.set(k, c - cut);
  }
  return cut;
}

type ColumnState =
  | null
  | { kind: "numeric"; classes: [NumericClass, NumericClass] }
  | {
    kind: "categorical";
    classes: [Map<string, number>, Map<string, number>] | null;
    under: number;
  };

/** Merges {@link LabelPart}s of one label column in chunk order. */
export class LabelAccumulator {
  readonly #label: string;
  readonly #columns: ReadonlyArray<{ name: string; type: ColumnType }>;
  readonly #state: ColumnState[];
  #rows: [number, number] = [0, 0];

  /** `columns` in profile order. */
  constructor(label: string, columns: ReadonlyArray<{ name: string; type: ColumnType }>) {
    this.#label = label;
    this.#columns = columns;
    this.#state = columns.map((c) =>
      c.name === label
        ? null
        : NUMERIC.has(c.type)
        ? { kind: "numeric", classes: [new NumericClass(), new NumericClass()] }
        : { kind: "categorical", classes: [new Map(), new Map()], under: 0 }
    );
  }

  /** Merge the next chunk's part. */
  merge(p: LabelPart): void {
    this.#rows[0] += p.rows[0];
    this.#rows[1] += p.rows[1];
    this.#state.forEach((s, i) => {
      const c = p.columns[i];
      if (s === null || c === null) return;
      if (s.kind === "numeric" && c.kind === "numeric") {
        s.classes[0].merge(c.classes[0]);
        s.classes[1].merge(c.classes[1]);
      } else if (s.kind === "categorical" && c.kind === "categorical") {
        if (s.classes === null) return;
        if (c.classes === null) {
          s.classes = null;
          return;
        }
        const u0 = mergeCounts(s.classes[0], c.classes[0], LABEL_CATEGORY_LIMIT);
        const u1 = mergeCounts(s.classes[1], c.classes[1], LABEL_CATEGORY_LIMIT);
        s.under += Math.max(u0, u1);
      }
    });
  }

  /** The label's profile. */
  finish(): LabelProfile {
    const columns: Record<string, LabelColumn> = Object.create(null);
    this.#state.forEach((s, i) => {
      if (s === null) return;
      const name = this.#columns[i].name;
      if (s.kind === "numeric") {
        columns[name] = {
          kind: "numeric",
          false: s.classes[0].finish(),
          true: s.classes[1].finish(),
        };
      } else if (s.classes !== null) {
        const [f, t] = s.classes;
        const keys = [...new Set([...f.keys(), ...t.keys()])];
        const cats = keys.map((value) => ({
          value,
          false: f.get(value) ?? 0,
          true: t.get(value) ?? 0,
        }))
          .sort((a, b) => b.false + b.true - (a.false + a.true) || compareNames(a.value, b.value))
          .slice(0, LABEL_CATEGORIES_KEPT);
        columns[name] = { kind: "categorical", max_undercount: s.under, categories: cats };
      }
    });
    const ordered: Record<string, LabelColumn> = Object.create(null);
    for (const k of Object.keys(columns).sort(compareNames)) ordered[k] = columns[k];
    return {
      column: this.#label,
      rows: { false: this.#rows[0], true: this.#rows[1] },
      columns: ordered,
    };
  }
}

/** The label columns of a layout: the named boolean columns, in code-unit order, at most {@link MAX_LABEL_COLUMNS}. */
export function labelColumns(
  columns: ReadonlyArray<{ name: string; type: ColumnType }>,
  labels: readonly string[],
): string[] {
  const booleans = new Set(columns.filter((c) => c.type === "boolean").map((c) => c.name));
  return [...new Set(labels)].filter((l) => booleans.has(l)).sort(compareNames).slice(
    0,
    MAX_LABEL_COLUMNS,
  );
}
