/**
 * Generate AND encode one chunk: the unit of work of the parallel producer.
 *
 * A chunk becomes a complete one-row-group Parquet file written by parquet-wasm
 * with the writer contract of `src/parquet/writer_properties.ts` (fresh properties per write,
 * `setMaxRowGroupSize(CHUNK_ROWS)`), plus optionally its CSV rows as UTF-8.
 * `src/parquet/stitch.ts` turns these chunk files, in chunk order, into bytes
 * identical to the one-call / streaming write.
 *
 * @module
 */
import * as pw from "parquet-wasm";
// The engine itself, not generate/mod.ts: workers need no config parsing (and no YAML library).
import { generateChunk, type GenerationContext, recycleChunk } from "../generate/engine.ts";
import type { GenerationPlan } from "../generate/plan.ts";
import type { ArrowColumn } from "../arrow/table.ts";
import { IpcWriter } from "../arrow/ipc.ts";
import { chunkToCsv } from "../csv/write.ts";
import { writerProperties } from "../parquet/writer_properties.ts";
import type { CheckSpec, ColumnSpec } from "../model/mod.ts";
import { ChunkProfiler, partTransferables } from "../profile/mod.ts";
import type { ChunkStats } from "../pipeline/producer.ts";
import { ChunkChecker } from "../validate/mod.ts";

/**
 * Validation and profiling in the worker: each chunk's parts (pure functions
 * of the chunk) travel with its bytes and are merged in chunk order by the
 * caller, so nothing has to be decoded again to validate and profile it.
 */
export interface StatsJob {
  columns: ColumnSpec[];
  checks: CheckSpec[];
  /** Boolean label columns profiled per class (the label-rate columns). */
  labels?: string[];
  /** Precompute sketches and HyperLogLog registers (large runs). */
  sketches: boolean;
}

export type { ChunkStats };

/** Everything a worker needs to produce chunks of one run (cloneable). */
export interface EncodeJob {
  plan: GenerationPlan;
  ctx: GenerationContext;
  /** Columns in Arrow/Parquet schema order. */
  columns: ArrowColumn[];
  /** Their Arrow IPC schema message (`ipcSchemaMessage`), so workers need no Arrow library. */
  ipcSchema: Uint8Array;
  /** Encode a Parquet chunk file. */
  parquet: boolean;
  /** Render the chunk's CSV rows (no header). */
  csv: boolean;
  /** Validate and profile each chunk here (see {@link StatsJob}). */
  stats?: StatsJob;
}

/** One produced chunk. */
export interface EncodedChunk {
  index: number;
  rows: number;
  /** A complete Parquet file holding exactly this chunk as its one row group. */
  file?: Uint8Array;
  /** UTF-8 CSV rows of the chunk (no header). */
  csv?: Uint8Array;
  /** Validation and profile parts, when the job asks for them. */
  stats?: ChunkStats;
}

const checkers = new WeakMap<StatsJob, { checker: ChunkChecker; profiler: ChunkProfiler }>();

/** The parts of a chunk for a stats job (checker and profiler built once per job). */
export function chunkStats(
  stats: StatsJob,
  chunk: Parameters<ChunkChecker["check"]>[0],
  settled?: ReadonlySet<number>,
): ChunkStats {
  let c = checkers.get(stats);
  if (!c) {
    c = {
      checker: new ChunkChecker(stats.columns, stats.checks),
      profiler: new ChunkProfiler(stats.columns, { labels: stats.labels }),
    };
    checkers.set(stats, c);
  }
  return {
    validation: c.checker.check(chunk),
    profile: c.profiler.profile(chunk, { sketches: stats.sketches, settled }),
  };
}

/** Buffers of an encoded chunk to transfer (not copy) through `postMessage`. */
export function chunkTransferables(chunk: EncodedChunk): Transferable[] {
  const out: Transferable[] = [];
  if (chunk.file) out.push(chunk.file.buffer as ArrayBuffer);
  if (chunk.csv) out.push(chunk.csv.buffer as ArrayBuffer);
  if (chunk.stats) {
    out.push(...partTransferables(chunk.stats.profile));
    // Unique columns' values travel to the merging thread too (copies made for it).
    for (const col of Object.values(chunk.stats.validation.unique)) {
      if (col.type !== "string") out.push(col.values.buffer as ArrayBuffer);
      if (col.valid) out.push(col.valid.buffer as ArrayBuffer);
    }
  }
  return out;
}

const utf8 = new TextEncoder();
/** One stream writer (and buffer) per job on this thread, reused chunk after chunk. */
const ipcWriters = new WeakMap<EncodeJob, IpcWriter>();

/**
 * Generate chunk `index` of `job` and encode it. Pure function of (job,
 * index); `settled` (profile columns the merger no longer needs values of)
 * only leaves out what the merger would not use.
 */
export async function encodeGeneratedChunk(
  job: EncodeJob,
  index: number,
  settled?: ReadonlySet<number>,
): Promise<EncodedChunk> {
  const chunk = await generateChunk(job.plan, job.ctx, index);
  const out: EncodedChunk = { index, rows: chunk.rows };
  if (job.parquet) {
    // fromIPCStream copies the bytes into WASM memory: the reused view may be overwritten after.
    let ipc = ipcWriters.get(job);
    if (!ipc) ipcWriters.set(job, ipc = new IpcWriter(job.columns, job.ipcSchema));
    const table = pw.Table.fromIPCStream(ipc.write(chunk));
    out.file = pw.writeParquet(table, writerProperties(job.columns, job.ctx.chunkRows));
  }
  if (job.csv) out.csv = utf8.encode(chunkToCsv(chunk, job.columns.map((c) => c.name)));
  if (job.stats) out.stats = chunkStats(job.stats, chunk, settled);
  // Encoding, CSV and parts copied what they keep: the arrays serve the next chunk.
  recycleChunk(chunk);
  return out;
}
