/**
 * Multi-machine generation: `sdp run --shard i/n --parts-dir DIR` and
 * `sdp assemble`. See docs/scale-out.md and src/shard/mod.ts.
 */
import { loadDataset } from "../config/mod.ts";
import { checkDatasetName } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import { formatSummary } from "../evaluate/mod.ts";
import { readTextIfExists } from "../io/files.ts";
import { workersAvailable } from "../parallel/mod.ts";
import { runDataset } from "../pipeline/mod.ts";
import { readRegistry, versionsOf } from "../registry/mod.ts";
import { assembleProducer, collectParts, parseShard, writeShardPart } from "../shard/mod.ts";
import { checkVersionId } from "../version/mod.ts";
import { type Parsed, positiveInt, str } from "./args.ts";
import { checkAccess, type Io, progressReporter } from "./io.ts";
import {
  type Command,
  DIR_FLAGS,
  dirs,
  makeLogger,
  runEnvironment,
  workerCount,
} from "./shared.ts";

function requireRunId(p: Parsed, cmd: string): string {
  const version = str(p, "run-id");
  if (version === undefined) {
    throw new UsageError(
      `sdp ${cmd}: --run-id is required (every shard and the assembly must name the same version)`,
    );
  }
  const problem = checkVersionId(version);
  if (problem) throw new UsageError(`sdp ${cmd}: --run-id "${version.slice(0, 140)}": ${problem}`);
  return version;
}

/** A non-negative version index flag (the run command may not declare it). */
function versionIndexFlag(p: Parsed): number | undefined {
  const v = str(p, "version-index");
  if (v === undefined) return undefined;
  if (!/^\d{1,6}$/.test(v)) {
    throw new UsageError(`sdp run: --version-index must be a whole number >= 0, got "${v}"`);
  }
  return Number(v);
}

/** Handle `sdp run <dataset> --shard i/n --parts-dir DIR`. */
export async function runShard(p: Parsed, io: Io): Promise<number> {
  const [name] = p.positionals;
  const shardText = str(p, "shard");
  const partsDir = str(p, "parts-dir")?.replace(/(.)\/+$/, "$1");
  if (shardText === undefined || partsDir === undefined) {
    throw new UsageError(
      "sdp run: --shard and --parts-dir go together (sdp run <dataset> --run-id V --shard i/n --parts-dir DIR)",
    );
  }
  const shard = parseShard(shardText);
  const version = requireRunId(p, "run");
  const format = str(p, "format", "parquet");
  if (format !== "parquet") {
    throw new UsageError(
      `sdp run --shard: shards produce Parquet only; --format ${format} is not supported (convert after assembling)`,
    );
  }
  const rows = positiveInt(p, "rows", "run");
  const n = workerCount(p, io, "run");
  const d = dirs(p);
  checkAccess(d.datasetsDir, "read", "--datasets-dir");
  checkAccess(partsDir, "write", "--parts-dir");
  const spec = await loadDataset(name, { datasetsDir: d.datasetsDir, readText: readTextIfExists });
  let versionIndex = versionIndexFlag(p);
  if (versionIndex === undefined) {
    checkAccess(d.registryFile, "read", "--registry");
    versionIndex = versionsOf(await readRegistry(d.registryFile), name).length;
  }
  const { manifest, manifestPath } = await writeShardPart(spec, {
    version,
    versionIndex,
    rows: rows ?? spec.rowCount,
    shard,
    partsDir,
    workers: n,
    token: io.token(),
    progress: progressReporter(io),
  });
  io.out(
    `Wrote shard ${shard.index}/${shard.count} of ${name} ${version}: chunks ` +
      `[${manifest.chunks.first}, ${manifest.chunks.end}) of ${manifest.chunk_count}, ` +
      `${manifest.rows} rows, version index ${versionIndex}${
        n > 1 && !(await workersAvailable()) ? " (one thread: workers could not load)" : ""
      }\n  ${manifestPath}\n  ${partsDir}/${manifest.part.file}  sha256 ${manifest.part.sha256}\n`,
  );
  return 0;
}

const assembleCommand: Command = {
  name: "assemble",
  summary:
    "Stitch the parts written by 'sdp run --shard i/n' into one version, then validate, evaluate and finalize it.",
  positionals: ["dataset"],
  flags: {
    "run-id": { type: "string", help: "Version id the shards were run with", valueName: "ID" },
    "parts-dir": {
      type: "string",
      multiple: true,
      help: "Folder holding parts and manifests (repeat for several)",
      valueName: "DIR",
    },
    "allow-missing-prior": {
      type: "boolean",
      help: "Run without a prior when the prior version is missing or corrupt",
    },
    ...DIR_FLAGS,
  },
  async run(p, io) {
    const [name] = p.positionals;
    const nameProblem = checkDatasetName(name);
    if (nameProblem) throw new UsageError(`sdp assemble: ${nameProblem}`);
    const version = requireRunId(p, "assemble");
    const partsDirs = ((p.values["parts-dir"] as string[] | undefined) ?? [])
      .map((x) => x.replace(/(.)\/+$/, "$1"));
    if (partsDirs.length === 0) {
      throw new UsageError("sdp assemble: give at least one --parts-dir DIR");
    }
    const d = dirs(p);
    checkAccess(d.datasetsDir, "read", "--datasets-dir");
    for (const dir of partsDirs) checkAccess(dir, "read", "--parts-dir");
    checkAccess(d.runsDir, "write", "--runs-dir");
    checkAccess(d.registryFile, "write", "--registry");
    const spec = await loadDataset(name, {
      datasetsDir: d.datasetsDir,
      readText: readTextIfExists,
    });
    const set = await collectParts(spec, version, partsDirs);
    const known = versionsOf(await readRegistry(d.registryFile), name).length;
    if (known !== set.versionIndex) {
      io.err(
        `sdp assemble: note: the parts were generated with version index ${set.versionIndex}; ` +
          `this registry holds ${known} version(s) of ${name}. The assembled version keeps index ${set.versionIndex}.\n`,
      );
    }
    const result = await runDataset(spec, {
      version,
      rows: set.rowCount,
      format: "parquet",
      workers: 1,
      runsDir: d.runsDir,
      registryFile: d.registryFile,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      versionIndex: set.versionIndex,
      producer: assembleProducer(set),
    }, runEnvironment(io, makeLogger(io, { dataset: name, version })));
    io.out(
      `Finalized ${result.dataset} ${result.version} from ${set.count} part(s): ${result.rows} rows in ${result.path}\n` +
        `content hash ${result.final.content_hash}\n` + formatSummary(result.evaluation),
    );
    return 0;
  },
};

/** Scale-out commands (assemble). */
export const SHARD_COMMANDS: Command[] = [assembleCommand];
