import assert from "node:assert/strict";
import { chunksOf, type PlainColumn } from "../profile/testing.ts";
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
