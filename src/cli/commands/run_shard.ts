/**
 * `sdp run <dataset> --shard i/n --parts-dir DIR`: one part of a multi-machine
 * generation (assembled by `sdp assemble`). See docs/scale-out.md and
 * src/shard/mod.ts.
 *
 * @module
 */
import { loadDataset } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import { readTextIfExists } from "../../io/files.ts";
import { workersAvailable } from "../../parallel/mod.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { parseShard, writeShardPart } from "../../shard/mod.ts";
import { checkVersionId } from "../../version/mod.ts";
import { type Parsed, positiveInt, str } from "../args.ts";
import { checkAccess, type Io, progressReporter } from "../io.ts";
import { dirs, workerCount } from "../shared.ts";

/** The --run-id every shard and the assembly must name; UsageError when absent or invalid. */
export function requireRunId(p: Parsed, cmd: string): string {
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
  checkAccess(io, d.datasetsDir, "read", "--datasets-dir");
  checkAccess(io, partsDir, "write", "--parts-dir");
  const spec = await loadDataset(name, { datasetsDir: d.datasetsDir, readText: readTextIfExists });
  if (spec.tables) {
    throw new UsageError(
      `sdp run --shard: ${name} is a multi-table dataset; ` +
        "sharding is not supported for multi-table datasets yet: run it whole with sdp run " +
        "(--workers parallelizes it, with the same bytes for every worker count)",
    );
  }
  let versionIndex = versionIndexFlag(p);
  if (versionIndex === undefined) {
    checkAccess(io, d.registryFile, "read", "--registry");
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
