/**
 * Writing a stream of chunks as the staged data files: the helper for
 * producers that have chunks in hand (ingestion, single-thread generation).
 *
 * @module
 */
import { ARTIFACTS } from "../artifacts/mod.ts";
import type { Chunk } from "../data/mod.ts";
import { chunkToCsv, csvHeader } from "../csv/write.ts";
import { createWriter } from "../io/files.ts";
import { encodeParquet } from "../parquet/codec.ts";
import type { ProduceContext } from "./producer.ts";

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
