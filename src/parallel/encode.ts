/**
 * Generate AND encode one chunk: the unit of work of the parallel producer.
 *
 * A chunk becomes a complete one-row-group Parquet file written by parquet-wasm
 * with the writer contract of `src/io/parquet.ts` (fresh properties per write,
 * `setMaxRowGroupSize(CHUNK_ROWS)`), plus optionally its CSV rows as UTF-8.
 * `src/parquet/stitch.ts` turns these chunk files, in chunk order, into bytes
 * identical to the one-call / streaming write.
 *
 * @module
 */
import * as pw from "parquet-wasm";
import { generateChunk, type GenerationContext, type GenerationPlan } from "../generate/mod.ts";
import type { ArrowColumn } from "../io/arrow.ts";
import { chunkToIpc } from "../io/arrow.ts";
import { chunkToCsv } from "../io/csv.ts";
import { writerProperties } from "../io/parquet.ts";

/** Everything a worker needs to produce chunks of one run (cloneable). */
export interface EncodeJob {
  plan: GenerationPlan;
  ctx: GenerationContext;
  /** Columns in Arrow/Parquet schema order. */
  columns: ArrowColumn[];
  /** Encode a Parquet chunk file. */
  parquet: boolean;
  /** Render the chunk's CSV rows (no header). */
  csv: boolean;
}

/** One produced chunk. */
export interface EncodedChunk {
  index: number;
  rows: number;
  /** A complete Parquet file holding exactly this chunk as its one row group. */
  file?: Uint8Array;
  /** UTF-8 CSV rows of the chunk (no header). */
  csv?: Uint8Array;
}

const utf8 = new TextEncoder();

/** Generate chunk `index` of `job` and encode it. Pure function of (job, index). */
export async function encodeGeneratedChunk(job: EncodeJob, index: number): Promise<EncodedChunk> {
  const chunk = await generateChunk(job.plan, job.ctx, index);
  const out: EncodedChunk = { index, rows: chunk.rows };
  if (job.parquet) {
    const table = pw.Table.fromIPCStream(chunkToIpc(chunk, job.columns));
    out.file = pw.writeParquet(table, writerProperties(job.ctx.chunkRows));
  }
  if (job.csv) out.csv = utf8.encode(chunkToCsv(chunk, job.columns.map((c) => c.name)));
  return out;
}
