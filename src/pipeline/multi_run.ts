/**
 * The run pipeline of a multi-table dataset. Each table runs the
 * single-table pipeline (generate, validate, profile, evaluate, drift
 * against the same table of the prior version, finalize) into
 * `tables/<table>/` of the version's staging folder, parents first; then the
 * relations are validated on the written files, `relations_report.json` and
 * the version's `report.html` (table summary, ER diagram) are written, and
 * the version is finalized and registered as one: its final_metadata.json
 * lists each table's sealed final_metadata.json, so the content hash covers
 * every file of every table. Ingest runs the same pipeline with each table's
 * rows and producer given (`given`: one real file per table) instead of
 * planned generation.
 *
 * @module
 */
import {
  ARTIFACTS,
  canonicalJson,
  configsSnapshot,
  type FileDigest,
  type FinalMetadata,
  finalMetadata,
} from "../artifacts/mod.ts";
import type { Chunk, ColumnValues } from "../data/mod.ts";
import { IntegrityError, storageFailure, ValidationFailedError } from "../errors.ts";
import { renderRelationsHtml, type TableSummary } from "../evaluate/relations_html.ts";
import type { GenerationPlan } from "../generate/mod.ts";
import { expectedRowCounts, planTables, type TablePlan } from "../generate/mod.ts";
import { hashFile } from "../hash/mod.ts";
import { describeVerify, verifyVersion } from "../integrity/mod.ts";
import { openFileSource } from "../io/byte_source.ts";
import { readTextIfExists } from "../io/files.ts";
import type { DatasetSpec } from "../model/mod.ts";
import { readParquetChunks } from "../parquet/codec.ts";
import { parseProfile } from "../profile/mod.ts";
import { readRegistry, versionsOf } from "../registry/mod.ts";
import {
  describeRelationFailures,
  type RelationsReport,
  validateRelations,
} from "../validate/relations.ts";
import { readCsvChunks } from "./csv_readback.ts";
import { sealStaging } from "./finalize.ts";
import { estimateOutput, type OutputEstimate } from "./estimate.ts";
import type { PriorInput } from "./prior.ts";
import type { OutputFormat, Producer } from "./producer.ts";
import { checkVersionFree, registerVersion } from "./register.ts";
import { runDataset, type RunEnvironment, type RunResult } from "./run.ts";
import { openStaging, removeCreated, runPaths, stageTimer } from "./staging.ts";

/** The relations report's file name in a multi-table version folder. */
export const RELATIONS_REPORT = "relations_report.json";
/** The folder of the tables inside a multi-table version folder. */
export const TABLES_DIR = "tables";

/** Options of {@link runMultiTableDataset}. */
export interface MultiRunOptions {
  version: string;
  /** Rows of the largest root table (the other roots scale alike); children follow. */
  rows?: number;
  format: OutputFormat;
  workers: number;
  runsDir: string;
  registryFile: string;
  allowMissingPrior?: boolean;
  /** Reproduction: write into this folder and skip the registry. */
  outputDir?: string;
  /** Reproduction: this version index instead of the registry's count. */
  versionIndex?: number;
  /** Reproduction: the prior version and each table's prior profile instead of the registry's latest. */
  prior?: { version: string | null; tables: Map<string, PriorInput> };
  /** The producer of one table (generation: src/parallel/, given its plan). */
  producer?: (spec: DatasetSpec, plan: GenerationPlan) => Producer;
  /**
   * Ingest: each table's rows and producer (its file), instead of planned
   * generation. The version's `source` is then `ingested`; the relations are
   * validated on the written files all the same.
   */
  given?: Map<string, { rows: number; producer: Producer }>;
  readBack?: boolean;
  /**
   * Called once the row counts are known, before anything is written, with
   * the estimated output of all tables (the CLI refuses a run that cannot fit).
   */
  checkSpace?: (estimate: OutputEstimate) => Promise<void>;
}

/** One table to run: planned generation ({@link TablePlan}) or an ingested file. */
type TableRun = Pick<TablePlan, "table" | "spec" | "rowCount">;

