/** Shard numbering and chunk ranges. */
import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseShard, shardRange } from "../../src/shard/mod.ts";

Deno.test("parseShard accepts 1-based i/n and rejects the rest", () => {
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  assert.deepEqual(parseShard("3/5"), { index: 3, count: 5 });
  for (const bad of ["0/3", "4/3", "x", "1/0", "-1/3", "1/3/4", "", "1.5/3", " /3"]) {
    assert.throws(() => parseShard(bad), UsageError, bad);
  }
});

Deno.test("shard ranges tile [0, C) in order, sizes differ by at most one", () => {
  for (let chunks = 1; chunks <= 40; chunks++) {
    for (let n = 1; n <= chunks; n++) {
      let next = 0;
      const sizes: number[] = [];
      for (let i = 1; i <= n; i++) {
        const r = shardRange({ index: i, count: n }, chunks);
        assert.equal(r.first, next, `C=${chunks} n=${n} i=${i}`);
        assert.ok(r.end > r.first, `empty shard C=${chunks} n=${n} i=${i}`);
        sizes.push(r.end - r.first);
        next = r.end;
      }
      assert.equal(next, chunks);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  }
});
