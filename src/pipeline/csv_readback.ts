/**
 * Read a written data.csv back as chunks typed by the schema, so CSV output
 * is validated as written, like Parquet. Uses the ingest CSV reader; every
 * column is read as nullable so that a missing value becomes a not_null
 * violation in the report rather than a read error.
 */
import type { ColumnSpec } from "../model/mod.ts";
import type { Chunk } from "../data/mod.ts";
import { csvToChunks } from "../csv/mod.ts";
import { openCsvFile, parseCsv } from "../csv/read.ts";

/** Stream data.csv as chunks of CHUNK_ROWS rows. */
export async function* readCsvChunks(path: string, columns: ColumnSpec[]): AsyncGenerator<Chunk> {
  const file = path.slice(path.lastIndexOf("/") + 1);
  const events = parseCsv(await openCsvFile(path), { file, batchRows: 8192 });
  yield* csvToChunks(
    events,
    columns.map((c) => ({ name: c.name, type: c.type, nullable: true })),
    { file },
  );
}
