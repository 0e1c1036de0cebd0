/**
 * The run pipeline: version -> prior profile -> generate -> validate the data
 * as written -> evaluate -> finalize -> registry. Everything that varies
 * between runs (clock, pid, attempt token, worker count, logger, progress
 * display) is passed in; nothing here reads the environment.
 */
import {
  ARTIFACTS,
  canonicalJson,
  configsSnapshot,
  type FileDigest,
  type FinalMetadata,
  finalMetadata,
  sealRunMetadata,
} from "../artifacts/mod.ts";
import type { DatasetSpec } from "../model/mod.ts";
import { type Chunk, CHUNK_ROWS } from "../data/mod.ts";
import { IntegrityError, ValidationFailedError } from "../errors.ts";
import { evaluate, renderReportHtml } from "../evaluate/mod.ts";
import type { EvaluationReport, ValidationSummary } from "../evaluate/mod.ts";
import { generateChunks, planGeneration } from "../generate/mod.ts";
import { describeVerify, verifyVersion } from "../integrity/verify.ts";
import { sweepLeftovers } from "../integrity/leftovers.ts";
import type { ArrowColumn } from "../arrow/table.ts";
import { chunkToCsv, csvHeader } from "../csv/write.ts";
import { hashFile } from "../hash/mod.ts";
import { openFileSource } from "../io/byte_source.ts";
import { createWriter, exists, makeReadOnly, readTextIfExists } from "../io/files.ts";
import { encodeParquet, readParquetChunks, readParquetFooter } from "../parquet/codec.ts";
import type { Logger } from "../log/mod.ts";
import {
  type DatasetProfile,
  parseProfile,
  partProblems,
  profileLayout,
  Profiler,
} from "../profile/mod.ts";
import {
  addVersion,
  readRegistry,
  type Registry,
  type VersionEntry,
  versionsOf,
  withRegistryLock,
} from "../registry/mod.ts";
import { runSeed } from "../rng/mod.ts";
import { describeFailures, type ValidationReport, Validator } from "../validate/mod.ts";
import { readCsvChunks } from "./csv_readback.ts";
import { parallelGenerationProducer } from "../parallel/producer.ts";
import type { ChunkStats } from "../parallel/encode.ts";
import { readFooter } from "../parquet/stitch.ts";
import { type ChunkFacts, chunkFacts, footerProblems } from "./footer_check.ts";
import { workersAvailable } from "../parallel/pool.ts";

/** Output formats. */
export type OutputFormat = "parquet" | "csv" | "both";

/** Progress callback: rows done of total, per stage. */
export type Progress = (stage: string, done: number, total: number) => void;

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
  /** Use this version index instead of the registry's count (reproduction). */
  versionIndex?: number;
  /** Use this prior instead of the registry's latest (reproduction); null = none. */
  prior?: { version: string; profile: DatasetProfile } | null;
  /** Write into this folder and skip the registry (reproduction). */
  outputDir?: string;
  /** How the data files are produced; default: generation from the spec. */
  producer?: DataProducer;
  /**
   * Validate and profile by decoding data.parquet again instead of taking the
   * parts computed where each chunk was encoded (slower; identical reports).
   */
  readBack?: boolean;
}

/** What a producer is given: where to write and what. */
export interface ProduceContext {
  stagingDir: string;
  columns: ArrowColumn[];
  rowCount: number;
  version: string;
  versionIndex: number;
  workers: number;
  parquet: boolean;
  csv: boolean;
  progress?: Progress;
  /**
   * When set, a producer that validates and profiles where it encodes hands
   * every chunk's parts here, in chunk order, and answers `statsMerged: true`;
   * the data is then not read back (see footer_check.ts for what ties the
   * file to those checks). It returns the profile columns whose later parts
   * may leave out exact values (`PartOptions.settled`).
   */
  stats?: (stats: ChunkStats) => readonly number[] | void;
}

/**
 * Produces data.parquet and/or data.csv in the staging folder. Generation,
 * shard assembly and ingestion are producers; everything after (validation
 * of the data as written, evaluation, finalization) is shared.
 */
