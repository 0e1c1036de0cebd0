/**
 * The Parquet writer contract as parquet-wasm writer properties, in a module
 * of its own so encoder workers load parquet-wasm without the readers'
 * dependencies (see codec.ts for reading and the streaming writer).
 *
 * @module
 */
import * as pw from "parquet-wasm";
import { CHUNK_ROWS } from "../data/mod.ts";
import type { ArrowColumn } from "../arrow/table.ts";
import { DETERMINISM_CONTRACT } from "../version/mod.ts";

/** Parquet `created_by`: names the contract, not a build, so bytes survive upgrades. */
export const PARQUET_CREATED_BY =
  `sdp determinism-contract-${DETERMINISM_CONTRACT} (parquet-rs via parquet-wasm 0.8.0)`;

/**
 * Fresh writer properties (parquet-wasm's setters consume the builder) for a
 * file of `columns`.
 *
 * No dictionaries, writer version 2: parquet-rs then picks each column's
 * encoding by physical type (DELTA_BINARY_PACKED for int64 and timestamps,
 * PLAIN for floats, RLE for booleans) in V2 data pages. Measured by
 * bench/encode_props.ts on 1M rows: writeParquet -36 to -52 % and files -8 to
 * -26 % on all built-in datasets vs dictionaries + V1, reading back about
 * +20 %. String columns are the exception: PLAIN, not V2's default
 * DELTA_BYTE_ARRAY (bench/encode_props.ts, 1M rows, against contract 3:
 * writeParquet -13 % on finance_transactions, -38 % on saas_events, -21 % on
 * market_time_series; files 3-15 % smaller; dictionaries for columns with
 * `allowed_values` were slower on the two others). One write batch per row
 * group (instead of 1024 rows) saves another 6 % of writeParquet; the page
 * size limit is checked per batch, so a page may hold a whole column chunk (at
 * most 0.53 MiB in the built-in datasets). Statistics stay at the default
 * (page level: column-chunk min/max/null_count in the footer plus the page
 * index).
 */
export function writerProperties(
  columns: readonly ArrowColumn[],
  chunkRows: number = CHUNK_ROWS,
): pw.WriterProperties {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setDictionaryEnabled(false)
    .setWriterVersion(pw.WriterVersion.V2)
    .setWriteBatchSize(chunkRows)
    .setMaxRowGroupSize(chunkRows)
    .setCreatedBy(PARQUET_CREATED_BY);
  for (const c of columns) {
    if (c.type === "string") b = b.setColumnEncoding(c.name, pw.Encoding.PLAIN);
  }
  return b.build();
}