/** What a successful multi-table run returns. */
export interface MultiRunResult {
  dataset: string;
  version: string;
  path: string;
  /** Rows over all tables. */
  rows: number;
  tables: Array<{ table: string; rows: number; result: RunResult }>;
  relations: RelationsReport;
  final: FinalMetadata;
}

/** Run every table of a multi-table dataset as one version. */
export async function runMultiTableDataset(
  spec: DatasetSpec,
  options: MultiRunOptions,
  env: RunEnvironment,
): Promise<MultiRunResult> {
  const startedAt = env.now();
  const { durations, run: stage } = stageTimer(env.log);
  const { version } = options;
  const dataset = spec.name;
  const paths = runPaths(dataset, version, { ...options, token: env.token });
  const { stagingDir, finalDir } = paths;
  const registry = options.outputDir ? undefined : await readRegistry(options.registryFile);
  if (registry) await checkVersionFree(registry, { dataset, version, finalDir });
  const known = registry ? versionsOf(registry, dataset) : [];
  const versionIndex = options.versionIndex ?? known.length;
  const priorVersion = options.prior ? options.prior.version : known.at(-1)?.version ?? null;
  const priors = options.prior?.tables ?? await stage(
    "profile_prior",
    () =>
      priorProfiles(spec, {
        ...options,
        priorVersion,
        priorIndex: known.length > 0 ? known.length - 1 : null,
        log: env.log,
      }),
  );
  // Estimated from the expected counts, before the (row-count-long) drawing of the real ones.
  if (options.checkSpace) {
    await options.checkSpace(estimateTables(spec, { rows: options.rows, format: options.format }));
  }
  const given = options.given;
  const plans: TableRun[] = given
    ? (spec.tables ?? []).map((table) => {
      const rowCount = given.get(table.name)!.rows;
      return { table, spec: { ...table.spec, rowCount }, rowCount };
    })
    : await stage(
      "plan",
      () => planTables(spec, { version, versionIndex, rows: options.rows }),
    );
  const source = given ? "ingested" : "generated";

  const created = await openStaging(paths, {
    sweep: !options.outputDir,
    startedAt,
    token: env.token,
    log: env.log,
  });
  try {
    await Deno.mkdir(`${stagingDir}/${TABLES_DIR}`);
    const results: MultiRunResult["tables"] = [];
    for (const p of plans) {
      const name = p.table.name;
      env.log.log("INFO", "table", { dataset, table: name, rows: p.rowCount });
      const result = await runDataset(p.spec, {
        version,
        rows: p.rowCount,
        format: options.format,
        workers: options.workers,
        runsDir: options.runsDir,
        registryFile: options.registryFile,
        versionIndex,
        prior: priors.get(name) ?? null,
        outputDir: `${stagingDir}/${TABLES_DIR}/${name}`,
        producer: given
          ? given.get(name)!.producer
          : options.producer!(p.spec, (p as TablePlan).plan),
        readBack: options.readBack,
      }, env);
      results.push({ table: name, rows: p.rowCount, result });
    }
    const relations = await stage(
      "validate_relations",
      () => validateRelations(spec, tableReader(stagingDir, plans, options.format)),
    );
    const summaries: TableSummary[] = results.map((r) => ({
      table: r.table,
      rows: r.rows,
      validation_passed: r.result.validation.passed,
      quality_score: r.result.evaluation.quality.score,
      drift_verdict: r.result.evaluation.drift.verdict,
    }));
    const write = (name: string, text: string) => Deno.writeTextFile(`${stagingDir}/${name}`, text);
    await write(RELATIONS_REPORT, canonicalJson(relations));
    await write(ARTIFACTS.configs, configsSnapshot(dataset, { ...spec.sources }));
    await write(
      ARTIFACTS.report,
      renderRelationsHtml({ spec, version, tables: summaries, relations }),
    );
    if (!relations.passed) {
      const failedDir = paths.failedDir;
      await Deno.mkdir(failedDir.slice(0, failedDir.lastIndexOf("/")), { recursive: true });
      await Deno.rename(stagingDir, failedDir);
      env.log.log("ERROR", "validation_failed", { dataset, version, kept: failedDir });
      throw new ValidationFailedError(
        `${dataset} ${version} failed relational validation; nothing was finalized. Reports kept in ${failedDir}:\n  ` +
          describeRelationFailures(relations).join("\n  "),
        failedDir,
      );
    }
    const rows = results.reduce((a, r) => a + r.rows, 0);
    const final = await stage("finalize", () =>
      finalizeMulti(stagingDir, {
        dataset,
        version,
        versionIndex,
        priorVersion,
        rows,
        format: options.format,
        source,
        tables: results.map((r) => ({ table: r.table, rows: r.rows })),
      }, { ...env, startedAt, durations, workers: options.workers }));
    if (options.outputDir) await Deno.rename(stagingDir, finalDir);
    else {
      await registerVersion(stagingDir, {
        ...options,
        ...env,
        finalDir,
        final,
        producer: { source },
      });
    }
    env.log.log("INFO", "finalized", { dataset, version, path: finalDir, rows });
    return { dataset, version, path: finalDir, rows, tables: results, relations, final };
  } catch (err) {
    const removed = await Deno.remove(stagingDir, { recursive: true }).then(
      () => true,
      (e) => e instanceof Deno.errors.NotFound,
    );
    await removeCreated(created);
    if (err instanceof ValidationFailedError && !err.reportDir.startsWith(paths.failedDir)) {
      // A table failed its own validation: its reports went down with the staging folder.
      throw new ValidationFailedError(
        err.message.replace(
          /Reports kept in [^:]*:/,
          "Reports were in the removed staging folder:",
        ),
        paths.failedDir,
      );
    }
    throw storageFailure(err, {
      dir: stagingDir,
      left: `nothing was finalized; ${
        removed ? "the staging folder was removed" : `the staging folder ${stagingDir} is left`
      } and the registry is unchanged`,
    }) ?? err;
  }
}

