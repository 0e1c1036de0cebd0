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
  estimateOutput,
  formatBytes,
  MAX_COMPRESSION,
  type OutputEstimate,
  type OutputFormat,
  runDataset,
} from "../../pipeline/mod.ts";
import { checkVersionId, versionFromTime } from "../../version/mod.ts";
import { type CommandSpec, type Parsed, positiveInt, str } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, printable, runEnvironment, workerCount } from "../shared.ts";
import { runMultiTable } from "./run_multi.ts";
import { runShard } from "./run_shard.ts";

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
  const d = dirs(p);
  checkAccess(io, d.datasetsDir, "read", "--datasets-dir");
  checkAccess(io, d.runsDir, "write", "--runs-dir");
  checkAccess(io, d.registryFile, "write", "--registry");
  const spec = await loadDataset(name, {
    datasetsDir: d.datasetsDir,
    readText: readTextIfExists,
  });
  const workers = workerCount(p, io, "run", { chunks: chunkCount(rows ?? spec.rowCount) });
  const log = makeLogger(io, { dataset: name, version });
  if (spec.tables) {
    return await runMultiTable(spec, io, {
      version,
      rows,
      format,
      workers,
      ...d,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      readBack: p.values.readback === true,
      log,
      checkSpace: async (estimate) => {
        await checkSpace(io, estimate, {
          runsDir: d.runsDir,
          skip: p.values["no-space-check"] === true,
        });
        log.log("INFO", "estimate", { rows: estimate.rows, bytes: estimate.bytes });
      },
    });
  }
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
    readBack: p.values.readback === true,
    producer: parallelGenerationProducer(spec),
  }, runEnvironment(io, log));
  io.out(
    `Finalized ${result.dataset} ${result.version}: ${result.rows} rows in ${result.path}\n` +
      `content hash ${result.final.content_hash}\n` +
      formatSummary(result.evaluation),
  );
  return 0;
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
