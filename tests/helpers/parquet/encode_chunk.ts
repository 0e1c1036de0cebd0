/**
 * Encode one chunk of rows as a one-row-group Parquet file with parquet-wasm,
 * ready for `splitChunkFile` in `stitch.ts`.
 *
 * Kept apart from `stitch.ts` so that assembling and footer reading do not load
 * the WASM module (the assembler can run where no encoding happens).
 *
 * @module
 */

import { type RecordBatch, Table, tableToIPC } from "apache-arrow";
import { Table as WasmTable, writeParquet, type WriterProperties } from "parquet-wasm";

/**
 * Write `rows` (an Arrow Table or RecordBatch) as a Parquet file.
 *
 * `props` is called once per write because parquet-wasm's `writeParquet`
 * consumes its WriterProperties. To stitch chunks into a file identical to a
 * one-call write, every chunk must use the same properties, including
 * `setMaxRowGroupSize(chunkRows)` with `chunkRows` at least the rows of any
 * chunk, and the same Arrow schema (nullability and dictionary index types
 * change the Parquet schema).
 */
export function encodeChunk(rows: Table | RecordBatch, props: () => WriterProperties): Uint8Array {
  const table = rows instanceof Table ? rows : new Table(rows);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, "stream")), props());
}
