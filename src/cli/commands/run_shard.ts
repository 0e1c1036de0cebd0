/**
 * `sdp run <dataset> --shard i/n --parts-dir DIR`: one part of a multi-machine
 * generation (assembled by `sdp assemble`). See docs/scale-out.md and
 * src/shard/mod.ts.
 *
 * @module
 */
import { type DatasetSpec, loadDataset } from "../../config/mod.ts";
import { CHUNK_ROWS, chunkCount } from "../../data/mod.ts";
import { planTables } from "../../generate/mod.ts";
import { UsageError } from "../../errors.ts";
import { readTextIfExists } from "../../io/files.ts";
import { workersAvailable } from "../../parallel/mod.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { parseShard, type Shard, writeShardPart } from "../../shard/mod.ts";
import { checkVersionId } from "../../version/mod.ts";
import { type Parsed, positiveInt, str } from "../args.ts";
import { checkAccess, type Io, progressReporter } from "../io.ts";
import { dirs, workerCount } from "../shared.ts";
import { checkExpectedRows } from "./run_multi.ts";

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
  let versionIndex = versionIndexFlag(p);
  if (versionIndex === undefined) {
    checkAccess(io, d.registryFile, "read", "--registry");
    versionIndex = versionsOf(await readRegistry(d.registryFile), name).length;
  }
  if (spec.tables) {
    return await runMultiShard(spec, io, {
      version,
      versionIndex,
      rows,
      shard,
      partsDir,
      workers: n,
    });
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

/**
 * One shard of a multi-table dataset: every table planned as `sdp run` plans
 * it (counts, prefix sums), then each table's chunks split among the shards
 * as for one table, each written as that table's part
 * (`<dataset>.<table>.<V>.part-<i>-of-<n>.*`). The split is bounded by the
 * largest table's chunks; a smaller table leaves some shards an empty part.
 */
async function runMultiShard(
  spec: DatasetSpec,
  io: Io,
  o: {
    version: string;
    versionIndex: number;
    rows: number | undefined;
    shard: Shard;
    partsDir: string;
    workers: number;
  },
): Promise<number> {
  checkExpectedRows(spec, o.rows);
  const plans = await planTables(spec, {
    version: o.version,
    versionIndex: o.versionIndex,
    rows: o.rows,
  });
  const most = Math.max(...plans.map((t) => chunkCount(t.rowCount, CHUNK_ROWS)));
  if (o.shard.count > most) {
    throw new UsageError(
      `sdp run: --shard ${o.shard.index}/${o.shard.count}: the largest table of ${spec.name} makes ` +
        `${most} chunk(s) of ${CHUNK_ROWS} rows; use at most ${most} shard(s)`,
    );
  }
  const lines: string[] = [];
  const progress = progressReporter(io);
  for (const t of plans) {
    const { manifest, manifestPath } = await writeShardPart(t.spec, {
      version: o.version,
      versionIndex: o.versionIndex,
      rows: t.rowCount,
      shard: o.shard,
      partsDir: o.partsDir,
      workers: o.workers,
      token: io.token(),
      progress,
      table: { plan: t.plan, dataset: spec, rootRows: o.rows ?? null },
    });
    lines.push(
      `  ${t.table.name}: chunks [${manifest.chunks.first}, ${manifest.chunks.end}) of ` +
        `${manifest.chunk_count}, ${manifest.rows} rows\n    ${manifestPath}\n    ` +
        `${o.partsDir}/${manifest.part.file}  sha256 ${manifest.part.sha256}`,
    );
  }
  io.out(
    `Wrote shard ${o.shard.index}/${o.shard.count} of ${spec.name} ${o.version} ` +
      `(${plans.length} tables), version index ${o.versionIndex}${
        o.workers > 1 && !(await workersAvailable()) ? " (one thread: workers could not load)" : ""
      }\n${lines.join("\n")}\n`,
  );
  return 0;
}
