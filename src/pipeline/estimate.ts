/**
 * How much a run will write, estimated from the schema before anything is
 * generated, so that a run that cannot fit is refused before it starts
 * (docs/limits.md). The estimate is the uncompressed width of the values:
 * 8 bytes per number or datetime, 1 per boolean, a string's length bound
 * (its `max_length`, the longest allowed value, or 32) plus 4; CSV text
 * widths for `--format csv`/`both`. Parquet output is compressed (the
 * built-in datasets' data.parquet is 5-19x smaller than this width), so the
 * check refuses only when even a {@link MAX_COMPRESSION}-fold compressed
 * output would not fit: it stops runs that cannot fit, never one that might.
 *
 * @module
 */
import type { ColumnSpec, DatasetSpec } from "../model/mod.ts";
import type { OutputFormat } from "./producer.ts";

/** The best compression assumed for Parquet output when deciding a run cannot fit. */
export const MAX_COMPRESSION = 50;

/** String bytes assumed when a column states no bound. */
const DEFAULT_STRING_BYTES = 32;

/** An estimate of a run's output. */
export interface OutputEstimate {
  rows: number;
  /** Uncompressed bytes per row of data.parquet (0 without Parquet). */
  parquetBytesPerRow: number;
  /** Bytes per row of data.csv (0 without CSV). */
  csvBytesPerRow: number;
  /** Estimated bytes written (uncompressed Parquet width + CSV). */
  bytes: number;
  /** The least the output can take: Parquet at {@link MAX_COMPRESSION}-fold compression + CSV. */
  minBytes: number;
}

/** The estimated output of `rows` rows of `spec` in `format`. */
export function estimateOutput(
  spec: DatasetSpec,
  options: { rows: number; format: OutputFormat },
): OutputEstimate {
  const { rows, format } = options;
  let parquet = 0;
  let csv = 0;
  for (const c of spec.columns) {
    parquet += parquetWidth(c);
    csv += csvWidth(c) + 1;
  }
  const parquetBytesPerRow = format === "csv" ? 0 : parquet;
  const csvBytesPerRow = format === "parquet" ? 0 : csv;
  return {
    rows,
    parquetBytesPerRow,
    csvBytesPerRow,
    bytes: rows * (parquetBytesPerRow + csvBytesPerRow),
    minBytes: rows * (parquetBytesPerRow / MAX_COMPRESSION + csvBytesPerRow),
  };
}

function stringBytes(c: ColumnSpec): number {
  if (c.maxLength !== undefined) return c.maxLength;
  if (c.allowed && c.allowed.length > 0) {
    return Math.max(...c.allowed.map((v) => new TextEncoder().encode(v).length));
  }
  return DEFAULT_STRING_BYTES;
}

function parquetWidth(c: ColumnSpec): number {
  switch (c.type) {
    case "integer":
    case "float":
    case "datetime":
      return 8;
    case "date":
      return 4;
    case "boolean":
      return 1;
    case "string":
      return 4 + stringBytes(c);
  }
}

function csvWidth(c: ColumnSpec): number {
  switch (c.type) {
    case "integer":
      return 20;
    case "float":
      return 24;
    case "datetime":
      return 24;
    case "date":
      return 10;
    case "boolean":
      return 5;
    case "string":
      return 2 + stringBytes(c);
  }
}

/** `bytes` as a short human figure (binary units). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
