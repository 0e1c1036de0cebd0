/**
 * CSV (RFC 4180): writing chunks (write.ts, the `data.csv` format) and the
 * strict streaming reader that ingest and the CSV read-back use (read.ts).
 *
 * @module
 */
export { chunkToCsv, csvHeader } from "./write.ts";
export {
  type ByteChunks,
  type CsvEvent,
  type CsvOptions,
  firstInvalidUtf8,
  openCsvFile,
  parseCsv,
  QUOTED_EMPTY,
  RaggedRowError,
} from "./read.ts";
