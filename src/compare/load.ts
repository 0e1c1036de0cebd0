/**
 * From chunk streams to the sampled tables `sdp compare` measures.
 *
 * Columns are matched by name. A column on one side only is skipped and
 * listed; integer and float match each other (both numerical); any other
 * type difference is an error. After reading, a column with no non-null
 * training value, and a string column with more than
 * max({@link ID_MIN_DISTINCT}, half its non-null training rows) distinct
 * values (identifiers, free text: no distribution to compare), are skipped
 * and listed.
 *
 * Sampling: each side keeps every row up to {@link SAMPLE_ROWS} expected
 * rows; above, row `i` is kept when a 32-bit hash of (side seed, i) falls
 * below `SAMPLE_ROWS / rows` of the range (the per-row hash of src/split, with
 * its own seed per side), so the sample is deterministic, streaming, and
 * about SAMPLE_ROWS rows. Every metric is computed on the samples.
 *
 * @module
 */
import type { Chunk, ColumnType } from "../data/mod.ts";
import { compareNames } from "../data/mod.ts";
import { type HoldoutSplit, holdoutSplit, isHoldout } from "../split/mod.ts";
import {
  type ColumnKind,
  type ColumnPlan,
  isNumeric,
  kindOf,
  planColumns,
  type Table,
  TableBuilder,
} from "./table.ts";

/** Rows per side above which rows are sampled. */
export const SAMPLE_ROWS = 50_000;
/** A string column is an identifier when it has more distinct values than this and ... */
export const ID_MIN_DISTINCT = 50;

/** A column of one side. */
export interface SideColumn {
  name: string;
  type: ColumnType;
}

/** What became of one column. */
export interface ColumnDecision {
  column: string;
  real_type: ColumnType | null;
  synthetic_type: ColumnType | null;
  kind: ColumnKind | null;
  /** "compared", or why not. */
  status: "compared" | "skipped";
  reason: string | null;
}

/** Columns matched by name: the compared ones and the decisions, or the type mismatches. */
export function matchColumns(
  real: readonly SideColumn[],
  synthetic: readonly SideColumn[],
): {
  compared: { name: string; kind: ColumnKind }[];
  decisions: ColumnDecision[];
  mismatches: string[];
} {
  const syn = new Map(synthetic.map((c) => [c.name, c]));
  const rl = new Map(real.map((c) => [c.name, c]));
  const names = [...new Set([...rl.keys(), ...syn.keys()])].sort(compareNames);
  const compared: { name: string; kind: ColumnKind }[] = [];
  const decisions: ColumnDecision[] = [];
  const mismatches: string[] = [];
  for (const name of names) {
    const r = rl.get(name);
    const s = syn.get(name);
    const base = { column: name, real_type: r?.type ?? null, synthetic_type: s?.type ?? null };
    if (r === undefined || s === undefined) {
      decisions.push({
        ...base,
        kind: null,
        status: "skipped",
        reason: r === undefined ? "not in the real file" : "not in the version",
      });
      continue;
    }
    const kr = kindOf(r.type);
    if (kr !== kindOf(s.type)) {
      mismatches.push(`${name}: ${r.type} in the real file, ${s.type} in the version`);
      continue;
    }
    compared.push({ name, kind: kr });
    decisions.push({ ...base, kind: kr, status: "compared", reason: null });
  }
  return { compared, decisions, mismatches };
}

/** A sampling rule: keep every row, or rows whose hash falls under a fraction. */
export interface Sampler {
  /** Rows the side holds (expected, for the training side). */
  rows: number;
  /** Share of rows kept (1 = all). */
  rate: number;
  keep(row: number): boolean;
}

/** The sampler of a side of `rows` rows, seeded by `key` (file hash and side). */
export async function sampler(key: string, rows: number): Promise<Sampler> {
  if (rows <= SAMPLE_ROWS) return { rows, rate: 1, keep: () => true };
  const rate = SAMPLE_ROWS / rows;
  const split: HoldoutSplit = await holdoutSplit(`sample:${key}`, rate);
  return { rows, rate, keep: (row) => isHoldout(split, row) };
}

/** Sampled rows of the real file, on each side of the split. */
export interface RealSample {
  training: Table;
  holdout: Table;
  /** All training / holdout rows of the file (before sampling). */
  trainingRows: number;
  holdoutRows: number;
}

/** Read the real file's chunks into sampled training and holdout tables. */
export async function readReal(
  chunks: AsyncIterable<Chunk>,
  plans: ColumnPlan[],
  options: { split: HoldoutSplit; training: Sampler; holdout: Sampler },
): Promise<RealSample> {
  const tb = new TableBuilder(plans);
  const hb = new TableBuilder(plans);
  let trainingRows = 0;
  let holdoutRows = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.rows; i++) {
      const row = chunk.start + i;
      if (isHoldout(options.split, row)) {
        holdoutRows++;
        if (options.holdout.keep(row)) hb.add(chunk, i);
      } else {
        trainingRows++;
        if (options.training.keep(row)) tb.add(chunk, i);
      }
    }
  }
  return { training: tb.finish(), holdout: hb.finish(), trainingRows, holdoutRows };
}

/** Read the version's chunks into a sampled table. */
export async function readSynthetic(
  chunks: AsyncIterable<Chunk>,
  plans: ColumnPlan[],
  keep: Sampler,
): Promise<{ table: Table; rows: number }> {
  const b = new TableBuilder(plans);
  let rows = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.rows; i++) {
      if (keep.keep(chunk.start + i)) b.add(chunk, i);
    }
    rows += chunk.rows;
  }
  return { table: b.finish(), rows };
}

/** Plans of the compared columns (shared dictionaries for both sides). */
export function plansFor(compared: readonly { name: string; kind: ColumnKind }[]): ColumnPlan[] {
  return planColumns(compared);
}

/** Why a column of the training sample cannot be compared, or null. */
export function skipReason(t: Table, column: string): string | null {
  const c = t.columns.find((x) => x.name === column)!;
  let present = 0;
  if (isNumeric(c)) {
    for (const v of c.values) if (!Number.isNaN(v)) present++;
    return present === 0 ? "all null in the training rows" : null;
  }
  const distinct = new Set<number>();
  for (const x of c.codes) {
    if (x >= 0) {
      present++;
      distinct.add(x);
    }
  }
  if (present === 0) return "all null in the training rows";
  if (c.kind === "categorical" && distinct.size > Math.max(ID_MIN_DISTINCT, present / 2)) {
    return `identifier or free text (${distinct.size} distinct values in ${present} training rows)`;
  }
  return null;
}

/** `t` without the columns named in `drop`. */
export function withoutColumns(t: Table, drop: ReadonlySet<string>): Table {
  return { rows: t.rows, columns: t.columns.filter((c) => !drop.has(c.name)) };
}
