import assert from "node:assert/strict";
import { MIXED_COLUMNS, mixedChunk } from "../../tests/helpers/parquet/chunks.ts";
import type { Chunk } from "../data/mod.ts";
import { chunkToCsv, csvHeader } from "../csv/write.ts";
import { memorySource } from "../io/byte_source.ts";
import { encodeParquet, readParquetChunks, readParquetFooter } from "./codec.ts";

const COLUMNS = MIXED_COLUMNS;

function makeChunk(index: number, start: number, rows: number): Chunk {
  return mixedChunk(index, start, rows, { text: (x) => (x % 5 === 0 ? "" : `v,"${x}"é`) });
}

async function* chunks(sizes: number[]): AsyncGenerator<Chunk> {
  let start = 0;
  for (const [index, rows] of sizes.entries()) {
    yield makeChunk(index, start, rows);
    start += rows;
  }
}

Deno.test("parquet round trip keeps values, nulls and row groups", async () => {
  const parts: Uint8Array[] = [];
  const res = await encodeParquet(chunks([1024, 1024, 300]), COLUMNS, {
    write: (b) => Promise.resolve(void parts.push(b.slice())),
    chunkRows: 1024,
  });
  assert.equal(res.rows, 2348);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (bytes.set(p, o), o += p.length);
  const footer = await readParquetFooter(memorySource(bytes));
  assert.equal(footer.rows, 2348);
  assert.deepEqual(footer.rowGroups, [1024, 1024, 300]);
  const back: Chunk[] = [];
  for await (const c of readParquetChunks(memorySource(bytes), COLUMNS, { batchRows: 1024 })) {
    back.push(c);
  }
  assert.equal(back.length, 3);
  for (const c of back) {
    const want = makeChunk(c.index, c.start, c.rows);
    for (const col of COLUMNS) {
      const g = c.columns.get(col.name)!;
      const w = want.columns.get(col.name)!;
      for (let r = 0; r < c.rows; r++) {
        const wv = w.valid === null || w.valid[r] === 1;
        const gv = g.valid === null || g.valid[r] === 1;
        assert.equal(gv, wv, `${col.name} validity row ${c.start + r}`);
        if (wv) assert.equal(g.values[r], w.values[r], `${col.name} row ${c.start + r}`);
      }
    }
  }
});

Deno.test("csv quotes per RFC 4180 and writes null as empty", () => {
  const c = makeChunk(0, 0, 3);
  const cols = COLUMNS.map((x) => x.name);
  assert.equal(csvHeader(cols), "a_int,b_float,c_str,d_bool,e_time\n");
  assert.equal(
    chunkToCsv(c, cols),
    "0,,,false,2023-11-14T22:13:20.000Z\n" +
      '1000003,0.14285714285714285,"v,""1""é",true,2023-11-14T22:13:21.001Z\n' +
      '2000006,0.2857142857142857,"v,""2""é",false,2023-11-14T22:13:22.002Z\n',
  );
});

Deno.test("int64 conversion without BigInt matches BigInt for whole numbers within ±2^53", async () => {
  const { toInt64, fromInt64 } = await import("../arrow/table.ts");
  const cases = [
    0,
    1,
    -1,
    2 ** 32,
    -(2 ** 32),
    2 ** 32 - 1,
    -(2 ** 32) + 1,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    1_700_000_000_123,
    -86_400_000,
  ];
  const big = toInt64(Float64Array.from(cases));
  assert.deepEqual(Array.from(big), cases.map((v) => BigInt(v)));
  assert.deepEqual(Array.from(fromInt64(big, 0, cases.length)), cases);
  assert.deepEqual(Array.from(fromInt64(big, 3, 2)), cases.slice(3, 5));
});
