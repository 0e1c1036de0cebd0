/**
 * Test fixtures shared by `stitch_test.ts` and its encode worker: a table with
 * int64, float64, utf8 (with nulls), bool and timestamp(ms, UTC) columns, and
 * the writer properties of the two configurations under test.
 *
 * @module
 */

import { Bool, makeVector, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { Compression, type WriterProperties, WriterPropertiesBuilder } from "parquet-wasm";

/** Rows per chunk and per row group. */
export const CHUNK_ROWS = 1024;
/** Four full chunks and a short fifth. */
export const TOTAL_ROWS = 4 * CHUNK_ROWS + 700;
/** First timestamp (2024-01-01T00:00:00Z) in epoch ms. */
const TS0 = Date.UTC(2024, 0, 1);

/** One row as plain JS values (ts in epoch ms). */
export interface Row {
  id: bigint;
  amount: number;
  label: string | null;
  flag: boolean | null;
  ts: number;
}

const WORDS = ["alpha", "beta", "gamma", "délta", "日本", "z"];

/** Deterministic rows: a small LCG keeps values irregular but reproducible. */
export function makeRows(n = TOTAL_ROWS): Row[] {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, (_, i) => ({
    id: BigInt(i) * 3n - 1000n,
    amount: (next() % 1_000_000) / 100 - 5000,
    label: i % 7 === 3 ? null : `${WORDS[next() % WORDS.length]}-${next() % 500}`,
    flag: i % 11 === 5 ? null : next() % 2 === 0,
    ts: TS0 + i * 61_001 + (next() % 1000),
  }));
}

/** Arrow table of `rows` (id and amount are non-nullable, as makeVector gives). */
export function makeTable(rows: Row[]): Table {
  return new Table({
    id: makeVector(BigInt64Array.from(rows, (r) => r.id)),
    amount: makeVector(Float64Array.from(rows, (r) => r.amount)),
    label: vectorFromArray(rows.map((r) => r.label), new Utf8()),
    flag: vectorFromArray(rows.map((r) => r.flag), new Bool()),
    ts: vectorFromArray(rows.map((r) => r.ts), new TimestampMillisecond("UTC")),
  });
}

/** Writer configurations under test. */
export const CONFIGS = {
  /** The production setting: zstd, one row group per chunk, default pages. */
  zstd: () =>
    new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setMaxRowGroupSize(CHUNK_ROWS)
      .build(),
  /** Small pages so each column chunk has several pages and a longer OffsetIndex. */
  zstdSmallPages: () =>
    new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setMaxRowGroupSize(CHUNK_ROWS)
      .setWriteBatchSize(64)
      .setDataPageSizeLimit(256)
      .build(),
} satisfies Record<string, () => WriterProperties>;

/** Name of a configuration in {@link CONFIGS}. */
export type ConfigName = keyof typeof CONFIGS;
