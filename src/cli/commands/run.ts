/**
 * `sdp run <dataset>`: generate, validate, evaluate and finalize a new
 * version, then record it in the registry. With --shard it writes one part
 * instead (run_shard.ts).
 *
 * @module
 */
import { chunkCount } from "../../data/mod.ts";
import { checkDatasetName, loadDataset } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import { formatSummary } from "../../evaluate/mod.ts";
import { readTextIfExists } from "../../io/files.ts";
import { parallelGenerationProducer } from "../../parallel/mod.ts";
import {
  choosePrior,
  estimateOutput,
  formatBytes,
  MAX_COMPRESSION,
  type OutputEstimate,
  type OutputFormat,
  runDataset,
  type RunOptions,
  type RunResult,
} from "../../pipeline/mod.ts";
import { readRegistry } from "../../registry/mod.ts";
import { checkVersionId, versionFromTime } from "../../version/mod.ts";
import { type CommandSpec, type FlagSpec, type Parsed, positiveInt, str } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, printable, runEnvironment, workerCount } from "../shared.ts";
import {
  FAIL_ON_FLAG,
  type FailOn,
  failOn,
  gateExitCode,
  gateMessage,
  runSummary,
} from "../gate.ts";
import { runMultiTable } from "./run_multi.ts";
import { runShard } from "./run_shard.ts";

/** Rows of a `--dry-run` sample unless --rows is given (fewer when row_count is smaller). */
export const DRY_RUN_ROWS = 10_000;

/** `--prior VERSION` and `--no-prior` (run, ingest, assemble). */
export const PRIOR_FLAGS: Record<"prior" | "no-prior", FlagSpec> = {
  prior: {
    type: "string",
    help: "Compare with this finalized version instead of the latest",
    valueName: "VERSION",
  },
  "no-prior": {
    type: "boolean",
    help: "Compare with no prior version (drift is not computed; recorded in the report)",
  },
};

/** The prior choice of `--prior` / `--no-prior` as run options. */
export function priorChoice(
  p: Parsed,
  cmd: string,
): Pick<RunOptions, "priorVersion" | "noPrior"> {
  const version = str(p, "prior");
  const none = p.values["no-prior"] === true;
  if (version !== undefined && none) {
    throw new UsageError(`sdp ${cmd}: give --prior VERSION or --no-prior, not both`);
  }
  if (version !== undefined) {
    const problem = checkVersionId(version);
    if (problem) throw new UsageError(`sdp ${cmd}: --prior "${printable(version)}": ${problem}`);
    return { priorVersion: version };
  }
  return none ? { noPrior: true } : {};
}

/** Print a finalized version's summary (text or --json) and choose the exit code. */
export function reportResult(
  io: Io,
  result: RunResult,
  options: {
    cmd: string;
    json: boolean;
    failOn: FailOn | undefined;
    text: string;
    dryRun?: boolean;
  },
): number {
  const code = gateExitCode(result.evaluation.drift, options.failOn);
  if (options.json) {
    io.out(
      JSON.stringify(runSummary(options.cmd, result, {
        failOn: options.failOn,
        dryRun: options.dryRun,
      })) + "\n",
    );
  } else io.out(options.text);
  if (code !== 0) io.err(gateMessage(result.evaluation.drift, options.failOn!, options.cmd));
  return code;
}

