/**
 * The comparison: fidelity, privacy and utility of the synthetic sample
 * against the real training rows (the rows a synthesizer fitted with the same
 * split learned from, as SDMetrics compares against the data the synthesizer
 * saw), privacy and utility also against the holdout rows, and every figure
 * beside the same figure for the independent-columns baseline: the training
 * rows with each column shuffled on its own (a seeded permutation), which
 * keeps every marginal and breaks every dependence.
 *
 * @module
 */
import { Rng } from "../rng/mod.ts";
import { correlationMatrix, type Fidelity, fidelity } from "./fidelity.ts";
import { type ColumnDecision, SAMPLE_ROWS } from "./load.ts";
import { dcr, type DcrResult, exactCopies, gowerScales } from "./privacy.ts";
import { isNumeric, selectRows, type Table, type TableColumn } from "./table.ts";
import { MAX_CLASSES, targetLabels, trainAndTest, type UtilityScore } from "./utility.ts";

/** Version of the compare_report.json layout. */
export const COMPARE_REPORT_FORMAT = 1;
/** Synthetic rows whose distance to closest record is measured. */
export const DCR_QUERY_ROWS = 2_000;
/** Most rows in each DCR reference set (training subset, holdout). */
export const DCR_REFERENCE_ROWS = 10_000;

/** What {@link compareTables} needs. */
export interface CompareInput {
  dataset: string;
  version: string;
  real: { file_name: string; sha256: string; bytes: number; rows: number };
  holdoutFraction: number;
  target: string | null;
  training: Table;
  holdout: Table;
  synthetic: Table;
  rows: { training: number; holdout: number; synthetic: number };
  columns: ColumnDecision[];
  /** 4 words seeding the shuffles and DCR subsets (from the file hash and fraction). */
  seed: Uint32Array;
}

/** Privacy figures of one table. */
export interface Privacy {
  exact_copies: number;
  exact_copy_rate: number;
  dcr: DcrResult;
}

/** Utility figures (with --target). */
export interface Utility {
  target: string;
  classes: string[];
  metric: "roc_auc" | "macro_ovr_roc_auc";
  train_on_real: UtilityScore;
  train_on_synthetic: UtilityScore;
  baseline: UtilityScore;
  holdout_rows: number;
}

/** compare_report.json. */
export interface CompareReport {
  format: number;
  dataset: string;
  version: string;
  real: { file_name: string; sha256: string; bytes: number; rows: number };
  holdout_fraction: number;
  rows: {
    training: number;
    holdout: number;
    synthetic: number;
    training_sampled: number;
    holdout_sampled: number;
    synthetic_sampled: number;
  };
  sample_rows: number;
  columns: ColumnDecision[];
  fidelity: Fidelity & { baseline: Fidelity };
  correlations: {
    columns: string[];
    training: number[][];
    synthetic: number[][];
    baseline: number[][];
  };
  privacy: Privacy & { baseline: Privacy; distance: string };
  utility: Utility | null;
}

/** Measure `input.synthetic` (and the baseline) against the real rows. */
export function compareTables(input: CompareInput): CompareReport {
  const rng = new Rng(input.seed);
  const baseline = shuffledColumns(input.training, rng);
  const fid = fidelity(input.training, input.synthetic);
  const fidBase = fidelity(input.training, baseline);
  const corrT = correlationMatrix(input.training);

  const m = Math.min(input.training.rows, input.holdout.rows, DCR_REFERENCE_ROWS);
  const refTraining = selectRows(input.training, permutation(input.training.rows, rng).slice(0, m));
  const refHoldout = selectRows(input.holdout, permutation(input.holdout.rows, rng).slice(0, m));
  const scales = gowerScales(input.training);
  const privacyOf = (t: Table): Privacy => {
    const copies = exactCopies(input.training, t);
    const q = permutation(t.rows, rng).slice(0, Math.min(t.rows, DCR_QUERY_ROWS));
    return {
      exact_copies: copies,
      exact_copy_rate: t.rows === 0 ? NaN : copies / t.rows,
      dcr: dcr(refTraining, refHoldout, selectRows(t, q), scales),
    };
  };
  const privacy = privacyOf(input.synthetic);
  const privacyBase = privacyOf(baseline);

  let utility: Utility | null = null;
  if (input.target !== null) {
    const labels = targetLabels([input.training, input.holdout], input.target);
    utility = {
      target: input.target,
      classes: labels,
      metric: labels.length === 2 ? "roc_auc" : "macro_ovr_roc_auc",
      train_on_real: trainAndTest(input.training, input.holdout, input.target, labels),
      train_on_synthetic: trainAndTest(input.synthetic, input.holdout, input.target, labels),
      baseline: trainAndTest(baseline, input.holdout, input.target, labels),
      holdout_rows: input.holdout.rows,
    };
  }
  return rounded({
    format: COMPARE_REPORT_FORMAT,
    dataset: input.dataset,
    version: input.version,
    real: input.real,
    holdout_fraction: input.holdoutFraction,
    rows: {
      ...input.rows,
      training_sampled: input.training.rows,
      holdout_sampled: input.holdout.rows,
      synthetic_sampled: input.synthetic.rows,
    },
    sample_rows: SAMPLE_ROWS,
    columns: input.columns,
    fidelity: { ...fid, baseline: fidBase },
    correlations: {
      columns: corrT.columns,
      training: corrT.matrix,
      synthetic: correlationMatrix(input.synthetic).matrix,
      baseline: correlationMatrix(baseline).matrix,
    },
    privacy: {
      ...privacy,
      baseline: privacyBase,
      distance: "gower: mean over compared columns of min(1, |x-y|/training range) for " +
        "numerical and datetime columns, 0/1 mismatch for categorical and boolean ones; " +
        "null vs null 0, null vs value 1",
    },
    utility,
  }) as CompareReport;
}

/** Classes a target may have: checked by the caller before reading (documented). */
export { MAX_CLASSES };

/** A permutation of 0..n-1 (Fisher-Yates with `rng`). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** The independent-columns baseline: each column of `t` permuted on its own. */
export function shuffledColumns(t: Table, rng: Rng): Table {
  return {
    rows: t.rows,
    columns: t.columns.map((c): TableColumn => {
      const p = permutation(t.rows, rng);
      if (isNumeric(c)) return { ...c, values: Float64Array.from(p, (r) => c.values[r]) };
      return { ...c, codes: Int32Array.from(p, (r) => c.codes[r]) };
    }),
  };
}

// Figures are printed to 6 decimals: the last bits of a sum carry no meaning, and fewer
// digits keep the report readable.
function rounded(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
  if (Array.isArray(v)) return v.map(rounded);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, rounded);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  }
  return v;
}
