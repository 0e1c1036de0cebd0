/**
 * Corrupt Parquet files, made here from real files (written by sdp's encoder
 * and by DuckDB): truncations, wrong magic, lying footer lengths, byte flips
 * in the footer, page headers and data, and footers re-encoded with lying
 * offsets, sizes and row counts. Each must either read (a flip that changes
 * nothing checked, e.g. inside statistics) or fail as an InputError naming
 * the file (ingest) / a CorruptParquetError (a file sdp wrote): never a raw
 * engine trap, another error type, or a hang. The engine must still read a
 * good file afterwards in the same process, and the CLI must exit 2 naming
 * the file with nothing written.
 */
import assert from "node:assert/strict";
import { MIXED_COLUMNS, mixedChunk } from "../helpers/parquet/chunks.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Chunk } from "../../src/data/mod.ts";
import { InputError, IntegrityError } from "../../src/errors.ts";
import { memorySource } from "../../src/io/byte_source.ts";
import {
  openParquetInput,
  parquetColumns,
  parquetRows,
  parquetToChunks,
  type TargetColumn,
} from "../../src/ingest/parquet_input.ts";
import {
  CorruptParquetError,
  encodeParquet,
  enginePanics,
  readParquetChunks,
} from "../../src/parquet/mod.ts";
import {
  decodeStruct,
  encodeStruct,
  getI64,
  getList,
  getStruct,
  setField,
  T,
  type ThriftStruct,
} from "../../src/parquet/thrift.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

const COLUMNS = MIXED_COLUMNS;

function makeChunk(index: number, start: number, rows: number): Chunk {
  return mixedChunk(index, start, rows, { text: (x) => `v${x % 50}` });
}