export interface DataProducer {
  /** Stage name for logs and durations. */
  stage: string;
  source: "generated" | "ingested";
  /** Provenance recorded in final_metadata.json (ingest). */
  provenance?: { file_name: string; bytes: number; sha256: string };
  produce(ctx: ProduceContext): Promise<{ rows: number; statsMerged?: boolean }>;
}

/**
 * Generation and encoding on the calling thread: the reference path the
 * parallel producer's bytes are tested against.
 */
export function generationProducer(spec: DatasetSpec): DataProducer {
  return {
    stage: "generate",
    source: "generated",
    async produce(p) {
      const seedHex = await runSeed(spec.name, p.version);
      const plan = planGeneration(spec);
      const ctx = {
        seedHex,
        rowCount: p.rowCount,
        versionIndex: p.versionIndex,
        chunkRows: CHUNK_ROWS,
      };
      return {
        rows: await writeDataFiles(
          generateChunks(plan, ctx),
          p,
          "generate",
        ),
      };
    },
  };
}

/**
 * Stream chunks (in order) into data.parquet and/or data.csv in the staging
 * folder, reporting progress as `stage`. Returns the number of rows written.
 */
export async function writeDataFiles(
  chunks: AsyncIterable<Chunk>,
  p: ProduceContext,
  stage: string,
): Promise<number> {
  const names = p.columns.map((c) => c.name);
  const csv = p.csv ? await createWriter(`${p.stagingDir}/${ARTIFACTS.csv}`) : undefined;
  const enc = new TextEncoder();
  let done = 0;
  async function* tee(): AsyncGenerator<Chunk> {
    for await (const chunk of chunks) {
      if (csv) await csv.write(enc.encode(chunkToCsv(chunk, names)));
      done += chunk.rows;
      p.progress?.(stage, done, p.rowCount);
      yield chunk;
    }
  }
  try {
    if (csv) await csv.write(enc.encode(csvHeader(names)));
    if (p.parquet) {
      const out = await createWriter(`${p.stagingDir}/${ARTIFACTS.parquet}`);
      try {
        await encodeParquet(tee(), p.columns, { write: (b) => out.write(b) });
      } finally {
        out.close();
      }
    } else {
      for await (const _ of tee()) { /* written by tee */ }
    }
  } finally {
    csv?.close();
  }
  return done;
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

/** Columns in the Arrow/Parquet schema order. */
export function arrowColumns(spec: DatasetSpec): ArrowColumn[] {
  return spec.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
}

/** Read a finalized version's own profile (after verifying the folder). */
export async function loadPriorProfile(
  runsDir: string,
  dataset: string,
  version: string,
): Promise<DatasetProfile> {
  const dir = `${runsDir}/${dataset}/${version}`;
  const v = await verifyVersion(dir, { dataset, version });
  if (!v.ok) {
    throw new IntegrityError(
      `prior version ${dataset}/${version} fails verification (${describeVerify(v).join("; ")}); ` +
        `drift is never computed from corrupted data. Restore it, or pass --allow-missing-prior to run without a prior`,
    );
  }
  const text = await readTextIfExists(`${dir}/${ARTIFACTS.profile}`);
  if (text === undefined) {
    throw new IntegrityError(`prior version ${dataset}/${version} has no profile.json`);
  }
  return parseProfile(text, `${dir}/${ARTIFACTS.profile}`);
}

/** Run the whole pipeline for one dataset version. */
export async function runDataset(
  spec: DatasetSpec,
  options: RunOptions,
  env: RunEnvironment,
): Promise<RunResult> {
  const durations: Record<string, number> = {};
  const startedAt = env.now();
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    env.log.log("DEBUG", "stage_start", { stage: name });
    const out = await fn();
    durations[name] = Math.round(performance.now() - t0);
    env.log.log("INFO", "stage_done", { stage: name, duration_ms: durations[name] });
    return out;
  };
  const dataset = spec.name;
  const version = options.version;
  const rowCount = options.rows ?? spec.rowCount;
  const datasetDir = `${options.runsDir}/${dataset}`;
  const finalDir = options.outputDir ?? `${datasetDir}/${version}`;

  // Version resolution and prior.
  const registry = options.outputDir ? undefined : await readRegistry(options.registryFile);
  if (!options.outputDir) {
    if (
      await exists(finalDir) || versionsOf(registry!, dataset).some((v) => v.version === version)
    ) {
      throw new IntegrityError(
        `version ${version} of ${dataset} already exists (${finalDir}); finalized versions are immutable: choose another --run-id`,
      );
    }
  }
  const known = registry ? versionsOf(registry, dataset) : [];
  const versionIndex = options.versionIndex ?? known.length;
  let priorVersion = options.prior !== undefined
    ? (options.prior?.version ?? null)
    : (known.at(-1)?.version ?? null);
  let prior: DatasetProfile | null = options.prior?.profile ?? null;
  let priorNote: string | null = null;
  await stage("profile_prior", async () => {
    if (priorVersion === null || prior !== null) return;
    try {
      prior = await loadPriorProfile(options.runsDir, dataset, priorVersion);
    } catch (err) {
      if (!(err instanceof IntegrityError) || !options.allowMissingPrior) throw err;
      env.log.log("WARNING", "prior_unusable", { prior: priorVersion, reason: err.message });
      priorNote =
        `prior version ${priorVersion} was unusable (${err.message}); evaluated without a prior`;
      priorVersion = null;
    }
  });

  const stagingDir = options.outputDir
    ? `${options.outputDir}.staging-${env.token}`
    : `${datasetDir}/.staging-${version}-${env.token}`;
  if (!options.outputDir) {
    await sweepLeftovers(datasetDir, { now: startedAt, log: env.log, ownToken: env.token });
  }
  await Deno.mkdir(stagingDir, { recursive: true });
  try {
    const columns = arrowColumns(spec);
    const names = columns.map((c) => c.name);
    const wantParquet = options.format !== "csv";
    const wantCsv = options.format !== "parquet";

    // Produce the data files (generation by default).
    const producer = options.producer ?? parallelGenerationProducer(spec);
    if (options.workers > 1 && !options.producer && !(await workersAvailable())) {
      env.log.log("WARNING", "workers_unavailable", {
        requested: options.workers,
        using: 1,
        reason: "no read access to the worker modules under the current permissions",
        hint:
          "run from the source tree (deno task sdp) or use the release binary; output bytes are the same",
      });
    }
    // Validation and profiling: merged from the producer's per-chunk parts
    // when it computes them (no read-back), else from reading the file back.
    const validator = new Validator(spec.columns, spec.checks, rowCount);
    const profiler = new Profiler(columns);
    const facts: ChunkFacts[] = [];
    const profileNames = profileLayout(columns).columns.map((c) => c.name);
    const onStats = wantParquet && !options.readBack
      ? (s: ChunkStats) => {
        // A part that contradicts itself was not computed from its column: the run fails.
        const chunk = facts.length;
        validator.schemaProblems(
          partProblems(s.profile).map(([j, what]) =>
            `chunk ${chunk} profile part of ${profileNames[j]} is inconsistent: ${what} ` +
            `(an engine fault? sdp needs --v8-flags=--no-maglev-escape-analysis: README, Known limitations)`
          ),
        );
        validator.merge(s.validation);
        profiler.merge(s.profile);
        facts.push(chunkFacts(spec.columns, s.profile));
        return profiler.settled();
      }
      : undefined;
    env.progress?.(producer.stage, 0, rowCount);
    const produced = await stage(producer.stage, () =>
      producer.produce({
        stagingDir,
        columns,
        rowCount,
        version,
        versionIndex,
        workers: options.workers,
        parquet: wantParquet,
        csv: wantCsv,
        progress: env.progress,
        stats: onStats,
      }));
    if (produced.rows !== rowCount) {
      throw new Error(`${producer.stage} wrote ${produced.rows} rows, expected ${rowCount}`);
    }
    const merged = onStats !== undefined && produced.statsMerged === true;

    // Validate the data as written, profiling in the same pass.
    const { report: validation, profile } = await stage("validate", async () => {
      const read = (): AsyncIterable<Chunk> =>
        wantParquet
          ? readParquetFile(`${stagingDir}/${ARTIFACTS.parquet}`, columns)
          : readCsvChunks(`${stagingDir}/${ARTIFACTS.csv}`, spec.columns);
      if (wantParquet) {
        const src = await openFileSource(`${stagingDir}/${ARTIFACTS.parquet}`);
        try {
          const footer = await readParquetFooter(src);
          const want = names.join(",");
          if (footer.columns.join(",") !== want) {
            validator.schemaProblems([
              `data.parquet columns are [${footer.columns.join(", ")}], expected [${want}]`,
            ]);
          }
          if (footer.rows !== rowCount) {
            validator.schemaProblems([
              `data.parquet footer states ${footer.rows} rows, ${rowCount} were generated`,
            ]);
          }
          // One row group per chunk: CHUNK_ROWS rows each, the last one possibly fewer.
          const last = footer.rowGroups.length - 1;
          const bad = footer.rowGroups.findIndex((n, i) =>
            i < last ? n !== CHUNK_ROWS : n === 0 || n > CHUNK_ROWS
          );
          if (bad >= 0) {
            validator.schemaProblems([
              `data.parquet row group ${bad} holds ${
                footer.rowGroups[bad]
              } rows; chunks are ${CHUNK_ROWS} rows`,
            ]);
          }
          if (merged) {
            // The file must hold what the workers validated: its footer says so per row group.
            const stats = await readFooter((o, n) => src.read(o, n), src.size);
            validator.schemaProblems(footerProblems(stats, facts));
          }
        } finally {
          src.close();
        }
      }
      if (!merged) {
        let done = 0;
        env.progress?.("validate", 0, rowCount);
        for await (const chunk of read()) {
          validator.add(chunk);
          profiler.add(chunk);
          done += chunk.rows;
          env.progress?.("validate", done, rowCount);
        }
      }
      for (const p of validator.pendingUnique()) {
        for (let i = 0; i < p.partitions; i++) {
          await validator.uniquePass(p.column, { index: i, of: p.partitions }, read());
        }
      }
      if (wantParquet && wantCsv) {
        // The CSV is validated too: same checks on its own read-back.
        const csvValidator = new Validator(spec.columns, spec.checks, rowCount);
        for await (const chunk of readCsvChunks(`${stagingDir}/${ARTIFACTS.csv}`, spec.columns)) {
          csvValidator.add(chunk);
        }
        const csvReport = csvValidator.finish();
        if (!csvReport.passed) {
          validator.schemaProblems(describeFailures(csvReport).map((l) => `data.csv: ${l}`));
        }
      }
      return { report: validator.finish(), profile: profiler.finish() };
    });

    const summary: ValidationSummary = {
      passed: validation.passed,
      rows: validation.rows.actual,
      columns: Object.fromEntries(
        Object.entries(validation.columns).map(([k, v]) => [k, { violations: v.violations }]),
      ),
      checks: Object.fromEntries(
        Object.entries(validation.checks).map(([k, v]) => [k, { violations: v.violations }]),
      ),
    };
    const priorInput = prior !== null && priorVersion !== null
      ? { version: priorVersion as string, profile: prior as DatasetProfile }
      : null;
    const evaluation = await stage(
      "evaluate",
      () =>
        Promise.resolve(evaluate({
          spec: evolvedRates(spec, versionIndex),
          profile,
          prior: priorInput,
          validation: summary,
        })),
    );
    if (priorNote) (evaluation as unknown as Record<string, unknown>).prior_note = priorNote;

    // Deterministic reports.
    const write = (name: string, text: string) => Deno.writeTextFile(`${stagingDir}/${name}`, text);
    await write(ARTIFACTS.validation, canonicalJson(validation));
    await write(ARTIFACTS.evaluation, canonicalJson(evaluation));
    await write(ARTIFACTS.profile, canonicalJson(profile));
    if (priorInput) await write(ARTIFACTS.priorProfile, canonicalJson(priorInput.profile));
    await write(ARTIFACTS.configs, configsSnapshot(dataset, { ...spec.sources }));
    await write(
      ARTIFACTS.report,
      renderReportHtml({
        dataset,
        version,
        spec,
        profile,
        prior: priorInput,
        evaluation,
        validation: { ...summary, report: validation },
      }),
    );

    if (!validation.passed) {
      const failedDir = options.outputDir
        ? `${options.outputDir}.failed`
        : `${datasetDir}/_failed/${version}-${env.token}`;
      await Deno.mkdir(failedDir.slice(0, failedDir.lastIndexOf("/")), { recursive: true });
      await Deno.rename(stagingDir, failedDir);
      env.log.log("ERROR", "validation_failed", { dataset, version, kept: failedDir });
      throw new ValidationFailedError(
        `${dataset} ${version} failed validation; nothing was finalized. Reports kept in ${failedDir}:\n  ` +
          describeFailures(validation).join("\n  "),
        failedDir,
      );
    }

    // Finalize.
    const final = await stage("finalize", async () => {
      const files: Record<string, FileDigest> = {};
      const present = [];
      for await (const e of Deno.readDir(stagingDir)) present.push(e.name);
      for (const name of present.sort()) files[name] = await hashFile(`${stagingDir}/${name}`);
      const meta = await finalMetadata({
        dataset,
        version,
        version_index: versionIndex,
        prior_version: priorInput ? priorInput.version : null,
        row_count: rowCount,
        formats: [wantParquet ? "parquet" : "", wantCsv ? "csv" : ""].filter((x) => x),
        source: producer.source,
        ...(producer.provenance ? { provenance: producer.provenance } : {}),
        files,
      });
      const finalText = canonicalJson(meta);
      await write(ARTIFACTS.final, finalText);
      const finishedAt = env.now();
      const run = await sealRunMetadata({
        dataset,
        version,
        started_at: startedAt.toISOString(),
        finished_at: finishedAt.toISOString(),
        duration_ms: finishedAt.getTime() - startedAt.getTime(),
        stage_durations_ms: durations,
        workers: options.workers,
        pid: env.pid,
        runtime: env.runtime,
        final_metadata_sha256: (await hashFile(`${stagingDir}/${ARTIFACTS.final}`)).sha256,
      });
      await write(ARTIFACTS.runMetadata, canonicalJson(run));
      for (const name of [...present, ARTIFACTS.final, ARTIFACTS.runMetadata]) {
        await makeReadOnly(`${stagingDir}/${name}`);
      }
      return meta;
    });

    if (options.outputDir) {
      await Deno.rename(stagingDir, finalDir);
    } else {
      await withRegistryLock(options.registryFile, async (current: Registry) => {
        if (
          await exists(finalDir) || versionsOf(current, dataset).some((v) => v.version === version)
        ) {
          throw new IntegrityError(
            `version ${version} of ${dataset} was finalized by another process meanwhile; nothing was overwritten`,
          );
        }
        await Deno.rename(stagingDir, finalDir);
        const entry: VersionEntry = {
          version,
          row_count: rowCount,
          data_sha256: final.files[wantParquet ? ARTIFACTS.parquet : ARTIFACTS.csv].sha256,
          content_hash: final.content_hash,
          path: `${dataset}/${version}`,
          created_at: env.now().toISOString(),
          formats: final.formats,
          source: producer.source,
        };
        return { registry: addVersion(current, dataset, entry), result: undefined };
      }, { pid: env.pid, log: env.log });
    }
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
    await Deno.remove(stagingDir, { recursive: true }).catch(() => {});
    throw err;
  }
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

async function* readParquetFile(path: string, columns: ArrowColumn[]): AsyncGenerator<Chunk> {
  const src = await openFileSource(path);
  try {
    yield* readParquetChunks(src, columns);
  } finally {
    src.close();
  }
}