/** The `sdp run` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "run",
  summary:
    "Generate, validate, evaluate and finalize a new version of a dataset, then record it in the registry.",
  positionals: ["dataset"],
  flags: {
    "run-id": {
      type: "string",
      help: "Version id (default: UTC now as YYYY-MM-DDTHH-MM-SSZ)",
      valueName: "ID",
    },
    rows: {
      type: "string",
      help:
        "Override dataset.yaml row_count (multi-table: rows of the largest root table; the other roots scale alike)",
      valueName: "N",
    },
    format: { type: "string", help: "parquet (default), csv or both", valueName: "FMT" },
    workers: {
      type: "string",
      help:
        "Generate/encode/validate workers (default: SDP_WORKERS, else CPU cores, one per 24 chunks at most)",
      valueName: "N",
    },
    shard: {
      type: "string",
      help: "Generate only shard i of n (e.g. 2/5) into --parts-dir",
      valueName: "I/N",
    },
    "parts-dir": {
      type: "string",
      help: "Where --shard writes its part and manifest",
      valueName: "DIR",
    },
    "version-index": {
      type: "string",
      help:
        "With --shard: the version's position among the dataset's versions (default: local registry)",
      valueName: "N",
    },
    "allow-missing-prior": {
      type: "boolean",
      help:
        "Run without a prior when the prior version is missing or corrupt (recorded in the report)",
    },
    ...PRIOR_FLAGS,
    "dry-run": {
      type: "boolean",
      help:
        `Validate the configs and generate a sample (default ${DRY_RUN_ROWS} rows, or --rows) in a temporary folder, evaluate it against the prior, print the summary and remove it: nothing is written to the runs folder or the registry`,
    },
    ...FAIL_ON_FLAG,
    json: {
      type: "boolean",
      help: "Print the summary (paths, hashes, quality, drift verdict) as one JSON object",
    },
    "no-space-check": {
      type: "boolean",
      help: "Start even when the estimated output does not fit in the free space of --runs-dir",
    },
    readback: {
      type: "boolean",
      help:
        "Validate and profile by decoding data.parquet again, not in the workers (slower; same reports)",
    },
    ...DIR_FLAGS,
  },
};

/** Handle `sdp run`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [name] = p.positionals;
  const nameProblem = checkDatasetName(name);
  if (nameProblem) throw new UsageError(`sdp run: ${nameProblem}`);
  if (p.values.shard !== undefined || p.values["parts-dir"] !== undefined) {
    return await runShard(p, io);
  }
  if (p.values["version-index"] !== undefined) {
    throw new UsageError("sdp run: --version-index is only for --shard runs");
  }
  const version = str(p, "run-id") ?? versionFromTime(io.now());
  const idProblem = checkVersionId(version);
  if (idProblem) throw new UsageError(`sdp run: --run-id "${printable(version)}": ${idProblem}`);
  const format = str(p, "format", "parquet") as OutputFormat;
  if (!["parquet", "csv", "both"].includes(format)) {
    throw new UsageError(`sdp run: --format must be parquet, csv or both, got "${format}"`);
  }
  const rows = positiveInt(p, "rows", "run");
  const gate = failOn(p, "run");
  const json = p.values.json === true;
  const prior = priorChoice(p, "run");
  const dryRun = p.values["dry-run"] === true;
  const d = dirs(p);
  checkAccess(io, d.datasetsDir, "read", "--datasets-dir");
  if (!dryRun) {
    checkAccess(io, d.runsDir, "write", "--runs-dir");
    checkAccess(io, d.registryFile, "write", "--registry");
  }
  const spec = await loadDataset(name, {
    datasetsDir: d.datasetsDir,
    readText: readTextIfExists,
  });
  const log = makeLogger(io, { dataset: name, version });
  if (spec.tables) {
    const unsupported = ["dry-run", "prior", "no-prior"].filter((f) =>
      p.values[f] !== undefined && p.values[f] !== false
    );
    if (unsupported.length > 0) {
      throw new UsageError(
        `sdp run: ${unsupported.map((f) => `--${f}`).join(", ")} not supported for multi-table ` +
          `datasets yet (${name} has tables)`,
      );
    }
    const workers = workerCount(p, io, "run", { chunks: chunkCount(rows ?? spec.rowCount) });
    return await runMultiTable(spec, io, {
      version,
      rows,
      format,
      workers,
      ...d,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      readBack: p.values.readback === true,
      log,
      json,
      failOn: gate,
      checkSpace: async (estimate) => {
        await checkSpace(io, estimate, {
          runsDir: d.runsDir,
          skip: p.values["no-space-check"] === true,
        });
        log.log("INFO", "estimate", { rows: estimate.rows, bytes: estimate.bytes });
      },
    });
  }
  if (dryRun) {
    const sampleRows = rows ?? Math.min(spec.rowCount, DRY_RUN_ROWS);
    return await dryRunDataset(io, {
      spec,
      version,
      rows: sampleRows,
      format,
      d,
      prior,
      gate,
      json,
    });
  }
  const workers = workerCount(p, io, "run", { chunks: chunkCount(rows ?? spec.rowCount) });
  const estimate = estimateOutput(spec, { rows: rows ?? spec.rowCount, format });
  await checkSpace(io, estimate, { runsDir: d.runsDir, skip: p.values["no-space-check"] === true });
  log.log("INFO", "estimate", { rows: estimate.rows, bytes: estimate.bytes });
  const result = await runDataset(spec, {
    version,
    rows,
    format,
    workers,
    runsDir: d.runsDir,
    registryFile: d.registryFile,
    allowMissingPrior: p.values["allow-missing-prior"] === true,
    ...prior,
    readBack: p.values.readback === true,
    producer: parallelGenerationProducer(spec),
  }, runEnvironment(io, log));
  return reportResult(io, result, {
    cmd: "run",
    json,
    failOn: gate,
    text: `Finalized ${result.dataset} ${result.version}: ${result.rows} rows in ${result.path}\n` +
      `content hash ${result.final.content_hash}\n` +
      formatSummary(result.evaluation),
  });
}

/**
 * `sdp run --dry-run`: the configs are loaded (every problem reported), a
 * sample is generated, validated and evaluated against the prior the real run
 * would use (same version index), in a hidden folder of the working directory
 * that is removed afterwards. The runs folder and the registry are only read.
 */