/**
 * Each table's profile of the prior version, when there is one. The prior
 * folder is verified whole (every table) first: drift is never computed
 * from corrupted data.
 */
async function priorProfiles(
  spec: DatasetSpec,
  options: {
    runsDir: string;
    priorVersion: string | null;
    /** The prior's position among the dataset's versions. */
    priorIndex: number | null;
    allowMissingPrior?: boolean;
    log: RunEnvironment["log"];
  },
): Promise<Map<string, PriorInput>> {
  const out = new Map<string, PriorInput>();
  const version = options.priorVersion;
  if (version === null) return out;
  const dir = `${options.runsDir}/${spec.name}/${version}`;
  const v = await verifyVersion(dir, { dataset: spec.name, version });
  if (!v.ok) {
    const message = `prior version ${spec.name}/${version} fails verification (${
      describeVerify(v).join("; ")
    }); drift is never computed from corrupted data. Restore it, or pass --allow-missing-prior to run without a prior`;
    if (!options.allowMissingPrior) throw new IntegrityError(message);
    options.log.log("WARNING", "prior_unusable", { prior: version, reason: message });
    return out;
  }
  for (const t of spec.tables ?? []) {
    const path = `${dir}/${TABLES_DIR}/${t.name}/${ARTIFACTS.profile}`;
    const text = await readTextIfExists(path);
    // A table new in this version has no prior.
    if (text !== undefined) {
      out.set(t.name, {
        version,
        profile: parseProfile(text, path),
        versionIndex: options.priorIndex,
      });
    }
  }
  return out;
}

/** The estimated output of every table at its expected row count, summed. */
function estimateTables(
  spec: DatasetSpec,
  options: { rows?: number; format: OutputFormat },
): OutputEstimate {
  const expected = expectedRowCounts(spec, options.rows);
  const parts = (spec.tables ?? []).map((t) =>
    estimateOutput(t.spec, { rows: expected.get(t.name)!, format: options.format })
  );
  const rows = parts.reduce((a, e) => a + e.rows, 0);
  const sum = (f: (e: OutputEstimate) => number) => parts.reduce((a, e) => a + f(e), 0);
  return {
    rows,
    parquetBytesPerRow: rows > 0 ? sum((e) => e.parquetBytesPerRow * e.rows) / rows : 0,
    csvBytesPerRow: rows > 0 ? sum((e) => e.csvBytesPerRow * e.rows) / rows : 0,
    bytes: sum((e) => e.bytes),
    minBytes: sum((e) => e.minBytes),
  };
}

