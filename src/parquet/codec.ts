/**
 * Parquet encoding and decoding through parquet-wasm (bundler entry: the WASM
 * is part of the module graph, so no file reads are needed to load it).
 *
 * Writer contract: one row group per chunk (CHUNK_ROWS rows), ZSTD, fixed
 * `created_by`, page statistics on. parquet-wasm's streaming writer produces
 * the same bytes as one whole-table write when every input batch is one chunk.
 */
import type * as pw from "parquet-wasm";
import { parquetMetadataAsync } from "hyparquet";
import { type Chunk, CHUNK_ROWS } from "../data/mod.ts";
import { type ArrowColumn, ipcEmptyStream, ipcSchemaMessage } from "../arrow/schema.ts";
import { IpcWriter } from "../arrow/ipc.ts";
import type { ByteSource } from "../io/byte_source.ts";
import { guardEngine } from "./engine.ts";
import { checkParquetLayout, CorruptParquetError } from "./layout.ts";

// parquet-wasm (and its WASM) and apache-arrow load on first use: together about
// 130 ms of the main thread's start-up, which a parallel run does not need there.
const wasm = () => import("parquet-wasm");
const writer = () => import("./writer_properties.ts");
const arrowLib = () => import("apache-arrow");
const arrowIo = () => import("../arrow/table.ts");

// parquet-wasm's ParquetFile.fromFile only calls size, slice() and arrayBuffer().
interface BlobLike {
  size: number;
  slice(start?: number, end?: number): BlobLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function blobLike(src: ByteSource, start: number, end: number): BlobLike {
  return {
    size: end - start,
    slice(s = 0, e = end - start) {
      return blobLike(src, start + s, start + Math.min(e, end - start));
    },
    async arrayBuffer() {
      const b = await src.read(start, end - start);
      return b.slice().buffer as ArrayBuffer;
    },
  };
}

/**
 * Encode chunks (in order) into one Parquet file, writing bytes with `write`
 * as they are produced. Returns the number of rows fed. Callers must compare
 * it with the footer (see {@link parquetRowCount}) because the streaming writer
 * silently drops batches it cannot encode.
 */
export async function encodeParquet(
  chunks: AsyncIterable<Chunk>,
  columns: readonly ArrowColumn[],
  options: { write: (bytes: Uint8Array) => Promise<void>; chunkRows?: number },
): Promise<{ rows: number; bytes: number }> {
  const pw = await wasm();
  const { writerProperties } = await writer();
  const it = chunks[Symbol.asyncIterator]();
  const ipc = new IpcWriter(columns, ipcSchemaMessage(columns));
  let rows = 0;
  let failure: unknown;
  const source = new ReadableStream<pw.RecordBatch>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (next.done) {
          controller.close();
          return;
        }
        rows += next.value.rows;
        // fromIPCStream copies the bytes into WASM memory: the writer's buffer is reused after.
        const table = pw.Table.fromIPCStream(ipc.write(next.value));
        const batch = table.recordBatch(0);
        if (!batch) throw new Error(`chunk ${next.value.index} produced no record batch`);
        controller.enqueue(batch);
      } catch (err) {
        // The wasm writer ignores source errors; remember and rethrow after.
        failure = err;
        controller.close();
      }
    },
  }, { highWaterMark: 0 });
  const out = await pw.transformParquetStream(
    source,
    writerProperties(columns, options.chunkRows),
  );
  let bytes = 0;
  for await (const part of out as unknown as AsyncIterable<Uint8Array>) {
    bytes += part.length;
    await options.write(part);
  }
  if (failure !== undefined) throw failure;
  if (rows === 0) {
    // An empty stream writes nothing; emit a valid zero-row file instead.
    const b = pw.writeParquet(
      pw.Table.fromIPCStream(ipcEmptyStream(columns)),
      writerProperties(columns, options.chunkRows),
    );
    await options.write(b);
    bytes = b.length;
  }
  return { rows, bytes };
}

