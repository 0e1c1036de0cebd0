/**
 * Parquet writer-property variants, single thread, on real finance_transactions chunks:
 * `deno run --allow-all bench/encode_props.ts [--reps N] [--chunks N] [--only "a;b"] [--dataset d]`.
 *
 * Generates `--chunks` chunks (default 16 = 1,048,576 rows) with the project's own
 * generator (built-in spec of `--dataset`, default finance_transactions, version v1), then, in `--reps` rounds (default 7) whose
 * variant order rotates every round, times separately
 *   - chunkToIpc (Chunk -> Arrow IPC stream, JS),
 *   - pw.Table.fromIPCStream (IPC -> wasm table),
 *   - pw.writeParquet(table, props) for every writer-property variant (the table is
 *     built untimed before each write, because writeParquet consumes it).
 * Tasks are interleaved per chunk (see `round`), so bursts of other load hit every variant
 * alike; "current (noise control)" repeats "current" to show the remaining noise.
 * Prints medians in ms per 1M rows, min-max, and the bytes of the chunk files per
 * variant. With `--read`, also times reading each written chunk file back through
 * readParquetChunks (the path the run's validation reads data.parquet with).
 * Every variant is also checked: deterministic bytes across rounds, and
 * column-chunk statistics (min, max, null_count) present for every column (hyparquet).
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as pw from "parquet-wasm";
import { parquetMetadata } from "hyparquet";
import { loadDataset } from "../src/config/mod.ts";
import { type Chunk, CHUNK_ROWS } from "../src/data/mod.ts";
import { generateChunk } from "../src/generate/mod.ts";
import { chunkToIpc } from "../src/arrow/table.ts";
import { memorySource } from "../src/io/byte_source.ts";
import { readParquetChunks } from "../src/parquet/codec.ts";
import { PARQUET_CREATED_BY, writerProperties } from "../src/parquet/writer_properties.ts";
import { encodeJob } from "../src/parallel/producer.ts";
import { arrowColumns } from "../src/pipeline/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string" },
    chunks: { type: "string" },
    only: { type: "string" },
    dataset: { type: "string" },
    read: { type: "boolean" },
  },
});
const REPS = Number(values.reps ?? 7);
const CHUNKS = Number(values.chunks ?? 16);
const DATASET = values.dataset ?? "finance_transactions";
const READ = values.read ?? false;

type B = pw.WriterPropertiesBuilder;

/**
 * The writer settings before this benchmark (ZSTD, one row group per chunk, created_by,
 * parquet-rs defaults otherwise), as a builder to extend: the "current" of the table.
 */
function base(): B {
  return new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setMaxRowGroupSize(CHUNK_ROWS)
    .setCreatedBy(PARQUET_CREATED_BY);
}

/** What writerProperties() set up to contract 3 (every column), as a builder to extend. */
function wpBase(): B {
  return base().setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2);
}

// Per-column variants name finance_transactions columns (no-ops for other datasets).
const SEQ = ["transaction_id", "timestamp"]; // sorted / near-unique int64
const FLOATS = ["amount", "distance_from_home_km"]; // float64, 2 / 1 decimals
const HIGH_CARD = [...SEQ, ...FLOATS];
const INT64 = [...SEQ, "account_id", "txn_count_24h", "account_age_days"];

function noDict(b: B, cols: string[]): B {
  for (const c of cols) b = b.setColumnDictionaryEnabled(c, false);
  return b;
}
/** The dataset's string columns (of the data below). */
function strings(): string[] {
  return columns.filter((c) => c.type === "string").map((c) => c.name);
}
/** The dataset's float columns. */
function floats(): string[] {
  return columns.filter((c) => c.type === "float").map((c) => c.name);
}
function encode(b: B, cols: string[], e: pw.Encoding): B {
  for (const c of cols) b = noDict(b, [c]).setColumnEncoding(c, e);
  return b;
}

