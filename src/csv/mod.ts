/**
 * CSV (RFC 4180): writing chunks (write.ts, the `data.csv` format), the
 * strict streaming reader (read.ts), and typing its records into chunks, by a
 * declared schema or by inference (convert.ts, infer.ts), which ingest and the
 * CSV read-back share.
 *
 * @module
 */
export { chunkToCsv, csvHeader } from "./write.ts";
export {
  type ByteChunks,
  type CsvEvent,
  type CsvOptions,
  detectSeparator,
  firstInvalidUtf8,
  openCsvFile,
  parseCsv,
  QUOTED_EMPTY,
  RaggedRowError,
  SEPARATOR_CANDIDATES,
  separatorName,
  separatorProblem,
} from "./read.ts";
export {
  type ColumnSpec as CsvColumnSpec,
  csvToChunks,
  inferCsvColumns,
  ValueError,
} from "./convert.ts";
