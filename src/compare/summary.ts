/**
 * The human summary of a comparison printed by `sdp compare`: each figure
 * beside its independent-columns baseline.
 *
 * @module
 */
import type { CompareReport } from "./report.ts";

function f3(x: number | null): string {
  return x === null ? "–" : x.toFixed(3);
}

function pc(x: number | null): string {
  return x === null ? "–" : `${(x * 100).toFixed(1)}%`;
}

function line(label: string, a: string, b: string): string {
  return `  ${label.padEnd(30)}${a.padStart(10)}${b.padStart(12)}\n`;
}

/** The summary text (ends with a newline). */
export function formatCompareSummary(r: CompareReport): string {
  const compared = r.columns.filter((c) => c.status === "compared").length;
  const skipped = r.columns.filter((c) => c.status === "skipped");
  const n = (x: number | null) => (x === null ? NaN : x) as number;
  let out = `Compared ${r.dataset} ${r.version} with ${r.real.file_name} ` +
    `(sha256 ${r.real.sha256.slice(0, 12)}…, ${r.real.rows} rows)\n` +
    `  real: ${r.rows.training} training rows, ${r.rows.holdout} holdout rows ` +
    `(holdout ${r.holdout_fraction}); synthetic: ${r.rows.synthetic} rows\n`;
  if (
    r.rows.training_sampled < r.rows.training || r.rows.holdout_sampled < r.rows.holdout ||
    r.rows.synthetic_sampled < r.rows.synthetic
  ) {
    out += `  sampled (about ${r.sample_rows} rows per side): ${r.rows.training_sampled} ` +
      `training, ${r.rows.holdout_sampled} holdout, ${r.rows.synthetic_sampled} synthetic\n`;
  }
  out += `  columns: ${compared} compared, ${skipped.length} skipped\n`;
  for (const s of skipped) out += `    skipped ${s.column}: ${s.reason}\n`;
  out += "\n" + line("", "synthetic", "baseline") +
    line("fidelity score", f3(r.fidelity.score), f3(r.fidelity.baseline.score)) +
    line("  column shapes", f3(r.fidelity.column_shapes), f3(r.fidelity.baseline.column_shapes)) +
    line(
      "  column pair trends",
      f3(r.fidelity.column_pair_trends),
      f3(r.fidelity.baseline.column_pair_trends),
    ) +
    line(
      "exact-copy rate",
      pc(r.privacy.exact_copy_rate),
      pc(r.privacy.baseline.exact_copy_rate),
    ) +
    line(
      "DCR: closer to training",
      pc(r.privacy.dcr.closer_to_training_share),
      pc(r.privacy.baseline.dcr.closer_to_training_share),
    ) +
    line(
      "DCR: median to training",
      f3(r.privacy.dcr.median_to_training),
      f3(r.privacy.baseline.dcr.median_to_training),
    );
  if (r.utility !== null) {
    const u = r.utility;
    out += line(
      `${u.metric === "roc_auc" ? "AUC" : "macro OvR AUC"} (train on it)`,
      f3(u.train_on_synthetic.auc),
      f3(u.baseline.auc),
    ) +
      line("  train on real (reference)", f3(u.train_on_real.auc), "") +
      line("  accuracy (train on it)", f3(u.train_on_synthetic.accuracy), f3(u.baseline.accuracy));
  }
  out += `\n  baseline: the training rows with each column shuffled independently\n` +
    `  DCR: ${r.privacy.dcr.queries} synthetic rows vs ${r.privacy.dcr.references} training ` +
    `and ${r.privacy.dcr.references} holdout rows (about 50% closer to training is ideal)\n`;
  const worst = [...r.fidelity.columns].filter((c) => c.score !== null)
    .sort((a, b) => n(a.score) - n(b.score) || (a.column < b.column ? -1 : 1)).slice(0, 3);
  if (worst.length > 0) {
    out += `  lowest column shapes: ${worst.map((c) => `${c.column} ${f3(c.score)}`).join(", ")}\n`;
  }
  return out;
}
