/**
 * What parquet-wasm spends per column, and on what: every column of a dataset
 * written alone (one-column tables of real chunks) under writer-property
 * variants that each change one thing against the current contract (PLAIN
 * strings, ZSTD, statistics per page, no dictionary):
 *
 *   base          the current properties
 *   chunkStats    statistics per column chunk only (no page statistics)
 *   noStats       no statistics at all
 *   dict          dictionary encoding
 *   uncompressed  no compression: what is left is the encoding itself
 *   snappy, lz4raw  the other codecs
 *
 * `deno run --allow-all bench/column_props.ts [dataset] [col,col...]`. Prints
 * ms per 1M rows (best of 5 rounds over 8 chunks, fromIPCStream included) and
 * bytes per row.
 *
 * @module
 */
import * as pw from "parquet-wasm";
import { loadDataset } from "../src/config/mod.ts";
import { readTextIfExists } from "../src/io/files.ts";
import { arrowColumns } from "../src/pipeline/mod.ts";
import { encodeJob } from "../src/parallel/producer.ts";
import { generateChunk } from "../src/generate/mod.ts";
import { IpcWriter } from "../src/arrow/ipc.ts";
import { ipcSchemaMessage } from "../src/arrow/table.ts";
import { PARQUET_CREATED_BY } from "../src/parquet/writer_properties.ts";
const spec = await loadDataset(Deno.args[0] ?? "finance_transactions", {
  datasetsDir: new URL("../datasets", import.meta.url).pathname,
  readText: readTextIfExists,
});
const columns = arrowColumns(spec);
const job = await encodeJob(
  spec,
  { columns, rowCount: 10_000_000, version: "v1", versionIndex: 0 },
  { parquet: true, csv: false },
);
const CH = 8;
const chunks = [];
for (let i = 0; i < CH; i++) chunks.push(await generateChunk(job.plan, job.ctx, i));
type V = (b: pw.WriterPropertiesBuilder, c: string, type: string) => pw.WriterPropertiesBuilder;
/** The current contract (PLAIN strings) plus one change to column `c`. */
const plus =
  (change: (b: pw.WriterPropertiesBuilder, c: string) => pw.WriterPropertiesBuilder): V =>
  (b, c, t) => change(t === "string" ? b.setColumnEncoding(c, pw.Encoding.PLAIN) : b, c);
const variants: Record<string, V> = {
  base: plus((b) => b),
  chunkStats: plus((b, c) => b.setColumnStatisticsEnabled(c, pw.EnabledStatistics.Chunk)),
  noStats: plus((b, c) => b.setColumnStatisticsEnabled(c, pw.EnabledStatistics.None)),
  dict: (b, c) => b.setColumnDictionaryEnabled(c, true),
  uncompressed: plus((b, c) => b.setColumnCompression(c, pw.Compression.UNCOMPRESSED)),
  snappy: plus((b, c) => b.setColumnCompression(c, pw.Compression.SNAPPY)),
  lz4raw: plus((b, c) => b.setColumnCompression(c, pw.Compression.LZ4_RAW)),
};
function props(col: { name: string; type: string }, v: V) {
  let b = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setDictionaryEnabled(
    false,
  )
    .setWriterVersion(pw.WriterVersion.V2).setWriteBatchSize(65536).setMaxRowGroupSize(65536)
    .setCreatedBy(PARQUET_CREATED_BY);
  b = v(b, col.name, col.type);
  return b.build();
}
const res: Record<string, number[]> = {};
const size: Record<string, number> = {};
const only = Deno.args[1]?.split(",");
for (let round = 0; round < 5; round++) {
  for (const col of columns) {
    if (only && !only.includes(col.name)) continue;
    const w = new IpcWriter([col], ipcSchemaMessage([col]));
    const tabs = chunks.map((c) => w.write(c).slice());
    for (const [vn, v] of Object.entries(variants)) {
      let bytes = 0;
      const t = performance.now();
      for (const ipc of tabs) {
        bytes += pw.writeParquet(pw.Table.fromIPCStream(ipc), props(col, v)).length;
      }
      const ms = (performance.now() - t) * 1e6 / (CH * 65536);
      (res[col.name + " " + vn] ??= []).push(ms);
      size[col.name + " " + vn] = bytes / CH / 65536;
    }
  }
}
let last = "";
for (const [k, v] of Object.entries(res)) {
  const [c, vn] = k.split(" ");
  if (c !== last) console.log(c, columns.find((x) => x.name === c)!.type);
  last = c;
  console.log(
    "   ",
    vn.padEnd(14),
    Math.min(...v).toFixed(0).padStart(5),
    "ms/1M",
    size[k].toFixed(2),
    "B/row",
  );
}
