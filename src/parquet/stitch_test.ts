import assert from "node:assert/strict";
import { Float32, makeVector, Table, tableToIPC } from "apache-arrow";
import { Compression, WriterPropertiesBuilder } from "parquet-wasm";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { DuckDBInstance } from "@duckdb/node-api";
import { encodeChunk } from "../../tests/helpers/parquet/encode_chunk.ts";
import {
  assembleParquet,
  type ChunkPart,
  type ColumnStats,
  ParquetAssembler,
  readFooter,
  splitChunkFile,
  type StatValue,
} from "./stitch.ts";
import {
  cloneValue,
  decodeStruct,
  getI64,
  getInt,
  getList,
  getStruct,
  setField,
  T,
  type ThriftStruct,
} from "./thrift.ts";
import {
  CHUNK_ROWS,
  type ConfigName,
  CONFIGS,
  makeRows,
  makeTable,
  type Row,
  TOTAL_ROWS,
} from "../../tests/helpers/parquet/fixtures.ts";

const rows = makeRows();
const table = makeTable(rows);
const nChunks = Math.ceil(TOTAL_ROWS / CHUNK_ROWS);
const chunkTable = (i: number) => table.slice(i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS);

/** Index of the first differing byte, or -1; clearer than a diff of 100 kB. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Encode every chunk in reverse order in this wasm instance. */
function encodeChunksReversed(config: ConfigName): Uint8Array[] {
  const files: Uint8Array[] = [];
  for (let i = nChunks - 1; i >= 0; i--) files[i] = encodeChunk(chunkTable(i), CONFIGS[config]);
  return files;
}

/** Encode chunks on `workers` workers (fresh wasm instances), in completion order. */
async function encodeChunksInWorkers(config: ConfigName, workers: number): Promise<Uint8Array[]> {
  const pool = Array.from(
    { length: workers },
    () =>
      new Worker(new URL("../../tests/helpers/parquet/encode_worker.ts", import.meta.url), {
        type: "module",
      }),
  );
  try {
    const files: Uint8Array[] = [];
    await Promise.all(pool.map((w, k) =>
      new Promise<void>((resolve, reject) => {
        const mine = Array.from({ length: nChunks }, (_, i) => i).filter((i) => i % workers === k);
        let left = mine.length;
        w.onerror = (e) => {
          e.preventDefault(); // fail this test, not the whole test module
          reject(e.error ?? new Error(e.message));
        };
        w.onmessage = (e: MessageEvent<{ index: number; bytes: Uint8Array }>) => {
          files[e.data.index] = e.data.bytes;
          if (--left === 0) resolve();
        };
        for (const index of mine) {
          w.postMessage({ index, ipc: tableToIPC(chunkTable(index), "stream"), config });
        }
      })
    ));
    return files;
  } finally {
    for (const w of pool) w.terminate();
  }
}

/** The result of the one-call write the assembled file must equal. */
const oneCall = (config: ConfigName) => encodeChunk(table, CONFIGS[config]);

/** Write the file through the streaming API, as a pipeline would. */
async function writeAssembled(path: string, files: Uint8Array[]): Promise<void> {
  using f = await Deno.open(path, { write: true, create: true, truncate: true });
  const a = new ParquetAssembler();
  const write = async (b: Uint8Array) => {
    for (let off = 0; off < b.length;) off += await f.write(b.subarray(off));
  };
  await write(a.start());
  for (const file of files) await write(a.add(splitChunkFile(file)));
  await write(a.finish());
  assert.equal((await f.stat()).size, a.position);
}

/** A range reader over an open file: only the requested bytes are read. */
function fileReader(f: Deno.FsFile, reads: number[]) {
  return async (offset: number, length: number) => {
    reads.push(length);
    await f.seek(offset, Deno.SeekMode.Start);
    const buf = new Uint8Array(length);
    for (let got = 0; got < length;) {
      const n = await f.read(buf.subarray(got));
      if (n === null) throw new Error("short read");
      got += n;
    }
    return buf;
  };
}

