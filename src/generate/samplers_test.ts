/**
 * The table samplers return exactly what the direct searches return; the
 * rejection samplers match the moments of their distributions (their
 * goodness of fit is tested through generated columns in distributions_test.ts).
 */
import assert from "node:assert/strict";
import { Rng } from "../rng/mod.ts";
import { distCdf, poissonQuantile } from "./math.ts";
import { BetaSampler, CdfTable, GammaSampler, poissonQuantileFn } from "./samplers.ts";

Deno.test("CdfTable.search equals a linear scan, strict and not, with plateaus", () => {
  const rng = new Rng(Uint32Array.from([3, 1, 4, 1]));
  const w = [0.2, 0, 0, 1.3, 0.01, 0, 2, 0.5, 0, 0];
  const cum = new Float64Array(w.length);
  let acc = 0;
  w.forEach((x, j) => (cum[j] = acc += x));
  const linear = (p: number, strict: boolean) => {
    let j = 0;
    while (j < cum.length - 1 && (strict ? cum[j] <= p : cum[j] < p)) j++;
    return j;
  };
  for (const strict of [true, false]) {
    const t = new CdfTable(cum, strict);
    const ps = [
      0,
      acc,
      0.2,
      1.5,
      1.51,
      3.51,
      ...Array.from({ length: 5000 }, () => rng.nextFloat() * acc),
    ];
    for (const p of ps) assert.equal(t.search(p), linear(p, strict), `p=${p} strict=${strict}`);
  }
});

Deno.test("CdfTable.search equals a linear scan at step and bucket edges and their neighbours", () => {
  const rng = new Rng(Uint32Array.from([9, 2, 6, 5]));
  const bits = new Float64Array(1);
  const words = new BigInt64Array(bits.buffer);
  // The doubles just below and above x.
  const around = (x: number) => {
    bits[0] = x;
    const w = words[0];
    const out = [x];
    for (const d of [-2n, -1n, 1n, 2n]) {
      words[0] = w + (x < 0 ? -d : d);
      if (!Number.isNaN(bits[0])) out.push(bits[0]);
    }
    return out;
  };
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + (trial % 30);
    const cum = new Float64Array(n);
    let acc = 0;
    for (let j = 0; j < n; j++) {
      // Plateaus (zero weights), tiny and large weights.
      const u = rng.nextFloat();
      cum[j] = acc += u < 0.2 ? 0 : u < 0.3 ? 1e-12 : u * (trial % 2 === 0 ? 1 : 1000);
    }
    if (acc === 0) continue;
    const linear = (p: number, strict: boolean) => {
      let j = 0;
      while (j < n - 1 && (strict ? cum[j] <= p : cum[j] < p)) j++;
      return j;
    };
    const ps: number[] = [0, -1, acc * 2];
    for (const c of cum) ps.push(...around(c));
    const m = Math.min(Math.max(32 * n, 256), 1 << 16);
    for (let j = 1; j < m; j++) ps.push(...around((j * acc) / m));
    for (let i = 0; i < 2000; i++) ps.push(rng.nextFloat() * acc);
    for (const strict of [true, false]) {
      const t = new CdfTable(cum, strict);
      for (const p of ps) {
        const got = t.search(p);
        if (got !== linear(p, strict)) assert.fail(`n=${n} strict=${strict} p=${p}: ${got}`);
      }
    }
  }
});

Deno.test("poissonQuantileFn gives poissonQuantile's answers (small and large lambda)", () => {
  const rng = new Rng(Uint32Array.from([2, 7, 1, 8]));
  for (const lambda of [0.05, 1.5, 7, 29.9, 30, 250]) {
    const d = { kind: "poisson", lambda } as const;
    const q = poissonQuantileFn(lambda, poissonQuantile, (k) => distCdf(d, k));
    const ps = [1e-300, 1e-12, 0.5, 1 - 1e-12, 1 - 2 ** -53];
    for (let i = 0; i < 3000; i++) ps.push(rng.nextOpenFloat());
    for (const p of ps) assert.equal(q(p), poissonQuantile(lambda, p), `lambda=${lambda} p=${p}`);
  }
});

Deno.test("gamma and beta samplers: sample mean and variance match", () => {
  const rng = new Rng(Uint32Array.from([5, 5, 5, 5]));
  const n = 200_000;
  const check = (next: () => number, mean: number, variance: number, what: string) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = next();
      s += x;
      s2 += x * x;
    }
    const m = s / n;
    const v = s2 / n - m * m;
    // 5 standard errors of the mean; 5 % on the variance.
    assert.ok(Math.abs(m - mean) < 5 * Math.sqrt(variance / n), `${what} mean ${m} vs ${mean}`);
    assert.ok(Math.abs(v / variance - 1) < 0.05, `${what} variance ${v} vs ${variance}`);
  };
  for (const a of [0.2, 1, 2, 30]) {
    const g = new GammaSampler(a);
    check(() => g.next(rng), a, a, `gamma(${a})`);
  }
  for (const [a, b] of [[2, 5], [0.5, 0.5], [0.3, 4]]) {
    const bs = new BetaSampler(a, b);
    const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
    check(() => bs.next(rng), a / (a + b), v, `beta(${a}, ${b})`);
  }
  assert.throws(() => new GammaSampler(0), RangeError);
});