/** Variant name -> fresh WriterProperties. "current" is the project's own function. */
const ALL_VARIANTS: [string, () => pw.WriterProperties][] = [
  // The reference: parquet-rs defaults (dictionaries, writer V1) + the contract settings.
  ["current", () => base().build()],
  // Same bytes as "current": the spread between the two is the measurement noise.
  ["current (noise control)", () => base().build()],
  // Whatever src/io/parquet.ts writerProperties() builds now.
  ["writerProperties()", () => writerProperties(columns, CHUNK_ROWS)],
  // Contract 3: strings in V2's default DELTA_BYTE_ARRAY.
  ["contract 3 (wp, DELTA_BYTE_ARRAY strings)", () => wpBase().build()],
  ["wp + PLAIN strings", () => encode(wpBase(), strings(), pw.Encoding.PLAIN).build()],
  [
    "wp + PLAIN strings + BSS floats",
    () =>
      encode(
        encode(wpBase(), strings(), pw.Encoding.PLAIN),
        floats(),
        pw.Encoding.BYTE_STREAM_SPLIT,
      )
        .build(),
  ],
  ["dict off (all)", () => base().setDictionaryEnabled(false).build()],
  [
    "dict off (all), writer V2",
    () => base().setDictionaryEnabled(false).setWriterVersion(pw.WriterVersion.V2).build(),
  ],
  [
    "dict off (all), batch 65536",
    () => base().setDictionaryEnabled(false).setWriteBatchSize(65536).build(),
  ],
  ["dict off: seq+ts", () => noDict(base(), SEQ).build()],
  ["dict off: seq+ts+floats", () => noDict(base(), HIGH_CARD).build()],
  ["stats Chunk", () => base().setStatisticsEnabled(pw.EnabledStatistics.Chunk).build()],
  ["page limit 8 KiB", () => base().setDataPageSizeLimit(8 * 1024).build()],
  ["page limit 64 KiB", () => base().setDataPageSizeLimit(64 * 1024).build()],
  ["page limit 8 MiB", () => base().setDataPageSizeLimit(8 * 1024 * 1024).build()],
  ["write batch 8192", () => base().setWriteBatchSize(8192).build()],
  ["write batch 65536", () => base().setWriteBatchSize(65536).build()],
  ["writer V2", () => base().setWriterVersion(pw.WriterVersion.V2).build()],
  ["DELTA seq+ts", () => encode(base(), SEQ, pw.Encoding.DELTA_BINARY_PACKED).build()],
  ["DELTA all int64", () => encode(base(), INT64, pw.Encoding.DELTA_BINARY_PACKED).build()],
  [
    "DELTA seq+ts, dict off floats",
    () => noDict(encode(base(), SEQ, pw.Encoding.DELTA_BINARY_PACKED), FLOATS).build(),
  ],
  [
    "DELTA seq+ts, writer V2",
    () =>
      encode(base(), SEQ, pw.Encoding.DELTA_BINARY_PACKED).setWriterVersion(pw.WriterVersion.V2)
        .build(),
  ],
  [
    "DELTA all int64, dict off floats",
    () => noDict(encode(base(), INT64, pw.Encoding.DELTA_BINARY_PACKED), FLOATS).build(),
  ],
  [
    "DELTA all int64, dict off (all)",
    () =>
      encode(base().setDictionaryEnabled(false), INT64, pw.Encoding.DELTA_BINARY_PACKED).build(),
  ],
  ["BSS floats", () => encode(base(), FLOATS, pw.Encoding.BYTE_STREAM_SPLIT).build()],
  [
    "DELTA seq+ts + BSS floats",
    () =>
      encode(
        encode(base(), SEQ, pw.Encoding.DELTA_BINARY_PACKED),
        FLOATS,
        pw.Encoding.BYTE_STREAM_SPLIT,
      ).build(),
  ],
  [
    "dict off seq+ts+floats, stats Chunk",
    () => noDict(base(), HIGH_CARD).setStatisticsEnabled(pw.EnabledStatistics.Chunk).build(),
  ],
  [
    "DELTA seq+ts, stats Chunk, batch 8192",
    () =>
      encode(base(), SEQ, pw.Encoding.DELTA_BINARY_PACKED)
        .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
        .setWriteBatchSize(8192)
        .build(),
  ],
  // Variants of contract 3's writerProperties() (V2, no dictionaries).
  [
    "wp + stats Chunk",
    () => wpBase().setStatisticsEnabled(pw.EnabledStatistics.Chunk).build(),
  ],
  ["wp + page limit 4 MiB", () => wpBase().setDataPageSizeLimit(4 * 1024 * 1024).build()],
  ["wp + batch 65536", () => wpBase().setWriteBatchSize(65536).build()],
  ["wp + BSS floats", () => encode(wpBase(), FLOATS, pw.Encoding.BYTE_STREAM_SPLIT).build()],
  ["wp + PLAIN int64", () => encode(wpBase(), INT64, pw.Encoding.PLAIN).build()],
  ["wp + SNAPPY (reference)", () => wpBase().setCompression(pw.Compression.SNAPPY).build()],
  ["wp + LZ4_RAW (reference)", () => wpBase().setCompression(pw.Compression.LZ4_RAW).build()],
  ["UNCOMPRESSED (reference)", () => base().setCompression(pw.Compression.UNCOMPRESSED).build()],
  ["SNAPPY (reference)", () => base().setCompression(pw.Compression.SNAPPY).build()],
];
const only = values.only?.split(";");
const VARIANTS = only ? ALL_VARIANTS.filter(([n]) => only.includes(n)) : ALL_VARIANTS;