/**
 * Walk every column chunk's pages through its OffsetIndex: each PageLocation
 * must point at a decodable data-page header whose size matches, pages must be
 * contiguous from the dictionary page to the end of the chunk, and
 * first_row_index must advance by each page's row count.
 * Returns the number of pages checked.
 */
function checkPageLocations(file: Uint8Array): number {
  const len = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true);
  const footer = decodeStruct(file, file.length - 8 - len).value;
  let pages = 0;
  for (const rg of getList(footer, 4)!.items as ThriftStruct[]) {
    const rgRows = Number(getI64(rg, 3));
    for (const cc of getList(rg, 1)!.items as ThriftStruct[]) {
      const md = getStruct(cc, 3)!;
      const oi = decodeStruct(file, Number(getI64(cc, 4))).value;
      assert.equal(encodeOffsetIndexLength(file, cc), getInt(cc, 5));
      const locs = getList(oi, 1)!.items as ThriftStruct[];
      let at = Number(getI64(md, 11) ?? getI64(md, 9));
      const end = at + Number(getI64(md, 7));
      if (getI64(md, 11) !== undefined) {
        const h = decodeStruct(file, at);
        assert.equal(getInt(h.value, 1), 2, `dictionary page expected at ${at}`);
        at = h.end + getInt(h.value, 3)!;
      }
      assert.equal(Number(getI64(md, 9)), at, "data_page_offset is the first data page");
      let row = 0;
      for (const loc of locs) {
        assert.equal(Number(getI64(loc, 1)), at, "PageLocation.offset");
        assert.equal(Number(getI64(loc, 3)), row, "PageLocation.first_row_index");
        const h = decodeStruct(file, at);
        const type = getInt(h.value, 1);
        assert.ok(type === 0 || type === 3, `data page header expected at ${at}, type ${type}`);
        assert.equal(h.end - at + getInt(h.value, 3)!, getInt(loc, 2), "compressed_page_size");
        // Flat schema: values per page = rows per page (V1 num_values, V2 num_rows).
        row += type === 0 ? getInt(getStruct(h.value, 5)!, 1)! : getInt(getStruct(h.value, 8)!, 3)!;
        at += getInt(loc, 2)!;
        pages++;
      }
      assert.equal(at, end, "pages end where the column chunk ends");
      assert.equal(row, rgRows, "pages cover the row group");
    }
  }
  return pages;
}

/** Length of the encoded OffsetIndex at a column chunk's offset_index_offset. */
function encodeOffsetIndexLength(file: Uint8Array, cc: ThriftStruct): number {
  const off = Number(getI64(cc, 4));
  return decodeStruct(file, off).end - off;
}

/** A hyparquet row with its timestamp as epoch ms, comparable with {@link Row}. */
function norm(o: Record<string, unknown>) {
  return { ...o, ts: o.ts instanceof Date ? o.ts.getTime() : Number(o.ts) };
}

/** Whether hyparquet rows equal the expected rows. */
function sameRows(got: Record<string, unknown>[], want: Row[]): boolean {
  try {
    assert.deepEqual(got.map(norm), want);
    return true;
  } catch {
    return false;
  }
}

