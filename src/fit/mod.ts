/**
 * `sdp fit`: learn editable configs from a real table. Pure learning core:
 * typed chunks in (read twice, training rows only), a typed
 * {@link FittedModel} out, rendered as the three commented YAML files, and
 * a summary listing every decision. docs/fit.md states the rules.
 *
 * @module
 */
export {
  DEFAULT_HOLDOUT,
  DEFAULT_MIN_COUNT,
  type FitInput,
  type FitOptions,
  learnTable,
} from "./learn.ts";
export { type ConfigTexts, renderConfigs } from "./yaml.ts";
export type { ColumnFit, FittedCopula, FittedGenerator, FittedModel } from "./types.ts";
export { EMPIRICAL_INTERVALS, KS_ACCEPT } from "./marginals.ts";
import type { FittedModel } from "./types.ts";

/** Every decision of a fit, one line each, for the terminal. */
export function formatFitSummary(m: FittedModel): string {
  const width = Math.min(28, Math.max(...m.columns.map((c) => c.name.length)));
  const lines: string[] = [
    `Fitted ${m.dataset} from ${m.source.file} (sha256 ${m.source.sha256})`,
    `rows: ${m.source.rows} (${m.trainingRows} training, ${m.holdoutRows} held out at ${m.holdout}); min count K = ${m.minCount}`,
    `columns (${m.columns.length}):`,
  ];
  for (const c of m.columns) {
    const nulls = c.nullable ? `, ${(c.nullRate * 100).toFixed(2)}% null` : "";
    lines.push(`  ${c.name.padEnd(width)}  ${c.type.padEnd(8)}  ${c.why}${nulls}`);
  }
  const merged = m.columns.filter((c) => c.merged);
  lines.push(
    merged.length === 0
      ? `merged rare categories (< ${m.minCount}): none`
      : `merged rare categories (< ${m.minCount}): ` +
        merged.map((c) =>
          `${c.name} (${c.merged!.categories} -> ${c.merged!.bucket}, ${c.merged!.rows} rows)`
        ).join(", "),
  );
  const personal = m.columns.filter((c) => c.role === "personal");
  lines.push(
    `possible personal data (replaced by generators of the same shape): ${
      personal.length === 0 ? "none" : personal.map((c) => c.name).join(", ")
    }`,
  );
  const ids = m.columns.filter((c) => c.role === "identifier");
  lines.push(
    `replaced identifiers: ${ids.length === 0 ? "none" : ids.map((c) => c.name).join(", ")}`,
  );
  const constant = m.columns.filter((c) => c.role === "constant");
  if (constant.length > 0) {
    lines.push(`constant columns (outside the copula): ${constant.map((c) => c.name).join(", ")}`);
  }
  if (m.copula) {
    lines.push(
      `copula: ${m.copula.columns.length} columns (${m.copula.columns.join(", ")}); ` +
        `smallest eigenvalue ${m.copula.minEigenvalue.toFixed(4)}` +
        (m.copula.repair ? `, ${m.copula.repair}` : ", positive definite as fitted"),
    );
    if (m.target !== undefined) {
      const t = m.copula.columns.indexOf(m.target);
      const row = m.copula.matrix[t];
      const top = m.copula.columns
        .map((name, j) => ({ name, r: row[j] }))
        .filter((x) => x.name !== m.target)
        .sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || (a.name < b.name ? -1 : 1))
        .slice(0, 5);
      lines.push(
        `target ${m.target}: in the copula; strongest latent correlations ` +
          top.map((x) => `${x.name} ${x.r}`).join(", "),
      );
    }
  } else lines.push("copula: none (fewer than 2 columns with a CDF)");
  return lines.join("\n") + "\n";
}
