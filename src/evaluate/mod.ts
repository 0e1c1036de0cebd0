/**
 * Quality and drift evaluation of a dataset version, and its reports.
 *
 * - {@link evaluate}: quality (see quality.ts) + drift against the prior
 *   version's stored profile (see drift.ts, metrics.ts). Without a prior the
 *   drift section says so explicitly (`available: false`, verdict `no_prior`).
 * - {@link compareProfiles}: the drift report between any two profiles (also
 *   used by `sdp diff`).
 * - {@link renderReportHtml}: self-contained report.html (inline SVG only).
 * - {@link formatSummary} / {@link formatDriftTable}: plain-text tables
 *   within 100 columns.
 *
 * Reports are plain data built with a fixed key order and columns in
 * code-unit name order: identical inputs give byte-identical JSON and HTML.
 * Their keys are snake_case, like the YAML configs; column names are data
 * and kept as they are.
 *
 * @module
 */
import type { DatasetSpec } from "../model/mod.ts";
import type { CompareOptions } from "./drift.ts";
import { compareNames } from "../data/mod.ts";
import type { DatasetProfile } from "../profile/mod.ts";
import {
  compareProfiles,
  type DriftReport,
  fmt,
  identifierColumns,
  noPriorDrift,
} from "./drift.ts";
import { assessQuality, type QualityReport, type ValidationSummary } from "./quality.ts";

export {
  type ColumnDrift,
  type CompareOptions,
  compareProfiles,
  type DeclaredChange,
  type DeclaredDrift,
  DRIFT_REPORT_FORMAT,
  type DriftReport,
  type DriftStatus,
  type DriftThresholds,
  type IdentifierChecks,
  identifierColumns,
  type JudgedMetric,
  type MetricStatus,
  psiBounds,
  reportThresholds,
  statusAtLeast,
  WASSERSTEIN_STD_FLOOR,
} from "./drift.ts";
export {
  type ColumnQuality,
  type PairTrend,
  type QualityReport,
  type RateCheck,
  SCORE_FORMULA,
  type ValidationSummary,
} from "./quality.ts";
export { PSI_BINS, PSI_EPSILON } from "./metrics.ts";
export { type FailingCheck, renderReportHtml } from "./html.ts";

/**
 * Evaluation report format: 3 since determinism contract 6 (prior_version_index,
 * drift report format 3); 2 since contract 5 (every key snake_case).
 */
export const EVALUATION_REPORT_FORMAT = 3;

/** Quality and drift of one version (evaluation_report.json). */
export interface EvaluationReport {
  /** Report format ({@link EVALUATION_REPORT_FORMAT}). */
  version: typeof EVALUATION_REPORT_FORMAT;
  /** The prior version compared against, or null when there is none. */
  prior_version: string | null;
  /**
   * The prior's version index (declared drift is applied from it to this
   * version's index), or null without a prior or when it is not known.
   */
  prior_version_index: number | null;
  /** Only when a prior was left out (unusable and allowed): why. */
  prior_note?: string;
  quality: QualityReport;
  drift: DriftReport;
}

/** A prior version, its profile and (when known) its version index. */
export interface PriorProfile {
  version: string;
  profile: DatasetProfile;
  /** Null when unknown: declared drift is then not applied. */
  versionIndex: number | null;
}

/** The drift options of a spec: thresholds, identifier columns and declared drift between indexes. */
export function driftOptions(
  spec: DatasetSpec,
  versions: { reference: number | null; current: number },
): CompareOptions {
  return {
    thresholds: spec.evolution.thresholds,
    identifiers: identifierColumns(spec.columns),
    ...(versions.reference === null ? {} : {
      declared: {
        drift: spec.evolution.drift,
        referenceIndex: versions.reference,
        currentIndex: versions.current,
      },
    }),
  };
}