// ---- data: real chunks from the project's generator ----------------------------------------
const spec = await loadDataset(DATASET, {
  datasetsDir: "/nonexistent-use-builtin",
  readText: () => Promise.resolve(undefined),
});
const columns = arrowColumns(spec);
const rowCount = CHUNKS * CHUNK_ROWS;
const job = await encodeJob(spec, { columns, rowCount, version: "v1", versionIndex: 0 }, {
  parquet: true,
  csv: false,
});
const t0 = performance.now();
const chunks: Chunk[] = [];
for (let i = 0; i < CHUNKS; i++) chunks.push(await generateChunk(job.plan, job.ctx, i));
const genMs = performance.now() - t0;
const rows = chunks.reduce((s, c) => s + c.rows, 0);
const per1M = (ms: number) => ms * 1e6 / rows;
const ipcs = chunks.map((c) => chunkToIpc(c, columns));
console.log(
  `${DATASET}: ${CHUNKS} chunks, ${rows} rows, ${columns.length} columns; ` +
    `generateChunk ${per1M(genMs).toFixed(0)} ms/1M (once, with warm-up effects); ` +
    `${REPS} rounds x ${VARIANTS.length} variants; Deno ${Deno.version.deno}`,
);

// ---- checks --------------------------------------------------------------------------------
function fnv(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** Problems with the footer statistics of a chunk file (empty when fine). */
function statsProblems(file: Uint8Array): { problems: string[]; pageIndex: boolean; enc: string } {
  const md = parquetMetadata(file.slice().buffer as ArrayBuffer);
  const problems: string[] = [];
  let pageIndex = false;
  const enc: string[] = [];
  for (const rg of md.row_groups) {
    for (const cc of rg.columns) {
      const m = cc.meta_data!;
      const name = m.path_in_schema.join(".");
      const s = m.statistics;
      const hasMin = s?.min_value !== undefined || s?.min !== undefined;
      const hasMax = s?.max_value !== undefined || s?.max !== undefined;
      if (!s || !hasMin || !hasMax || s.null_count === undefined) {
        problems.push(`${name}: statistics ${JSON.stringify(s, (_, v) => String(v))}`);
      }
      if (cc.column_index_offset !== undefined) pageIndex = true;
      enc.push(`${name}=${m.encodings.join("/")}`);
    }
  }
  return { problems, pageIndex, enc: enc.join(" ") };
}

// ---- timing --------------------------------------------------------------------------------
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Acc {
  ms: number[];
  read: number[];
  bytes: number;
  deterministic: boolean;
}
const acc = new Map<string, Acc>();
const ipcAcc = { toIpc: [] as number[], fromIpc: [] as number[] };
for (const [name] of VARIANTS) acc.set(name, { ms: [], read: [], bytes: 0, deterministic: true });

// A round visits every chunk once; for each chunk, every task (each variant's write and the
// Arrow hand-over) runs once, in an order rotated per (round, chunk) and reversed on odd
// rounds. Bursts of other load on the machine thus hit all variants alike.
interface Round {
  ms: Map<string, number>;
  bytes: Map<string, number>;
  hash: Map<string, number>;
  toIpc: number;
  fromIpc: number;
  /** --read: readParquetChunks of the file just written (the run's validation read path). */
  read: Map<string, number>;
}

async function writeOne(
  r: Round,
  name: string,
  props: () => pw.WriterProperties,
  ipc: Uint8Array,
): Promise<void> {
  const table = pw.Table.fromIPCStream(ipc);
  const p = props();
  let s = performance.now();
  const file = pw.writeParquet(table, p);
  r.ms.set(name, (r.ms.get(name) ?? 0) + performance.now() - s);
  r.bytes.set(name, (r.bytes.get(name) ?? 0) + file.length);
  r.hash.set(name, fnv(file, r.hash.get(name) ?? 0x811c9dc5));
  if (!READ) return;
  s = performance.now();
  let n = 0;
  for await (const c of readParquetChunks(memorySource(file), columns)) n += c.rows;
  r.read.set(name, (r.read.get(name) ?? 0) + performance.now() - s);
  if (n !== rows / chunks.length && n !== chunks[chunks.length - 1].rows) {
    throw new Error(`${name}: read back ${n} rows`);
  }
}

function handOverOne(r: Round, c: Chunk) {
  let s = performance.now();
  const ipc = chunkToIpc(c, columns);
  r.toIpc += performance.now() - s;
  s = performance.now();
  const table = pw.Table.fromIPCStream(ipc);
  r.fromIpc += performance.now() - s;
  table.free();
}

async function round(index: number): Promise<Round> {
  const r: Round = {
    ms: new Map(),
    bytes: new Map(),
    hash: new Map(),
    toIpc: 0,
    fromIpc: 0,
    read: new Map(),
  };
  const n = VARIANTS.length + 1;
  for (let i = 0; i < chunks.length; i++) {
    const k = (index * chunks.length + i) % n;
    const order = [...Array(n).keys()].map((j) => (j + k) % n);
    if (index % 2 === 1) order.reverse();
    for (const t of order) {
      if (t === VARIANTS.length) handOverOne(r, chunks[i]);
      else await writeOne(r, VARIANTS[t][0], VARIANTS[t][1], ipcs[i]);
    }
  }
  return r;
}

await round(1); // warm-up (JIT, wasm memory growth), not counted
const rounds: Round[] = [];
for (let r = 0; r < REPS; r++) {
  rounds.push(await round(r));
  console.error(`round ${r + 1}/${REPS} done`);
}
for (const [name] of VARIANTS) {
  const a = acc.get(name)!;
  a.ms = rounds.map((r) => per1M(r.ms.get(name)!));
  if (READ) a.read = rounds.map((r) => per1M(r.read.get(name)!));
  a.bytes = rounds[0].bytes.get(name)!;
  a.deterministic = rounds.every((r) =>
    r.bytes.get(name) === a.bytes && r.hash.get(name) === rounds[0].hash.get(name)
  );
}
ipcAcc.toIpc = rounds.map((r) => per1M(r.toIpc));
ipcAcc.fromIpc = rounds.map((r) => per1M(r.fromIpc));

// ---- report --------------------------------------------------------------------------------
const ref = acc.get("current");
const refMs = ref ? median(ref.ms) : NaN;
const fmtRange = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
console.log(
  `\nArrow hand-over (ms per 1M rows, median [min-max]):\n` +
    `  chunkToIpc            ${median(ipcAcc.toIpc).toFixed(0)} [${fmtRange(ipcAcc.toIpc)}]\n` +
    `  Table.fromIPCStream   ${median(ipcAcc.fromIpc).toFixed(0)} [${fmtRange(ipcAcc.fromIpc)}]`,
);
const readHead = READ ? " read-back ms/1M (median) | read vs current |" : "";
console.log(
  `\n| variant | writeParquet ms/1M (median) | min-max | vs current | bytes (${rows} rows) | size vs current |${readHead} stats ok | page index | deterministic |`,
);
console.log(`|---|---:|---:|---:|---:|---:|${READ ? "---:|---:|" : ""}---|---|---|`);
const detail: string[] = [];
for (const [name, props] of VARIANTS) {
  const a = acc.get(name)!;
  const m = median(a.ms);
  const probe = pw.writeParquet(pw.Table.fromIPCStream(ipcs[0]), props());
  const st = statsProblems(probe);
  const dt = ref ? `${((m / refMs - 1) * 100).toFixed(1)}%` : "";
  const ds = ref ? `${((a.bytes / ref.bytes - 1) * 100).toFixed(1)}%` : "";
  const rd = READ
    ? ` ${median(a.read).toFixed(0)} | ${
      ref ? `${((median(a.read) / median(ref.read) - 1) * 100).toFixed(1)}%` : ""
    } |`
    : "";
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${fmtRange(a.ms)} | ${dt} | ${a.bytes} | ${ds} |${rd} ` +
      `${st.problems.length === 0 ? "yes" : "NO"} | ${st.pageIndex ? "yes" : "no"} | ` +
      `${a.deterministic ? "yes" : "NO"} |`,
  );
  detail.push(`${name}: ${st.enc}${st.problems.length ? `\n  MISSING: ${st.problems}` : ""}`);
}
console.log(`\nColumn encodings (chunk 0):\n${detail.join("\n")}`);
console.log(
  "\nNot settable in parquet-wasm 0.8.0: the zstd level (Compression.ZSTD has no level; " +
    "the crate default, level 1, is used).",
);