/** Min/max/null count of one chunk of rows, in readFooter's value types. */
function expectedStats(chunk: Row[]): Record<string, Partial<ColumnStats>> {
  const minmax = <V extends StatValue>(vs: V[]) => {
    const sorted = [...vs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { min: sorted[0], max: sorted[sorted.length - 1] };
  };
  const nn = <V>(vs: (V | null)[]) => vs.filter((v): v is V => v !== null);
  const utf8 = new TextEncoder();
  const labels = nn(chunk.map((r) => r.label));
  // Parquet orders strings by UTF-8 bytes, not by JS code units.
  const byBytes = [...labels].sort((a, b) => {
    const x = utf8.encode(a), y = utf8.encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
  return {
    id: { nullCount: 0, ...minmax(chunk.map((r) => r.id)) },
    amount: { nullCount: 0, ...minmax(chunk.map((r) => r.amount)) },
    label: {
      nullCount: chunk.length - labels.length,
      min: byBytes[0],
      max: byBytes[byBytes.length - 1],
    },
    flag: {
      nullCount: chunk.filter((r) => r.flag === null).length,
      ...minmax(nn(chunk.map((r) => r.flag))),
    },
    ts: { nullCount: 0, ...minmax(chunk.map((r) => BigInt(r.ts))) },
  };
}

for (const config of Object.keys(CONFIGS) as ConfigName[]) {
  Deno.test(`stitch (${config}): chunks encoded in reverse order assemble to the one-call bytes`, () => {
    const expected = oneCall(config);
    const assembled = assembleParquet(encodeChunksReversed(config).map(splitChunkFile));
    assert.equal(firstDiff(assembled, expected), -1, "first differing byte");
    assert.equal(assembled.length, expected.length);
    const pages = checkPageLocations(assembled);
    assert.ok(pages >= nChunks * 5, `${pages} pages`);
    if (config === "zstdSmallPages") assert.ok(pages > nChunks * 10, `${pages} pages`);
  });

  Deno.test(`stitch (${config}): chunks encoded by 2 and 3 workers give the same bytes`, async () => {
    const expected = oneCall(config);
    for (const workers of [2, 3]) {
      const files = await encodeChunksInWorkers(config, workers);
      assert.equal(firstDiff(assembleParquet(files.map(splitChunkFile)), expected), -1);
    }
  });
}

Deno.test("stitch: streamed to disk, read by hyparquet, DuckDB and readFooter", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "sdp_stitch_" });
  try {
    for (const config of Object.keys(CONFIGS) as ConfigName[]) {
      const path = `${dir}/${config}.parquet`;
      await writeAssembled(path, encodeChunksReversed(config));
      const file = await Deno.readFile(path);
      assert.equal(firstDiff(file, oneCall(config)), -1);

      await t.step(`${config}: hyparquet reads every value`, async () => {
        const buf = file.buffer.slice(file.byteOffset, file.byteOffset + file.length);
        const all = await parquetReadObjects({ file: buf, compressors });
        assert.equal(all.length, TOTAL_ROWS);
        assert.deepEqual(all.map(norm), rows);
        // Row ranges that cut into row groups make hyparquet fetch only the
        // pages the OffsetIndex points at, so wrong page offsets would show here.
        for (const [rowStart, rowEnd] of [[1500, 3100], [1030, 1031], [4200, TOTAL_ROWS]]) {
          const part = await parquetReadObjects({
            file: buf,
            compressors,
            useOffsetIndex: true,
            rowStart,
            rowEnd,
          });
          assert.deepEqual(part.map(norm), rows.slice(rowStart, rowEnd), `${rowStart}..${rowEnd}`);
        }
      });

      await t.step(
        `${config}: readFooter reads only the footer, stats match the data`,
        async () => {
          using f = await Deno.open(path);
          const reads: number[] = [];
          const summary = await readFooter(fileReader(f, reads), file.length);
          assert.equal(reads.length, 2);
          assert.ok(reads[1] < file.length / 5, `footer read ${reads[1]} of ${file.length} bytes`);
          assert.equal(summary.numRows, TOTAL_ROWS);
          assert.deepEqual(summary.columns.map((c) => [c.name, c.physicalType, c.repetition]), [
            ["id", "INT64", "REQUIRED"],
            ["amount", "DOUBLE", "REQUIRED"],
            ["label", "BYTE_ARRAY", "OPTIONAL"],
            ["flag", "BOOLEAN", "OPTIONAL"],
            ["ts", "INT64", "OPTIONAL"],
          ]);
          assert.deepEqual(summary.columns[4], {
            name: "ts",
            physicalType: "INT64",
            repetition: "OPTIONAL",
            logicalType: "TIMESTAMP",
            utc: true,
            timestampUnit: "ms",
          });
          assert.equal(summary.columns[2].logicalType, "STRING");
          assert.ok(summary.keyValueMetadata.has("ARROW:schema"));
          assert.match(summary.createdBy ?? "", /parquet-rs/);
          assert.equal(summary.rowGroups.length, nChunks);
          summary.rowGroups.forEach((rg, i) => {
            const chunk = rows.slice(i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS);
            assert.equal(rg.numRows, chunk.length);
            const want = expectedStats(chunk);
            summary.columns.forEach((c, j) => {
              const { nullCount, min, max } = rg.columns[j];
              assert.deepEqual({ nullCount, min, max }, want[c.name], `rg ${i} ${c.name}`);
              assert.equal(rg.columns[j].numValues, chunk.length);
            });
          });
        },
      );

      await t.step(`${config}: DuckDB reads rows, types and row-group statistics`, async () => {
        const db = await DuckDBInstance.create(":memory:");
        const conn = await db.connect();
        try {
          const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
          const src = `read_parquet('${path}')`;
          assert.deepEqual(await q(`select count(*) as n from ${src}`), [{
            n: BigInt(TOTAL_ROWS),
          }]);
          const types = await q(`describe select * from ${src}`);
          assert.deepEqual(types.map((r) => [r.column_name, r.column_type]), [
            ["id", "BIGINT"],
            ["amount", "DOUBLE"],
            ["label", "VARCHAR"],
            ["flag", "BOOLEAN"],
            ["ts", "TIMESTAMP WITH TIME ZONE"],
          ]);
          const sample = [0, 1, 1023, 1024, 2047, 3000, 4096, TOTAL_ROWS - 1];
          const got = await q(
            `select id, amount, label, flag, epoch_ms(ts) as ts from ${src} ` +
              `where id in (${sample.map((i) => rows[i].id).join(",")}) order by id`,
          );
          assert.deepEqual(got, sample.map((i) => ({ ...rows[i], ts: BigInt(rows[i].ts) })));
          // Filters DuckDB can answer with row-group statistics (zone maps).
          const cut = rows[2500].ts;
          assert.deepEqual(
            await q(`select count(*) as n from ${src} where ts >= make_timestamptz(${cut}000)`),
            [{ n: BigInt(rows.filter((r) => r.ts >= cut).length) }],
          );
          assert.deepEqual(
            await q(`select count(*) as n from ${src} where label is null and flag`),
            [{ n: BigInt(rows.filter((r) => r.label === null && r.flag === true).length) }],
          );
          const meta = await q(
            `select row_group_id as rg, row_group_num_rows as n, path_in_schema as col, ` +
              `stats_min_value as min, stats_max_value as max, stats_null_count as nulls ` +
              `from parquet_metadata('${path}') order by rg, column_id`,
          );
          assert.equal(meta.length, nChunks * 5);
          for (const m of meta) {
            const i = Number(m.rg);
            const chunk = rows.slice(i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS);
            assert.equal(m.n, BigInt(chunk.length));
            const want = expectedStats(chunk)[m.col as string];
            assert.equal(m.nulls, BigInt(want.nullCount!), `rg ${i} ${m.col} nulls`);
            if (m.col === "id" || m.col === "label" || m.col === "flag") {
              assert.deepEqual([m.min, m.max], [String(want.min), String(want.max)], `${m.col}`);
            }
          }
        } finally {
          conn.closeSync();
          db.closeSync();
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stitch: the page walk and hyparquet notice wrong OffsetIndex offsets", async () => {
  // Negative control for the checks above: simulate forgetting to move chunk 2's
  // PageLocations, so they keep the offsets of its own chunk file.
  const parts = encodeChunksReversed("zstdSmallPages").map(splitChunkFile);
  const delta = BigInt(parts[0].rowGroupBytes.length + parts[1].rowGroupBytes.length);
  const broken: ChunkPart[] = parts.map((p, i) => ({
    ...p,
    offsetIndexes: p.offsetIndexes.map((oi) => {
      if (i !== 2 || !oi) return oi;
      const copy = cloneValue(oi);
      for (const loc of getList(copy, 1)!.items as ThriftStruct[]) {
        setField(loc as ThriftStruct, 1, T.I64, getI64(loc as ThriftStruct, 1)! - delta);
      }
      return copy;
    }),
  }));
  const file = assembleParquet(broken);
  assert.throws(() => checkPageLocations(file), /PageLocation.offset/);
  const buf = file.buffer as ArrayBuffer;
  const read = (useOffsetIndex: boolean) =>
    parquetReadObjects({ file: buf, compressors, useOffsetIndex, rowStart: 2900, rowEnd: 3000 })
      .then((got) => sameRows(got, rows.slice(2900, 3000)), () => false);
  assert.equal(await read(false), true, "without the OffsetIndex the data is intact");
  assert.equal(await read(true), false, "with it, hyparquet fails or reads wrong values");
});

Deno.test("stitch: chunks with another schema or key-value metadata are rejected", () => {
  const good = encodeChunk(chunkTable(0), CONFIGS.zstd);
  const amount32 = new Table({
    ...Object.fromEntries(
      table.schema.fields.map((f) => [f.name, chunkTable(1).getChild(f.name)!]),
    ),
    amount: makeVector(Float32Array.from(rows.slice(0, CHUNK_ROWS), (r) => r.amount)),
  });
  assert.ok(amount32.schema.fields[1].type instanceof Float32);
  const otherSchema = encodeChunk(amount32, CONFIGS.zstd);
  const otherMeta = encodeChunk(chunkTable(1), () =>
    new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setMaxRowGroupSize(CHUNK_ROWS)
      .setKeyValueMetadata(new Map([["owner", "sdp"]]))
      .build());
  const otherCreator = encodeChunk(chunkTable(1), () =>
    new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setMaxRowGroupSize(CHUNK_ROWS)
      .setCreatedBy("someone else")
      .build());
  const tryAdd = (second: Uint8Array) => () => {
    const a = new ParquetAssembler();
    a.start();
    a.add(splitChunkFile(good));
    a.add(splitChunkFile(second));
  };
  assert.throws(tryAdd(otherSchema), /chunk 1 has a different schema than chunk 0/);
  assert.throws(tryAdd(otherMeta), /chunk 1 has a different key_value_metadata/);
  assert.throws(tryAdd(otherCreator), /chunk 1 has a different created_by/);
});

Deno.test("stitch: misuse is rejected with clear errors", () => {
  const full = splitChunkFile(encodeChunk(chunkTable(0), CONFIGS.zstd));
  const short = splitChunkFile(encodeChunk(chunkTable(nChunks - 1), CONFIGS.zstd));
  assert.throws(
    () => assembleParquet([short, full]),
    /chunk 1 has 1024 rows, more than chunk 0 \(700\)/,
  );
  assert.throws(() => assembleParquet([full, short, full]), /only the last chunk may be shorter/);
  assert.throws(() => splitChunkFile(oneCall("zstd")), /exactly one row group, found 5/);
  assert.throws(() => splitChunkFile(new Uint8Array(20)), /not a Parquet file/);
  assert.throws(() => assembleParquet([]), /at least one add/);
  const a = new ParquetAssembler();
  assert.throws(() => a.add(full), /after start/);
  // Only rowGroupBytes views the chunk file; indexes are copies, so memory stays bounded.
  assert.ok(full.columnIndexes.every((b) => b && b.buffer.byteLength === b.length));
  // Parts are not modified by add(): the same part can be assembled twice.
  const once = assembleParquet([full, short]);
  assert.deepEqual(assembleParquet([full, short]), once);
});
