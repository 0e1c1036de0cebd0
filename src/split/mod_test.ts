import assert from "node:assert/strict";
import { holdoutMask, holdoutSplit, isHoldout } from "./mod.ts";

const SHA = "a".repeat(64);

Deno.test("the split is fixed by the file hash and the fraction", async () => {
  const a = await holdoutSplit(SHA, 0.2);
  const b = await holdoutSplit(SHA, 0.2);
  assert.deepEqual(holdoutMask(a, 0, 1000), holdoutMask(b, 0, 1000));
  const c = await holdoutSplit("b".repeat(64), 0.2);
  assert(holdoutMask(a, 0, 1000).some((v, i) => v !== holdoutMask(c, 0, 1000)[i]));
  // Pinned: a change of the hash function moves rows between fit and compare.
  assert.equal([...holdoutMask(a, 0, 40)].join(""), "0001100010000000000000001000000100110010");
});

Deno.test("rows are decided alone: a chunk's mask equals the slice of the whole", async () => {
  const s = await holdoutSplit(SHA, 0.3);
  const whole = holdoutMask(s, 0, 5000);
  assert.deepEqual(holdoutMask(s, 1234, 100), whole.subarray(1234, 1334));
  assert.deepEqual(isHoldout(s, 4999), whole[4999] === 1);
});

Deno.test("the holdout share is the fraction within binomial error", async () => {
  for (const fraction of [0, 0.1, 0.2, 0.5]) {
    const s = await holdoutSplit(SHA, fraction);
    const n = 200_000;
    let held = 0;
    for (const v of holdoutMask(s, 0, n)) held += v;
    const sd = Math.sqrt(n * fraction * (1 - fraction));
    assert(Math.abs(held - n * fraction) <= 5 * sd + 1e-9, `${fraction}: ${held}`);
  }
  // Rows beyond 2^32 use the high word too.
  const s = await holdoutSplit(SHA, 0.5);
  const hiMask = [...Array(64)].map((_, i) => isHoldout(s, 2 ** 32 * 3 + i));
  const loMask = [...Array(64)].map((_, i) => isHoldout(s, i));
  assert(hiMask.some((v, i) => v !== loMask[i]));
});

Deno.test("a fraction outside [0, 1) is refused", async () => {
  for (const f of [-0.1, 1, 1.5, NaN]) {
    let threw = false;
    await holdoutSplit(SHA, f).catch(() => threw = true);
    assert(threw, String(f));
  }
});
