/**
 * Write one Parquet file from chunk files given in chunk order, incrementally:
 * `PAR1`, each chunk's row-group bytes as they arrive, then the merged tail
 * (indexes and footer). Only footer metadata is held between chunks.
 *
 * @module
 */
import { type ArrowColumn, ipcEmptyStream } from "../arrow/schema.ts";
import { ParquetAssembler, splitChunkFile } from "./stitch.ts";

/** What {@link writeStitched} wrote. */
export interface StitchResult {
  rows: number;
  bytes: number;
  rowGroups: number;
}

/**
 * Stitch `files` (one-row-group Parquet files, in chunk order) into one file
 * through `write`. With no chunk at all, writes a valid zero-row file: the
 * one-call write of an empty table (what `encodeParquet` intends for zero rows;
 * its streaming writer itself throws on an empty stream).
 */
export async function writeStitched(
  files: AsyncIterable<Uint8Array>,
  columns: readonly ArrowColumn[],
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<StitchResult> {
  const asm = new ParquetAssembler();
  let rows = 0;
  let rowGroups = 0;
  for await (const file of files) {
    if (rowGroups === 0) await write(asm.start());
    const part = splitChunkFile(file);
    rows += part.numRows;
    rowGroups++;
    await write(asm.add(part));
  }
  if (rowGroups === 0) {
    const b = await emptyParquet(columns);
    await write(b);
    return { rows: 0, bytes: b.length, rowGroups: 0 };
  }
  await write(asm.finish());
  return { rows, bytes: asm.position, rowGroups };
}

/**
 * A valid Parquet file with the schema of `columns` and no rows. parquet-wasm
 * loads here, on first use: the merging thread of a run with rows never needs it.
 */
export async function emptyParquet(columns: readonly ArrowColumn[]): Promise<Uint8Array> {
  const pw = await import("parquet-wasm");
  const { writerProperties } = await import("./writer_properties.ts");
  return pw.writeParquet(
    pw.Table.fromIPCStream(ipcEmptyStream(columns)),
    writerProperties(columns),
  );
}