async function sdpFile(): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  async function* chunks() {
    let start = 0;
    for (const [index, rows] of [1024, 1024, 300].entries()) {
      yield makeChunk(index, start, rows);
      start += rows;
    }
  }
  await encodeParquet(chunks(), COLUMNS, {
    write: (b) => Promise.resolve(void parts.push(b.slice())),
    chunkRows: 1024,
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

/** The same kind of table written by DuckDB (another writer: other layout, dictionary pages). */
async function duckdbFile(dir: string): Promise<Uint8Array | undefined> {
  try {
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const path = `${dir}/duck.parquet`;
    await conn.run(
      `copy (select i * 1000003 as a_int, case when i % 3 = 0 then null else i / 7 end as b_float, ` +
        `case when i % 10 = 0 then null else 'v' || (i % 50) end as c_str, i % 2 = 1 as d_bool, ` +
        `make_timestamp(1700000000000000 + i * 1001000) as e_time from range(2348) t(i)) ` +
        `to '${path}' (format parquet, row_group_size 1024)`,
    );
    conn.closeSync();
    return await Deno.readFile(path);
  } catch (err) {
    console.log(`DuckDB unavailable, its corpus is skipped: ${err}`);
    return undefined;
  }
}

interface Case {
  name: string;
  bytes: Uint8Array;
}

function footerOf(b: Uint8Array): { footer: ThriftStruct; start: number } {
  const len = new DataView(b.buffer, b.byteOffset).getUint32(b.length - 8, true);
  const start = b.length - 8 - len;
  return { footer: decodeStruct(b.subarray(start, b.length - 8)).value, start };
}

/** The file with its footer replaced by `footer` (length updated). */
function withFooter(b: Uint8Array, footer: ThriftStruct): Uint8Array {
  const { start } = footerOf(b);
  const enc = encodeStruct(footer);
  const out = new Uint8Array(start + enc.length + 8);
  out.set(b.subarray(0, start));
  out.set(enc, start);
  new DataView(out.buffer).setUint32(start + enc.length, enc.length, true);
  out.set([0x50, 0x41, 0x52, 0x31], start + enc.length + 4);
  return out;
}

function flip(b: Uint8Array, at: number, mask = 0xff): Uint8Array {
  const out = b.slice();
  out[at] ^= mask;
  return out;
}

/** Deterministic positions in [from, to). */
function positions(from: number, to: number, n: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed >>> 0;
  for (let i = 0; i < n && to > from; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push(from + (x % (to - from)));
  }
  return out;
}

/** Footer edits that lie about rows, offsets, sizes and the schema. */
function lies(b: Uint8Array): [string, (f: ThriftStruct) => void][] {
  const rg = (f: ThriftStruct, g: number) => getList(f, 4)!.items[g] as ThriftStruct;
  const cc = (f: ThriftStruct, g: number, c: number) =>
    getList(rg(f, g), 1)!.items[c] as ThriftStruct;
  const md = (f: ThriftStruct, g: number, c: number) => getStruct(cc(f, g, c), 3)!;
  const set64 = (s: ThriftStruct, id: number, v: bigint) => setField(s, id, T.I64, v);
  const add64 = (s: ThriftStruct, id: number, d: bigint) =>
    setField(s, id, T.I64, getI64(s, id)! + d);
  const size = BigInt(b.length);
  const out: [string, (f: ThriftStruct) => void][] = [
    ["file num_rows + 1", (f) => add64(f, 3, 1n)],
    ["file num_rows - 1", (f) => add64(f, 3, -1n)],
    ["file num_rows huge", (f) => set64(f, 3, 1n << 62n)],
    ["file num_rows negative", (f) => set64(f, 3, -5n)],
    ["row group 0 num_rows + 1", (f) => add64(rg(f, 0), 3, 1n)],
    ["row group 1 num_rows huge", (f) => set64(rg(f, 1), 3, 1n << 40n)],
    ["row groups dropped", (f) => setField(f, 4, T.LIST, { elemType: T.STRUCT, items: [] })],
    ["schema root claims more children", (f) => {
      const root = getList(f, 2)!.items[0] as ThriftStruct;
      setField(root, 5, T.I32, 99);
    }],
    ["schema root claims fewer children", (f) => {
      const root = getList(f, 2)!.items[0] as ThriftStruct;
      setField(root, 5, T.I32, 2);
    }],
    ["schema element type out of range", (f) => {
      setField(getList(f, 2)!.items[1] as ThriftStruct, 1, T.I32, 42);
    }],
    ["schema truncated", (f) => {
      const l = getList(f, 2)!;
      l.items = l.items.slice(0, 3);
    }],
    ["column chunk list shortened", (f) => {
      const l = getList(rg(f, 0), 1)!;
      l.items = l.items.slice(1);
    }],
  ];
  for (const c of [0, 2, 4]) {
    out.push(
      [`col ${c} num_values + 1`, (f) => add64(md(f, 0, c), 5, 1n)],
      [`col ${c} num_values huge`, (f) => set64(md(f, 1, c), 5, 1n << 50n)],
      [`col ${c} data_page_offset past the file`, (f) => set64(md(f, 0, c), 9, size + 100n)],
      [`col ${c} data_page_offset in the footer`, (f) => set64(md(f, 2, c), 9, size - 20n)],
      [`col ${c} data_page_offset 0`, (f) => set64(md(f, 0, c), 9, 0n)],
      [`col ${c} data_page_offset negative`, (f) => set64(md(f, 0, c), 9, -1n)],
      [`col ${c} data_page_offset + 1`, (f) => add64(md(f, 1, c), 9, 1n)],
      [`col ${c} dictionary_page_offset past the file`, (f) => set64(md(f, 0, c), 11, size * 2n)],
      [`col ${c} compressed size doubled`, (f) => {
        const m = md(f, 0, c);
        set64(m, 7, getI64(m, 7)! * 2n);
      }],
      [`col ${c} compressed size - 1`, (f) => add64(md(f, 1, c), 7, -1n)],
      [`col ${c} compressed size huge`, (f) => set64(md(f, 0, c), 7, 1n << 55n)],
      [`col ${c} uncompressed size huge`, (f) => set64(md(f, 0, c), 6, 1n << 55n)],
      [`col ${c} offset index past the file`, (f) => set64(cc(f, 0, c), 4, size + 1n)],
      [`col ${c} column index length huge`, (f) => setField(cc(f, 0, c), 7, T.I32, 2 ** 30)],
      [`col ${c} codec unknown`, (f) => setField(md(f, 0, c), 4, T.I32, 77)],
      [`col ${c} physical type changed`, (f) => setField(md(f, 0, c), 1, T.I32, 6)],
      [`col ${c} metadata missing`, (f) => {
        const s = cc(f, 0, c);
        s.fields = s.fields.filter((x) => x.id !== 3);
      }],
      [`col ${c} in another file`, (f) => {
        setField(cc(f, 0, c), 1, T.BINARY, new TextEncoder().encode("../../etc/passwd"));
      }],
    );
  }
  return out;
}

function corpus(name: string, b: Uint8Array): Case[] {
  const cases: Case[] = [];
  const add = (what: string, bytes: Uint8Array) => cases.push({ name: `${name}: ${what}`, bytes });
  const n = b.length;
  for (const len of [0, 1, 3, 4, 8, 11, 12, 13, 100, n >> 1, n - 100, n - 9, n - 8, n - 5, n - 1]) {
    add(`truncated to ${len} bytes`, b.slice(0, Math.max(0, len)));
  }
  add("wrong leading magic", flip(b, 1, 0x20));
  add("wrong trailing magic", flip(b, n - 2, 0x20));
  add(
    "PARE (encrypted) trailer",
    (() => {
      const c = b.slice();
      c[n - 1] = 0x45;
      return c;
    })(),
  );
  const { start } = footerOf(b);
  const footerLen = n - 8 - start;
  for (
    const len of [
      0,
      1,
      2,
      footerLen - 3,
      footerLen - 1,
      footerLen + 1,
      n - 12,
      n - 11,
      n,
      0x7fffffff,
      0xffffffff,
    ]
  ) {
    const c = b.slice();
    new DataView(c.buffer).setUint32(n - 8, len >>> 0, true);
    add(`footer length ${len >>> 0}`, c);
  }
  // Every footer byte flipped (all bits), and a one-bit flip at sampled positions.
  for (let at = start; at < n - 8; at++) add(`footer byte ${at} flipped`, flip(b, at));
  for (const at of positions(start, n - 8, 150, 7)) add(`footer bit at ${at}`, flip(b, at, 0x04));
  // Page headers: the first bytes of the data, and sampled data bytes.
  for (let at = 4; at < Math.min(start, 68); at++) add(`page byte ${at} flipped`, flip(b, at));
  for (const at of positions(4, start, 200, 11)) add(`data byte ${at} flipped`, flip(b, at));
  for (const at of positions(4, start, 40, 13)) {
    const c = b.slice();
    c.fill(0xff, at, Math.min(start, at + 64));
    add(`data bytes ${at}..+64 set to 0xff`, c);
  }
  for (const [what, edit] of lies(b)) {
    const { footer } = footerOf(b);
    try {
      edit(footer);
    } catch {
      continue; // the writer did not write that field here
    }
    add(`footer lies: ${what}`, withFooter(b, footer));
  }
  return cases;
}

const TARGETS: TargetColumn[] = COLUMNS.map((c) => ({
  name: c.name,
  type: c.type,
  nullable: true,
}));

/** The ingest read path, in process: open, schema, every row. */
async function ingestRead(bytes: Uint8Array): Promise<number> {
  const pf = await openParquetInput(memorySource(bytes), "input.parquet");
  try {
    parquetColumns(pf, "input.parquet");
    let rows = 0;
    for await (const c of parquetToChunks(pf, TARGETS, { file: "input.parquet" })) rows += c.rows;
    const stated = parquetRows(pf, "input.parquet");
    if (rows !== stated) throw new InputError(`input.parquet: footer ${stated}, read ${rows}`);
    return rows;
  } finally {
    pf.free();
  }
}

/** Run `fn`, failing if it takes longer than `ms` (a hang is a failure, not a stuck suite). */
async function bounded<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([fn(), late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("corrupt Parquet: every case reads or is a clear error; the engine keeps working", async () => {
  const dir = await tempDir("sdp-corrupt-pq-");
  const good = await sdpFile();
  const duck = await duckdbFile(dir);
  const bases: [string, Uint8Array][] = [["sdp", good]];
  if (duck) bases.push(["duckdb", duck]);
  for (const [name, b] of bases) assert.equal(await ingestRead(b), 2348, `${name} file reads`);

  let tried = 0, rejected = 0, readOk = 0;
  const wrong: string[] = [];
  for (const [name, b] of bases) {
    for (const c of corpus(name, b)) {
      tried++;
      try {
        await bounded(20_000, c.name, () => ingestRead(c.bytes));
        readOk++;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (err instanceof InputError && msg.startsWith("input.parquet: ") && msg.length < 600) {
          rejected++;
        } else {wrong.push(
            `${c.name}: ${err instanceof Error ? err.name : ""} ${msg.slice(0, 300)}`,
          );}
      }
    }
  }
  console.log(
    `corrupt Parquet (ingest path): ${tried} cases, ${rejected} rejected with an InputError, ` +
      `${readOk} read (changed nothing checked), ${wrong.length} wrong; engine panics caught: ` +
      `${enginePanics()}`,
  );
  assert.deepEqual(wrong, []);
  // The same process still reads good files, through both readers.
  assert.equal(await ingestRead(good), 2348);
  let rows = 0;
  for await (const c of readParquetChunks(memorySource(good), COLUMNS)) rows += c.rows;
  assert.equal(rows, 2348);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("corrupt Parquet written by sdp: a CorruptParquetError (integrity, exit 1), not a trap", async () => {
  const good = await sdpFile();
  let tried = 0, rejected = 0;
  const wrong: string[] = [];
  for (const c of corpus("sdp", good)) {
    tried++;
    try {
      for await (const _ of readParquetChunks(memorySource(c.bytes), COLUMNS)) { /* drain */ }
    } catch (err) {
      if (err instanceof IntegrityError) rejected++;
      else wrong.push(`${c.name}: ${err instanceof Error ? `${err.name}: ${err.message}` : err}`);
    }
  }
  console.log(`corrupt Parquet (read-back path): ${tried} cases, ${rejected} IntegrityErrors`);
  assert.deepEqual(wrong.slice(0, 20), []);
  await assert.rejects(
    async () => {
      for await (const _ of readParquetChunks(memorySource(good.slice(0, 100)), COLUMNS)) { /**/ }
    },
    CorruptParquetError,
  );
});

Deno.test("corrupt Parquet through the CLI: exit 2 naming the file, no trace, nothing written", async () => {
  const good = await sdpFile();
  const { start } = footerOf(good);
  const samples: [string, Uint8Array][] = [
    ["truncated", good.slice(0, good.length - 9)],
    [
      "huge footer length",
      (() => {
        const c = good.slice();
        new DataView(c.buffer).setUint32(c.length - 8, 0xfffffff0, true);
        return c;
      })(),
    ],
    ["footer byte flipped", flip(good, start + 7)],
    [
      "lying row count",
      (() => {
        const { footer } = footerOf(good);
        setField(footer, 3, T.I64, 999_999n);
        return withFooter(good, footer);
      })(),
    ],
    ["page header flipped", flip(good, 6)],
  ];
  for (const [what, bytes] of samples) {
    const cwd = await tempDir("sdp-corrupt-cli-");
    await Deno.writeFile(`${cwd}/bad.parquet`, bytes);
    const r = await runCli(["ingest", "bad.parquet", "--dataset", "bad", "--run-id", "v1"], {
      cwd,
    });
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /bad\.parquet/, what);
    assert.doesNotMatch(r.stderr, /unreachable|RuntimeError|internal error|\n\s+at /, what);
    assert.ok(r.stderr.length < 2000, `${what}: ${r.stderr.length} bytes of stderr`);
    assert.deepEqual(await listTree(cwd), ["bad.parquet"], what);
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("thrift: hostile nesting and list counts are errors, not stack overflows", () => {
  const deep = new Uint8Array(200_000).fill(0x1c); // field 1, type struct, nested forever
  assert.throws(() => decodeStruct(deep), /nested deeper than/);
  const list = Uint8Array.from([0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f]); // list of 2^32 structs
  assert.throws(() => decodeStruct(list), /unexpected end/);
});
