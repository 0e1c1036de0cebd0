/**
 * Write one Parquet file from chunk files given in chunk order, incrementally:
 * `PAR1`, each chunk's row-group bytes as they arrive, then the merged tail
 * (indexes and footer). Only footer metadata is held between chunks.
 *
 * @module
 */
import type { ArrowColumn } from "../io/arrow.ts";
import { encodeParquet } from "../io/parquet.ts";
import { ParquetAssembler, splitChunkFile } from "../parquet/stitch.ts";

/** What {@link writeStitched} wrote. */
export interface StitchResult {
  rows: number;
  bytes: number;
  rowGroups: number;
}

/**
 * Stitch `files` (one-row-group Parquet files, in chunk order) into one file
 * through `write`. With no chunk at all, writes the same valid zero-row file as
 * {@link encodeParquet}.
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
    const r = await encodeParquet((async function* () {})(), columns, { write });
    return { rows: 0, bytes: r.bytes, rowGroups: 0 };
  }
  await write(asm.finish());
  return { rows, bytes: asm.position, rowGroups };
}