async function dryRunDataset(
  io: Io,
  input: {
    spec: Awaited<ReturnType<typeof loadDataset>>;
    version: string;
    rows: number;
    format: OutputFormat;
    d: ReturnType<typeof dirs>;
    prior: Pick<RunOptions, "priorVersion" | "noPrior">;
    gate: FailOn | undefined;
    json: boolean;
  },
): Promise<number> {
  const { spec, version, rows, d } = input;
  const log = makeLogger(io, { dataset: spec.name, version, dry_run: true });
  const registry = await readRegistry(d.registryFile);
  const choice = await choosePrior(spec.name, {
    runsDir: d.runsDir,
    registry,
    ...input.prior,
    log,
  });
  const token = io.token();
  const root = `.sdp-dry-run-${token}`;
  try {
    const result = await runDataset(spec, {
      version,
      rows,
      format: input.format,
      workers: workerCountFor(io, rows),
      runsDir: d.runsDir,
      registryFile: d.registryFile,
      versionIndex: choice.versionIndex,
      prior: choice.prior,
      outputDir: `${root}/${spec.name}`,
      producer: parallelGenerationProducer(spec),
    }, runEnvironment(io, log, token));
    const priorText = choice.prior === null ? "no prior" : `prior ${choice.prior.version}`;
    return reportResult(io, result, {
      cmd: "run",
      json: input.json,
      failOn: input.gate,
      dryRun: true,
      text:
        `Dry run of ${spec.name}: ${result.rows} sample rows as version index ${choice.versionIndex} ` +
        `against ${priorText}; nothing was written to ${d.runsDir} or ${d.registryFile}\n` +
        formatSummary(result.evaluation),
    });
  } finally {
    await io.remove(root, { recursive: true }).catch(() => {});
  }
}

function workerCountFor(io: Io, rows: number): number {
  return Math.max(1, Math.min(io.cores, chunkCount(rows)));
}

/** Notes at or above this estimate are printed (smaller runs stay quiet). */
const NOTE_BYTES = 1024 ** 3;

/**
 * Say how much a large run will write, and refuse one that cannot fit in the
 * free space of the runs folder's file system (docs/limits.md).
 */
async function checkSpace(
  io: Io,
  estimate: OutputEstimate,
  options: { runsDir: string; skip: boolean },
): Promise<void> {
  let dir = options.runsDir;
  // The runs folder may not exist yet: ask about the nearest folder that does.
  while (!(await io.stat(dir).then(() => true, () => false)) && dir.includes("/")) {
    dir = dir.slice(0, dir.lastIndexOf("/"));
  }
  const free = io.freeBytes(dir === "" ? "/" : dir) ?? io.freeBytes(".");
  const what = `${estimate.rows} rows: estimated ${formatBytes(estimate.bytes)} uncompressed`;
  if (free !== undefined && estimate.minBytes > free && !options.skip) {
    throw new UsageError(
      `sdp run: ${what}, at least ${
        formatBytes(estimate.minBytes)
      } even at ${MAX_COMPRESSION}x compression; ` +
        `the file system of ${options.runsDir} has ${formatBytes(free)} free. ` +
        "Free space, lower --rows, or pass --no-space-check",
    );
  }
  if (estimate.bytes >= NOTE_BYTES) {
    io.err(
      `sdp run: note: ${what}${free !== undefined ? `; ${formatBytes(free)} free` : ""}\n`,
    );
  }
}