/** Reads the written tables back (Parquet when written, else CSV). */
function tableReader(
  stagingDir: string,
  plans: TableRun[],
  format: OutputFormat,
): (table: string, columns: string[]) => AsyncIterable<Chunk> {
  const byName = new Map(plans.map((p) => [p.table.name, p]));
  return async function* (table, columns) {
    const p = byName.get(table)!;
    const specCols = p.spec.columns.filter((c) => columns.includes(c.name));
    const dir = `${stagingDir}/${TABLES_DIR}/${table}`;
    if (format === "csv") {
      // The CSV reader types every declared column; keep all, the validator reads what it needs.
      yield* readCsvChunks(`${dir}/${ARTIFACTS.csv}`, p.spec.columns);
      return;
    }
    // One reader per column, zipped chunk by chunk: the Parquet engine fails on projections of
    // columns that are not adjacent in the file, and reading every column would cost far more.
    const sources = await Promise.all(
      specCols.map(() => openFileSource(`${dir}/${ARTIFACTS.parquet}`)),
    );
    try {
      const its = specCols.map((c, i) =>
        readParquetChunks(sources[i], [{ name: c.name, type: c.type, nullable: c.nullable }])[
          Symbol.asyncIterator
        ]()
      );
      for (;;) {
        const parts = await Promise.all(its.map((it) => it.next()));
        if (parts.every((r) => r.done)) return;
        if (parts.some((r) => r.done || r.value.rows !== parts[0].value!.rows)) {
          throw new Error(`columns of ${dir}/${ARTIFACTS.parquet} disagree on their row groups`);
        }
        const first = parts[0].value as Chunk;
        const merged = new Map<string, ColumnValues>();
        for (const r of parts) for (const [k, v] of (r.value as Chunk).columns) merged.set(k, v);
        yield { ...first, columns: merged };
      }
    } finally {
      for (const s of sources) s.close();
    }
  };
}

/** Seal a multi-table staging folder: final_metadata.json and run_metadata.json. */
async function finalizeMulti(
  stagingDir: string,
  input: {
    dataset: string;
    version: string;
    versionIndex: number;
    priorVersion: string | null;
    rows: number;
    format: OutputFormat;
    source: "generated" | "ingested";
    tables: Array<{ table: string; rows: number }>;
  },
  facts: {
    startedAt: Date;
    now: () => Date;
    pid: number;
    runtime: Record<string, string>;
    durations: Record<string, number>;
    workers: number;
  },
): Promise<FinalMetadata> {
  const files: Record<string, FileDigest> = {};
  const own = [ARTIFACTS.configs, RELATIONS_REPORT, ARTIFACTS.report].sort();
  for (const name of own) files[name] = await hashFile(`${stagingDir}/${name}`);
  // Each table's manifest is sealed by its own content hash: listing it covers its files.
  for (const t of input.tables) {
    const name = `${TABLES_DIR}/${t.table}/${ARTIFACTS.final}`;
    files[name] = await hashFile(`${stagingDir}/${name}`);
  }
  const meta = await finalMetadata({
    dataset: input.dataset,
    version: input.version,
    version_index: input.versionIndex,
    prior_version: input.priorVersion,
    row_count: input.rows,
    formats: [input.format !== "csv" ? "parquet" : "", input.format !== "parquet" ? "csv" : ""]
      .filter((x) => x),
    source: input.source,
    tables: Object.fromEntries(input.tables.map((t) => [t.table, { row_count: t.rows }])),
    files,
  });
  await sealStaging(stagingDir, meta, { facts, workers: facts.workers, files: own });
  return meta;
}