/** Evaluate quality and drift of `profile` (against `prior` when given). */
export function evaluate(input: {
  spec: DatasetSpec;
  profile: DatasetProfile;
  /** This version's index (declared drift is applied up to it). */
  versionIndex: number;
  prior: PriorProfile | null;
  validation: ValidationSummary;
  /** Message of the drift section when there is no prior. */
  noPriorMessage?: string;
}): EvaluationReport {
  const thresholds = input.spec.evolution.thresholds;
  const drift = input.prior === null
    ? noPriorDrift(thresholds, input.noPriorMessage)
    : compareProfiles(
      input.prior.profile,
      input.profile,
      driftOptions(input.spec, {
        reference: input.prior.versionIndex,
        current: input.versionIndex,
      }),
    );
  const quality = assessQuality(
    input.spec,
    input.profile,
    input.prior?.profile ?? null,
    drift,
    input.validation,
  );
  return {
    version: EVALUATION_REPORT_FORMAT,
    prior_version: input.prior?.version ?? null,
    prior_version_index: input.prior?.versionIndex ?? null,
    quality,
    drift,
  };
}

function pct(x: number | null): string {
  return x === null ? "-" : `${(x * 100).toFixed(1)}%`;
}

function num(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "-" : fmt(x);
}

function pad(s: string, w: number): string {
  const t = s.length > w ? s.slice(0, w - 1) + "~" : s;
  return t.padEnd(w);
}

/** Plain-text drift table (one line per column), within 100 columns. */
export function formatDriftTable(drift: DriftReport): string {
  const lines: string[] = [];
  if (!drift.available) return drift.message;
  lines.push(`Drift verdict: ${drift.verdict.toUpperCase()} - ${drift.message}`);
  lines.push(
    pad("column", 24) + pad("type", 9) + pad("null%", 8) + pad("PSI", 11) + pad("KS", 11) +
      pad("W/std", 11) + pad("JS", 11) + "status",
  );
  lines.push("-".repeat(91));
  for (const name of Object.keys(drift.columns).sort(compareNames)) {
    const c = drift.columns[name];
    lines.push(
      pad(name, 24) + pad(c.type, 9) + pad(pct(c.null_rate.current), 8) +
        pad(num(c.psi?.value), 11) + pad(num(c.ks?.statistic), 11) +
        pad(num(c.wasserstein?.normalized.value), 11) + pad(num(c.jensen_shannon?.value), 11) +
        c.status,
    );
  }
  // Why each column that is not plainly ok has its status (full text: evaluation_report.json).
  for (const name of Object.keys(drift.columns).sort(compareNames)) {
    const c = drift.columns[name];
    if (c.status === "ok") continue;
    const why = c.status === "expected" && c.declared !== null
      ? `expected: declared ${c.declared.description}`
      : c.explanation;
    const line = `  ${name}: ${why}`;
    lines.push(line.length > 100 ? `${line.slice(0, 99)}~` : line);
  }
  for (const n of drift.schema.added) lines.push(`column added: ${n}`);
  for (const n of drift.schema.removed) lines.push(`column removed: ${n}`);
  for (const n of drift.schema.type_changed) lines.push(`column type changed: ${n}`);
  return lines.join("\n");
}

/** Terminal summary printed after `sdp run` (plain text, within 100 columns). */
export function formatSummary(evaluation: EvaluationReport): string {
  const q = evaluation.quality;
  const c = q.components;
  const lines: string[] = [];
  lines.push(`Quality score: ${pct(q.score)}`);
  lines.push(
    `  completeness ${pct(c.completeness)}  validity ${pct(c.validity)}  uniqueness ${
      pct(c.uniqueness)
    }  rates ${pct(c.rate_conformance)}`,
  );
  lines.push(
    `  column shapes ${pct(c.column_shapes)}  column-pair trends ${pct(c.column_pair_trends)}`,
  );
  if (q.rates.length > 0) {
    lines.push("Configured vs realised rates:");
    for (const r of q.rates) {
      lines.push(
        `  ${r.passed ? "PASS" : "FAIL"} ${pad(`${r.kind} ${r.column}`, 40)} configured ${
          pct(r.configured)
        }  realised ${pct(r.realised)}  tolerance ${pct(r.tolerance)}`,
      );
    }
  }
  const prior = evaluation.prior_version;
  lines.push(prior === null ? "Drift: no prior version" : `Drift vs ${prior}:`);
  lines.push(formatDriftTable(evaluation.drift));
  return lines.join("\n") + "\n";
}
