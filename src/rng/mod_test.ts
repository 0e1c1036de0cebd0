import assert from "node:assert/strict";
import { Rng, runSeed, streamState } from "./mod.ts";

Deno.test("runSeed is SHA-256 of dataset:version", async () => {
  // echo -n "finance_transactions:v1" | sha256sum
  assert.equal(
    await runSeed("finance_transactions", "v1"),
    "dcf34a778ca4bb60cf053f29e03786865b558cea3e9c52abb177378ab93ca122",
  );
});

Deno.test("xoshiro128** known answers from state [1,2,3,4]", () => {
  // Reference values of the C implementation seeded with s = {1, 2, 3, 4}.
  const rng = new Rng(Uint32Array.from([1, 2, 3, 4]));
  const got = Array.from({ length: 6 }, () => rng.nextU32());
  assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("streams differ by name and chunk and are reproducible", async () => {
  const a = await streamState("ab", "amount", 0);
  const b = await streamState("ab", "amount", 1);
  const c = await streamState("ab", "amount", 0);
  assert.notDeepEqual(a, b);
  assert.deepEqual(a, c);
});

Deno.test("nextFloat in [0,1), nextInt unbiased range", () => {
  const rng = new Rng(Uint32Array.from([9, 8, 7, 6]));
  for (let i = 0; i < 10000; i++) {
    const u = rng.nextFloat();
    assert.ok(u >= 0 && u < 1);
    const k = rng.nextInt(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
});
