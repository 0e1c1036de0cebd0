/**
 * Gating CI on drift: `--fail-on drift|warn` (run, ingest, assemble, diff)
 * and the machine-readable summary `--json` prints (run, assemble).
 *
 * The exit code {@link EXIT_DRIFT} is chosen only after the version is
 * finalized and registered: the version exists, and the pipeline stops on it.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { type DriftReport, type EvaluationReport, statusAtLeast } from "../evaluate/mod.ts";
import type { RunResult } from "../pipeline/mod.ts";
import { type FlagSpec, type Parsed, str } from "./args.ts";

/** Exit code when the drift verdict reaches the `--fail-on` level (after finalizing). */
export const EXIT_DRIFT = 3;

/** A `--fail-on` level: `drift` fails on drift, `warn` on warn or drift. */
export type FailOn = "warn" | "drift";

/** The `--fail-on` flag (run, ingest, assemble, diff). */
export const FAIL_ON_FLAG: Record<"fail-on", FlagSpec> = {
  "fail-on": {
    type: "string",
    help:
      `Exit ${EXIT_DRIFT} (after finalizing) when the drift verdict is at or above LEVEL: drift, or warn (warn or drift); expected (declared) drift never fails`,
    valueName: "LEVEL",
  },
};

/** The `--fail-on` level given, if any. */
export function failOn(p: Parsed, cmd: string): FailOn | undefined {
  const v = str(p, "fail-on");
  if (v === undefined) return undefined;
  if (v !== "drift" && v !== "warn") {
    throw new UsageError(`sdp ${cmd}: --fail-on must be drift or warn, got "${v.slice(0, 40)}"`);
  }
  return v;
}

/** The exit code for a drift verdict under `--fail-on` (0 when not given or not reached). */
export function gateExitCode(drift: DriftReport, level: FailOn | undefined): number {
  return level !== undefined && statusAtLeast(drift.verdict, level) ? EXIT_DRIFT : 0;
}

/** The line printed on stderr when the gate fails. */
export function gateMessage(drift: DriftReport, level: FailOn, cmd: string): string {
  return `sdp ${cmd}: drift verdict ${drift.verdict} reaches --fail-on ${level} (exit ${EXIT_DRIFT}): ${drift.message}\n`;
}

/** The drift part of a summary: verdict, counts and each column's status. */
export function driftSummary(evaluation: Pick<EvaluationReport, "drift" | "prior_version">) {
  const d = evaluation.drift;
  const columns: Record<string, string> = {};
  for (const [name, c] of Object.entries(d.columns)) columns[name] = c.status;
  return {
    verdict: d.verdict,
    message: d.message,
    prior_version: evaluation.prior_version,
    summary: d.summary,
    schema: d.schema,
    columns,
  };
}

/**
 * The machine-readable summary of a finalized (or dry-run) version: paths,
 * hashes, quality, drift verdict and the exit code chosen.
 */
export function runSummary(
  command: string,
  result: RunResult,
  options: { failOn: FailOn | undefined; dryRun?: boolean },
): Record<string, unknown> {
  const q = result.evaluation.quality;
  return {
    command,
    dataset: result.dataset,
    version: result.version,
    dry_run: options.dryRun === true,
    path: options.dryRun ? null : result.path,
    rows: result.rows,
    content_hash: result.final.content_hash,
    files: result.final.files,
    quality: {
      score: q.score,
      components: q.components,
      rates_passed: q.rates_passed,
      validation_passed: result.validation.passed,
    },
    drift: driftSummary(result.evaluation),
    fail_on: options.failOn ?? null,
    exit_code: gateExitCode(result.evaluation.drift, options.failOn),
  };
}
