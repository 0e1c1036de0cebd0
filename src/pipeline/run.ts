/**
 * The run pipeline: version -> prior profile -> produce -> validate the data
 * as written -> evaluate -> finalize -> registry, each stage a function of its
 * own file. Everything that varies between runs (clock, pid, attempt token,
 * worker count, logger, progress display) and the producer are passed in;
 * nothing here reads the environment.
 *
 * @module
 */
import type { FinalMetadata } from "../artifacts/mod.ts";
import { storageFailure } from "../errors.ts";
import type { DatasetSpec } from "../model/mod.ts";
import type { EvaluationReport } from "../evaluate/mod.ts";
import type { Logger } from "../log/mod.ts";
import { readRegistry } from "../registry/mod.ts";
import type { ValidationReport } from "../validate/mod.ts";
import { checkWrittenFiles } from "./check.ts";
import { finalizeStaging, setAsideFailed } from "./finalize.ts";
import { choosePrior, type PriorInput } from "./prior.ts";
import { checkProducedRows, produceData } from "./produce.ts";
import { arrowColumns, type OutputFormat, type Producer, type Progress } from "./producer.ts";
import { checkVersionFree, registerVersion } from "./register.ts";
import { evaluateRun, type ReportInput, writeReports } from "./reports.ts";
import { openStaging, removeCreated, runPaths, stageTimer } from "./staging.ts";

/** Inputs to a run that vary between runs but never reach deterministic artifacts. */
export interface RunEnvironment {
  now: () => Date;
  pid: number;
  /** Unique token for staging folder names (attempt id). */
  token: string;
  log: Logger;
  progress?: Progress;
  /** Facts for run_metadata.json (sdp version, Deno version, OS). */
  runtime: Record<string, string>;
}

/** Options of {@link runDataset}. */
export interface RunOptions {
  version: string;
  /** Overrides dataset.yaml row_count. */
  rows?: number;
  format: OutputFormat;
  workers: number;
  runsDir: string;
  registryFile: string;
  /** Run without a prior when the prior version is missing or fails verification. */
  allowMissingPrior?: boolean;
  /** Compare with this finalized version instead of the latest (`--prior`). */
  priorVersion?: string;
  /** Compare with no prior (`--no-prior`). */
  noPrior?: boolean;
  /** Use this version index instead of the registry's count (reproduction). */
  versionIndex?: number;
  /** Use this prior instead of the registry's latest (reproduction); null = none. */
  prior?: PriorInput | null;
  /** Write into this folder and skip the registry (reproduction). */
  outputDir?: string;
  /** How the data files are produced (generation: src/parallel/, ingest, shard assembly). */
  producer: Producer;
  /**
   * Validate and profile by decoding data.parquet again instead of taking the
   * parts computed where each chunk was encoded (slower; identical reports).
   */
  readBack?: boolean;
}

/** What a successful run returns. */
export interface RunResult {
  dataset: string;
  version: string;
  path: string;
  rows: number;
  final: FinalMetadata;
  evaluation: EvaluationReport;
  validation: ValidationReport;
  durations: Record<string, number>;
}

/** Run the whole pipeline for one dataset version. */
export async function runDataset(
  spec: DatasetSpec,
  options: RunOptions,
  env: RunEnvironment,
): Promise<RunResult> {
  const startedAt = env.now();
  const { durations, run: stage } = stageTimer(env.log);
  const { version, producer, workers } = options;
  const dataset = spec.name;
  const rowCount = options.rows ?? spec.rowCount;
  const paths = runPaths(dataset, version, { ...options, token: env.token });
  const { stagingDir, finalDir } = paths;

  const registry = options.outputDir ? undefined : await readRegistry(options.registryFile);
  if (registry) await checkVersionFree(registry, { dataset, version, finalDir });
  const { versionIndex, prior, note } = await stage(
    "profile_prior",
    () => choosePrior(dataset, { ...options, registry, log: env.log }),
  );

  const created = await openStaging(paths, {
    sweep: !options.outputDir,
    startedAt,
    token: env.token,
    log: env.log,
  });
  try {
    const files = {
      stagingDir,
      columns: arrowColumns(spec),
      rowCount,
      parquet: options.format !== "csv",
      csv: options.format !== "parquet",
    };
    await producer.prepare?.({ workers, log: env.log });
    env.progress?.(producer.stage, 0, rowCount);
    const context = { ...files, version, versionIndex, workers, progress: env.progress };
    const produced = await stage(
      producer.stage,
      () => produceData(producer, spec, { context, readBack: options.readBack }),
    );
    checkProducedRows(producer, produced, { rowCount });
    const checked = await stage(
      "validate",
      () => checkWrittenFiles(spec, files, { produced, progress: env.progress }),
    );

    const input: ReportInput = { spec, version, versionIndex, ...checked, prior, priorNote: note };
    const evaluation = await stage("evaluate", () => Promise.resolve(evaluateRun(input)));
    await writeReports(stagingDir, { ...input, evaluation });
    const { validation } = checked;
    if (!validation.passed) {
      await setAsideFailed(stagingDir, paths.failedDir, { dataset, version, validation, ...env });
    }

    const final = await stage("finalize", () =>
      finalizeStaging(stagingDir, {
        ...files,
        dataset,
        version,
        versionIndex,
        priorVersion: prior ? prior.version : null,
        producer,
        workers,
      }, { ...env, startedAt, durations }));
    if (options.outputDir) await Deno.rename(stagingDir, finalDir);
    else await registerVersion(stagingDir, { ...options, ...env, finalDir, final });
    env.log.log("INFO", "finalized", { dataset, version, path: finalDir, rows: rowCount });
    return {
      dataset,
      version,
      path: finalDir,
      rows: rowCount,
      final,
      evaluation,
      validation,
      durations,
    };
  } catch (err) {
    // A failed run leaves no partial version behind (failed reports were moved aside).
    const removed = await Deno.remove(stagingDir, { recursive: true }).then(
      () => true,
      (e) => e instanceof Deno.errors.NotFound,
    );
    await removeCreated(created);
    throw storageFailure(err, {
      dir: stagingDir,
      left: `nothing was finalized; ${
        removed ? "the staging folder was removed" : `the staging folder ${stagingDir} is left`
      } and the registry is unchanged`,
    }) ?? err;
  }
}
