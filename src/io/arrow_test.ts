import assert from "node:assert/strict";
import { chunksOf, type PlainColumn, withCodes } from "../profile/testing.ts";
import { type ArrowColumn, chunkToIpc, chunkToIpcView } from "./arrow.ts";

Deno.test("chunkToIpcView writes exactly chunkToIpc's bytes, call after call", () => {
  const n = 5000;
  const plain: Record<string, PlainColumn> = {
    b: {
      type: "boolean",
      values: Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : i % 2 === 0),
    },
    f: { type: "float", values: Array.from({ length: n }, (_, i) => i % 11 === 0 ? null : i / 3) },
    i: { type: "integer", values: Array.from({ length: n }, (_, i) => i * 1_000_003 - 2 ** 40) },
    s: {
      type: "string",
      values: Array.from({ length: n }, (_, i) => i % 5 === 0 ? null : `é${i}€`.repeat(i % 4)),
    },
    t: { type: "datetime", values: Array.from({ length: n }, (_, i) => 1.7e12 + i) },
  };
  const columns: ArrowColumn[] = Object.entries(plain).map(([name, c]) => ({
    name,
    type: c.type,
    nullable: true,
  }));
  // Chunks of different sizes, so the reused buffer is both reused and grown.
  for (const rows of [1000, 5000, 3]) {
    for (const chunk of chunksOf(plain, rows)) {
      const want = chunkToIpc(chunk, columns);
      const got = chunkToIpcView(chunk, columns);
      assert.equal(got.length, want.length);
      assert.ok(got.every((b, k) => b === want[k]), `chunk ${chunk.index} of ${rows}`);
    }
  }
});

Deno.test("string columns with dictionary codes encode to the same bytes", () => {
  const words = ["USD", "", "Zürich", "東京", "e\u0301", "x".repeat(40)];
  const n = 3000;
  const plain: Record<string, PlainColumn> = {
    c: {
      type: "string",
      values: Array.from({ length: n }, (_, i) => i % 7 === 3 ? null : words[(i * 5) % 6]),
    },
    d: { type: "string", values: Array.from({ length: n }, (_, i) => words[i % 2]) },
  };
  const columns: ArrowColumn[] = [
    { name: "c", type: "string", nullable: true },
    { name: "d", type: "string", nullable: false },
  ];
  for (const chunk of chunksOf(plain, 1024)) {
    const coded = withCodes(chunk);
    assert.ok([...coded.columns.values()].every((c) => c.type === "string" && c.codes));
    assert.deepEqual(chunkToIpc(coded, columns), chunkToIpc(chunk, columns));
    assert.deepEqual(chunkToIpcView(coded, columns), chunkToIpc(chunk, columns));
  }
});
