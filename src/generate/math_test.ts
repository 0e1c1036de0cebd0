import assert from "node:assert/strict";
import {
  betaI,
  betaQuantile,
  choleskyPsd,
  distCdf,
  distQuantile,
  gammaP,
  gammaQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  poissonQuantile,
  roundHalfUp,
} from "./math.ts";

function close(a: number, b: number, tol: number, what = "") {
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);
}

Deno.test("special functions match reference values", () => {
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, "lgamma(0.5)");
  close(logGamma(10), Math.log(362880), 1e-12, "lgamma(10)");
  close(normalCdf(1.959963984540054), 0.975, 1e-15, "Phi");
  close(normalCdf(-3), 0.0013498980316300946, 1e-17, "Phi(-3)");
  close(normalQuantile(0.975), 1.959963984540054, 1e-14, "Phi^-1");
  close(normalQuantile(1e-10), -6.361340902404056, 1e-11, "Phi^-1 tail");
  close(gammaP(2, 3), 1 - 4 * Math.exp(-3), 1e-15, "P(2,3)");
  close(betaI(0.3, 2, 3), 0.3483, 1e-12, "I(0.3;2,3)");
  close(gammaQuantile(2, gammaP(2, 3)), 3, 1e-12, "gamma quantile");
  close(betaQuantile(2, 3, 0.3483), 0.3, 1e-12, "beta quantile");
  assert.equal(poissonQuantile(4, 0.5), 4);
  assert.equal(poissonQuantile(100, 0.5), 100);
});

Deno.test("quantile inverts CDF for every distribution", () => {
  const dists = [
    { kind: "uniform", min: -2, max: 5 },
    { kind: "normal", mean: 50, std: 10 },
    { kind: "lognormal", mu: 3, sigma: 0.8 },
    { kind: "exponential", mean: 4 },
    { kind: "gamma", shape: 0.7, scale: 3 },
    { kind: "gamma", shape: 9, scale: 0.5 },
    { kind: "beta", alpha: 0.5, beta: 2.5, min: 0, max: 1 },
    { kind: "beta", alpha: 3, beta: 3, min: 10, max: 20 },
  ] as const;
  for (const d of dists) {
    for (const p of [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6]) {
      close(distCdf(d, distQuantile(d, p)), p, 1e-9, `${d.kind} p=${p}`);
    }
  }
  const pois = { kind: "poisson", lambda: 250 } as const;
  for (const p of [0.01, 0.5, 0.99]) {
    const k = distQuantile(pois, p);
    assert.ok(distCdf(pois, k) >= p && distCdf(pois, k - 1) < p);
  }
});

Deno.test("Cholesky accepts PSD (also singular) and rejects indefinite matrices", () => {
  const l = choleskyPsd([[1, 0.5], [0.5, 1]])!;
  close(l[1][0], 0.5, 1e-15);
  close(l[1][1], Math.sqrt(0.75), 1e-15);
  assert.ok(choleskyPsd([[1, 1], [1, 1]]), "singular but PSD");
  assert.equal(choleskyPsd([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]), undefined);
});

Deno.test("roundHalfUp equals Math.round (up to the sign of zero) on edges and random doubles", () => {
  const same = (x: number) => {
    const want = Math.round(x);
    const got = roundHalfUp(x);
    if (got !== want) assert.fail(`roundHalfUp(${x}) = ${got}, Math.round gives ${want}`);
  };
  const edges = [
    0,
    -0,
    0.5,
    -0.5,
    1.5,
    -1.5,
    2.5,
    -2.5,
    0.49999999999999994,
    -0.49999999999999994,
    0.5000000000000001,
    -0.5000000000000001,
    4503599627370495.5,
    -4503599627370495.5,
    4503599627370496,
    2 ** 53,
    -(2 ** 53),
    2 ** 60 + 2048,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    1e-300,
    -1e-300,
    1 - 2 ** -53,
    -(1 - 2 ** -53),
  ];
  for (const x of edges) same(x);
  // Not finite: NaN, as the earlier formula gave (rounded values stay the same bits).
  for (const x of [Infinity, -Infinity, NaN]) assert.ok(Number.isNaN(roundHalfUp(x)));
  // Neighbours of every half from -40.5 to 40.5.
  for (let k = -81; k <= 81; k += 2) {
    const h = k / 2;
    for (const x of [h, h - 2 ** -45, h + 2 ** -45]) same(x);
  }
  const words = new Uint32Array(2);
  const f = new Float64Array(words.buffer);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200_000; i++) {
    words[0] = next();
    // Magnitudes from 2^-8 to 2^60 (where rounding matters), both signs.
    words[1] = (next() & 0x800fffff) | ((1015 + (next() % 68)) << 20);
    same(f[0]);
    same(f[0] * 100);
    // Any finite exponent (tiny and huge magnitudes).
    words[1] = (next() & 0x800fffff) | ((next() % 2047) << 20);
    same(f[0]);
  }
});

Deno.test("Poisson quantiles of huge means cost O(1) and stay near the exact ones", async () => {
  const { poissonQuantile, POISSON_APPROX_LAMBDA, distCdf } = await import("./math.ts");
  const t0 = performance.now();
  for (const lambda of [1e6, 1e9, 1e15, 1e99]) {
    let last = -1;
    for (const p of [1e-12, 0.01, 0.5, 0.99, 1 - 1e-12]) {
      const k = poissonQuantile(lambda, p);
      assert.ok(Number.isFinite(k) && k >= last, `${lambda} ${p} -> ${k}`);
      last = k;
    }
    const c = distCdf({ kind: "poisson", lambda }, lambda);
    assert.ok(c > 0.49 && c < 0.51, `cdf at the mean of ${lambda}: ${c}`);
  }
  assert.ok(performance.now() - t0 < 1000);
  // Just above the threshold the approximation agrees with the exact incomplete-gamma CDF.
  const lambda = POISSON_APPROX_LAMBDA;
  for (const p of [0.001, 0.3, 0.5, 0.7, 0.999]) {
    const k = poissonQuantile(lambda, p);
    const below = distCdf({ kind: "poisson", lambda: lambda - 1e-9 }, k - 1);
    const at = distCdf({ kind: "poisson", lambda: lambda - 1e-9 }, k);
    assert.ok(below < p + 1e-6 && at > p - 1e-6, `${p}: k ${k}, cdf ${below}..${at}`);
  }
});
