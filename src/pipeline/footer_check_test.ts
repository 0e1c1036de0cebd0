import assert from "node:assert/strict";
import type { ColumnSpec } from "../model/mod.ts";
import type { Chunk } from "../data/mod.ts";
import { encodeParquet } from "../parquet/codec.ts";
import { readFooter } from "../parquet/stitch.ts";
import { ChunkProfiler } from "../profile/mod.ts";
import { chunksOf, type PlainColumn } from "../../tests/helpers/profile.ts";
import { type ChunkFacts, chunkFacts, footerProblems } from "./footer_check.ts";

const loc = { file: "schema.yaml", line: 1, col: 1 };
const plain: Record<string, PlainColumn> = {
  id: { type: "integer", values: [1, 2, 3, 4, 5, 6, 7] },
  amount: { type: "float", values: [2.5, null, -0, 9.25, 1, null, 3] },
  at: { type: "datetime", values: [1.7e12, 1.7e12 + 5, null, 1.7e12 + 1, 1.7e12, 1.7e12, 1.7e12] },
  flag: { type: "boolean", values: [true, true, null, true, true, true, true] },
  name: { type: "string", values: ["b", null, "a", "c", "c", "c", "c"] },
};
// Schema order differs from profile (name) order on purpose.
const columns: ColumnSpec[] = (["id", "amount", "at", "flag", "name"] as const).map((name) => ({
  name,
  type: plain[name].type,
  nullable: name !== "id",
  unique: false,
  loc,
}));

async function fileAndFacts(
  rowsPerChunk: number,
): Promise<{ bytes: Uint8Array; facts: ChunkFacts[] }> {
  const chunks: Chunk[] = chunksOf(plain, rowsPerChunk);
  const profiler = new ChunkProfiler(columns);
  const facts = chunks.map((c) => chunkFacts(columns, profiler.profile(c)));
  const parts: Uint8Array[] = [];
  async function* gen() {
    yield* chunks;
  }
  await encodeParquet(
    gen(),
    columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    {
      write: (b) => {
        parts.push(b.slice());
        return Promise.resolve();
      },
      chunkRows: rowsPerChunk,
    },
  );
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, facts };
}

Deno.test("footer statistics agree with the chunks' parts, row group by row group", async () => {
  const { bytes, facts } = await fileAndFacts(3);
  const footer = await readFooter(
    (o, n) => Promise.resolve(bytes.subarray(o, o + n)),
    bytes.length,
  );
  assert.equal(footer.rowGroups.length, 3);
  assert.deepEqual(footerProblems(footer, facts), []);
});

Deno.test("footer disagreements are each reported with row group and column", async () => {
  const { bytes, facts } = await fileAndFacts(3);
  const footer = await readFooter(
    (o, n) => Promise.resolve(bytes.subarray(o, o + n)),
    bytes.length,
  );
  const cases: Array<[string, (f: ChunkFacts[]) => void, RegExp]> = [
    [
      "nulls",
      (f) => f[0].columns[1].nulls++,
      /row group 0 column amount: footer states 1 nulls, 2/,
    ],
    [
      "min",
      (f) => (f[1].columns[0].min = 3),
      /row group 1 column id: footer min 4, validated min 3/,
    ],
    ["max", (f) => (f[0].columns[2].max = 0), /row group 0 column at: footer max 1700000000005/],
    ["boolean", (f) => (f[0].columns[3].min = false), /row group 0 column flag: footer min true/],
    ["rows", (f) => (f[2].rows = 2), /row group 2 holds 1 rows, 2 were validated/],
    ["groups", (f) => f.pop(), /3 row groups, 2 chunks were validated/],
  ];
  for (const [name, edit, want] of cases) {
    const f = structuredClone(facts);
    edit(f);
    const problems = footerProblems(footer, f);
    assert.ok(problems.some((p) => want.test(p)), `${name}: ${problems.join("; ")}`);
  }
});
