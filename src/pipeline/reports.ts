/**
 * Stage "evaluate" and the deterministic reports: validation.json,
 * evaluation.json, profile.json, prior_profile.json, configs_snapshot.json
 * and report.html in the staging folder.
 *
 * @module
 */
import { ARTIFACTS, canonicalJson, configsSnapshot } from "../artifacts/mod.ts";
import type { DatasetSpec } from "../model/dataset.ts";
import {
  evaluate,
  type EvaluationReport,
  type FailingCheck,
  renderReportHtml,
  type ValidationSummary,
} from "../evaluate/mod.ts";
import type { DatasetProfile } from "../profile/mod.ts";
import type { ValidationReport } from "../validate/mod.ts";
import type { PriorInput } from "./prior.ts";

/** What the evaluation and the reports are computed from. */
export interface ReportInput {
  spec: DatasetSpec;
  version: string;
  versionIndex: number;
  validation: ValidationReport;
  profile: DatasetProfile;
  prior: PriorInput | null;
  /** Why a prior was left out, recorded as `prior_note` in evaluation.json. */
  priorNote: string | null;
  /** Failed checks with example rows, shown in report.html. */
  failures?: FailingCheck[];
}

/** The short form of a validation report that evaluation and report.html use. */
function validationSummary(validation: ValidationReport): ValidationSummary {
  return {
    passed: validation.passed,
    rows: validation.rows.actual,
    columns: Object.fromEntries(
      Object.entries(validation.columns).map(([k, v]) => [k, { violations: v.violations }]),
    ),
    checks: Object.fromEntries(
      Object.entries(validation.checks).map(([k, v]) => [k, { violations: v.violations }]),
    ),
  };
}

/** Evaluate the profile (quality, drift against the prior) as this version was configured. */
export function evaluateRun(input: ReportInput): EvaluationReport {
  const evaluation = evaluate({
    spec: evolvedRates(input.spec, input.versionIndex),
    profile: input.profile,
    versionIndex: input.versionIndex,
    prior: input.prior,
    ...(input.prior === null && input.priorNote
      ? { noPriorMessage: `No prior: ${input.priorNote}, so drift was not computed.` }
      : {}),
    validation: validationSummary(input.validation),
  });
  return input.priorNote ? { ...evaluation, prior_note: input.priorNote } : evaluation;
}

/** Write the deterministic reports into `dir`. */
export async function writeReports(
  dir: string,
  input: ReportInput & { evaluation: EvaluationReport },
): Promise<void> {
  const { spec, validation, profile, prior, evaluation } = input;
  const write = (name: string, text: string) => Deno.writeTextFile(`${dir}/${name}`, text);
  await write(ARTIFACTS.validation, canonicalJson(validation));
  await write(ARTIFACTS.evaluation, canonicalJson(evaluation));
  await write(ARTIFACTS.profile, canonicalJson(profile));
  if (prior) await write(ARTIFACTS.priorProfile, canonicalJson(prior.profile));
  await write(ARTIFACTS.configs, configsSnapshot(spec.name, { ...spec.sources }));
  await write(
    ARTIFACTS.report,
    renderReportHtml({
      dataset: spec.name,
      version: input.version,
      spec,
      profile,
      prior,
      evaluation,
      validation: { ...validationSummary(validation), report: validation },
      failures: input.failures ?? [],
    }),
  );
}

/**
 * The spec with label and missingness rates as this version was generated:
 * declared `rate`/`missingness` drift moves them by `amount x versionIndex`
 * (clamped to [0, 1]), so the configured-vs-realised check compares like with like.
 */
export function evolvedRates(spec: DatasetSpec, versionIndex: number): DatasetSpec {
  const labelRates = new Map(spec.evolution.labelRates);
  const missingness = new Map(spec.evolution.missingness);
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  for (const d of spec.evolution.drift) {
    if (d.kind !== "rate" && d.kind !== "missingness") continue;
    const rates = d.kind === "rate" ? labelRates : missingness;
    const base = rates.get(d.column);
    if (base) rates.set(d.column, { ...base, rate: clamp(base.rate + d.amount * versionIndex) });
  }
  return { ...spec, evolution: { ...spec.evolution, labelRates, missingness } };
}
