/**
 * Stage "finalize": hash every staged file, write final_metadata.json and
 * run_metadata.json, make the files read-only. A version that failed
 * validation is instead moved aside with its reports.
 *
 * @module
 */
import {
  ARTIFACTS,
  canonicalJson,
  type FileDigest,
  type FinalMetadata,
  finalMetadata,
  sealRunMetadata,
} from "../artifacts/mod.ts";
import { IntegrityError, ValidationFailedError } from "../errors.ts";
import { hashFile } from "../hash/mod.ts";
import { makeReadOnly } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import { ioReason } from "../registry/mod.ts";
import { describeFailures, type ValidationReport } from "../validate/mod.ts";
import type { Producer } from "./producer.ts";

/** The facts final_metadata.json and run_metadata.json record. */
export interface FinalizeInput {
  dataset: string;
  version: string;
  versionIndex: number;
  priorVersion: string | null;
  rowCount: number;
  parquet: boolean;
  csv: boolean;
  producer: Pick<Producer, "source" | "provenance">;
  workers: number;
}

/** Run facts that never reach deterministic artifacts. */
export interface RunFacts {
  startedAt: Date;
  now: () => Date;
  pid: number;
  runtime: Record<string, string>;
  /** Stage durations so far (ms). */
  durations: Record<string, number>;
}

/** Seal the staging folder; returns its final metadata. */
export async function finalizeStaging(
  stagingDir: string,
  input: FinalizeInput,
  facts: RunFacts,
): Promise<FinalMetadata> {
  const files: Record<string, FileDigest> = {};
  const present = [];
  for await (const e of Deno.readDir(stagingDir)) present.push(e.name);
  for (const name of present.sort()) files[name] = await hashFile(`${stagingDir}/${name}`);
  const meta = await finalMetadata({
    dataset: input.dataset,
    version: input.version,
    version_index: input.versionIndex,
    prior_version: input.priorVersion,
    row_count: input.rowCount,
    formats: [input.parquet ? "parquet" : "", input.csv ? "csv" : ""].filter((x) => x),
    source: input.producer.source,
    ...(input.producer.provenance ? { provenance: input.producer.provenance } : {}),
    files,
  });
  await sealStaging(stagingDir, meta, { facts, workers: input.workers, files: present });
  return meta;
}

/**
 * Run one file operation of finalization; on failure (a full disk) say which
 * file and what is left: the run removes its staging folder, nothing is finalized.
 */
/**
 * Write `meta` as final_metadata.json and the run record sealed over it as
 * run_metadata.json, then make `files` and both read-only: the last step of
 * every finalization (single- and multi-table).
 */
export async function sealStaging(
  stagingDir: string,
  meta: FinalMetadata,
  options: { facts: RunFacts; workers: number; files: readonly string[] },
): Promise<void> {
  const { facts } = options;
  const write = (name: string, text: string) =>
    step(`write ${stagingDir}/${name}`, () => Deno.writeTextFile(`${stagingDir}/${name}`, text));
  await write(ARTIFACTS.final, canonicalJson(meta));
  const finishedAt = facts.now();
  const run = await sealRunMetadata({
    dataset: meta.dataset,
    version: meta.version,
    started_at: facts.startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - facts.startedAt.getTime(),
    stage_durations_ms: facts.durations,
    workers: options.workers,
    pid: facts.pid,
    runtime: facts.runtime,
    final_metadata_sha256: (await hashFile(`${stagingDir}/${ARTIFACTS.final}`)).sha256,
  });
  await write(ARTIFACTS.runMetadata, canonicalJson(run));
  for (const name of [...options.files, ARTIFACTS.final, ARTIFACTS.runMetadata]) {
    await step(`make ${stagingDir}/${name} read-only`, () => makeReadOnly(`${stagingDir}/${name}`));
  }
}

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new IntegrityError(
      `could not ${what} (${
        ioReason(err)
      }); nothing was finalized and the staging folder is removed`,
      { cause: err },
    );
  }
}

/**
 * Move a staging folder whose data failed validation to `failedDir` (reports
 * kept for inspection) and throw {@link ValidationFailedError}.
 */
export async function setAsideFailed(
  stagingDir: string,
  failedDir: string,
  options: { dataset: string; version: string; validation: ValidationReport; log: Logger },
): Promise<never> {
  const { dataset, version } = options;
  await step(
    `create ${failedDir.slice(0, failedDir.lastIndexOf("/"))}`,
    () => Deno.mkdir(failedDir.slice(0, failedDir.lastIndexOf("/")), { recursive: true }),
  );
  await step(`move ${stagingDir} to ${failedDir}`, () => Deno.rename(stagingDir, failedDir));
  options.log.log("ERROR", "validation_failed", { dataset, version, kept: failedDir });
  throw new ValidationFailedError(
    `${dataset} ${version} failed validation; nothing was finalized. Reports kept in ${failedDir}:\n  ` +
      describeFailures(options.validation).join("\n  "),
    failedDir,
  );
}