/** Footer facts of a Parquet file. */
export interface ParquetFooter {
  rows: number;
  rowGroups: number[];
  columns: string[];
}

/**
 * Read only the footer (row counts per row group, column names), through
 * hyparquet: a reader independent of both the writer (parquet-rs in
 * parquet-wasm) and the stitcher's own Thrift code, and cheap to start
 * (parquet-wasm's reader costs 50-90 ms on its first call in a process).
 */
export async function readParquetFooter(src: ByteSource): Promise<ParquetFooter> {
  await checkParquetLayout(src);
  let md: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    md = await parquetMetadataAsync({
      byteLength: src.size,
      slice: async (start: number, end?: number) =>
        (await src.read(start, (end ?? src.size) - start)).slice().buffer,
    });
  } catch (err) {
    throw new CorruptParquetError(`its footer cannot be read (${(err as Error).message})`, {
      cause: err,
    });
  }
  const root = md.schema[0];
  // Flat files only (sdp writes no nested columns): the root's children are the columns.
  const columns = md.schema.slice(1, 1 + (root.num_children ?? 0)).map((e) => e.name);
  return {
    rows: Number(md.num_rows),
    rowGroups: md.row_groups.map((g) => Number(g.num_rows)),
    columns,
  };
}

/**
 * Open a parquet-wasm ParquetFile over a byte source without loading it:
 * parquet-wasm reads only the ranges it needs through a Blob-like view. The
 * file's footer, offsets and sizes are checked first (layout.ts; with
 * `pages`, every page header too), and an engine panic is a
 * {@link CorruptParquetError}.
 */
export async function parquetFileFrom(
  src: ByteSource,
  options: { pages?: boolean } = {},
): Promise<pw.ParquetFile> {
  await checkParquetLayout(src, options);
  const pw = await wasm();
  return await engine(
    "reading the footer",
    () => pw.ParquetFile.fromFile(blobLike(src, 0, src.size) as unknown as Blob),
  );
}

/**
 * A parquet-wasm read whose failures, panics or reported errors alike, are a
 * {@link CorruptParquetError}: the layout was checked, so what the engine
 * rejects is the content.
 */
async function engine<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await guardEngine(what, fn);
  } catch (err) {
    if (err instanceof CorruptParquetError) throw err;
    const msg = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ");
    throw new CorruptParquetError(
      `the Parquet engine cannot read it while ${what} (${msg.slice(0, 200)})`,
      { cause: err },
    );
  }
}

/**
 * Stream a Parquet file back as chunks of up to `batchRows` rows, in file order
 * (the validator reads the data as written, row group by row group).
 */
export async function* readParquetChunks(
  src: ByteSource,
  columns: readonly ArrowColumn[],
  options: { batchRows?: number } = {},
): AsyncGenerator<Chunk> {
  const arrow = await arrowLib();
  const { tableToChunk } = await arrowIo();
  const file = await parquetFileFrom(src);
  try {
    const groups = await engine(
      "reading the footer",
      () => Promise.resolve(file.metadata().numRowGroups()),
    );
    let start = 0;
    let index = 0;
    for (let g = 0; g < groups; g++) {
      const what = `decoding row group ${g}`;
      const stream = await engine(what, () =>
        file.stream({
          rowGroups: [g],
          batchSize: options.batchRows ?? CHUNK_ROWS,
          columns: columns.map((c) => c.name),
        }));
      const it = (stream as unknown as AsyncIterable<pw.RecordBatch>)[Symbol.asyncIterator]();
      for (;;) {
        const next = await engine(what, () => it.next());
        if (next.done) break;
        const table = arrow.tableFromIPC(next.value.intoIPCStream());
        const chunk = tableToChunk(table, columns, { index, start });
        index++;
        start += chunk.rows;
        yield chunk;
      }
    }
  } finally {
    file.free();
  }
}
