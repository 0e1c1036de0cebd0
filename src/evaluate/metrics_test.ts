import assert from "node:assert/strict";
import {
  binShares,
  type Discrete,
  discreteOf,
  jensenShannonDistance,
  kolmogorovSurvival,
  ksPValue,
  ksStatistic,
  psi,
  PSI_EPSILON,
  quantileEdges,
  totalVariation,
  wasserstein1,
} from "./metrics.ts";

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (tol ${tol})`);
}

/** Weighted discrete distribution from unsorted values and weights (scipy argument order). */
function weighted(values: number[], weights: number[]): Discrete {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  return { values: idx.map((i) => values[i]), counts: idx.map((i) => weights[i]) };
}

Deno.test("PSI: hand-worked values and the empty-bin epsilon", () => {
  // (0.25-0.5) ln(0.25/0.5) + (0.75-0.5) ln(0.75/0.5) = 0.1732868 + 0.1013663 = 0.2746531
  close(psi([0.5, 0.5], [0.25, 0.75]), 0.27465307216702745, 1e-12);
  close(psi([0.5, 0.5], [0.5, 0.5]), 0);
  // Reference bin empty: its share becomes 1e-4.
  // (0.5-1) ln(0.5/1) + (0.5-1e-4) ln(0.5/1e-4) = 0.3465736 + 4.2577448 = 4.6043184
  assert.equal(PSI_EPSILON, 1e-4);
  close(psi([1, 0], [0.5, 0.5]), 0.5 * Math.LN2 + 0.4999 * Math.log(5000), 1e-12);
  close(psi([1, 0], [0.5, 0.5]), 4.604318, 1e-6);
  // A bin empty on both sides contributes nothing.
  close(psi([0.5, 0.5, 0], [0.25, 0.75, 0]), 0.27465307216702745, 1e-12);
});

Deno.test("PSI bins: reference deciles, right-closed, ties collapse", () => {
  const ref = discreteOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(quantileEdges(ref), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(binShares(ref, quantileEdges(ref)), new Array(10).fill(0.1));
  // Ties: cumulative shares 0.4, 0.7, 0.9, 1.0 -> edges 1, 2, 3.
  const tied = discreteOf([1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
  const edges = quantileEdges(tied);
  assert.deepEqual(edges, [1, 2, 3]);
  assert.deepEqual(binShares(tied, edges), [0.4, 0.3, 0.2, 0.1]);
  // Values beyond the reference range land in the outer bins.
  assert.deepEqual(binShares(discreteOf([0, 5, 5, 5]), edges), [0.25, 0, 0, 0.75]);
  // Constant reference: one edge, two bins.
  assert.deepEqual(quantileEdges(discreteOf([7, 7, 7])), [7]);
});

Deno.test("KS statistic: hand-worked, ties, identical", () => {
  // scipy.stats.ks_2samp([1,2,3],[2,3,4,5]).statistic == 0.5
  const a = discreteOf([1, 2, 3]);
  const b = discreteOf([2, 3, 4, 5]);
  assert.equal(ksStatistic(a, b), 0.5);
  // Ties: F_a(1)=0.5, F_b(1)=0.25; both 1 at 2.
  assert.equal(ksStatistic(discreteOf([1, 1, 2, 2]), discreteOf([1, 2, 2, 2])), 0.25);
  assert.equal(ksStatistic(a, a), 0);
  assert.equal(ksStatistic(discreteOf([0, 0]), discreteOf([1])), 1);
  assert.ok(Number.isNaN(ksStatistic(discreteOf([]), a)));
});

Deno.test("Kolmogorov survival and asymptotic KS p-value", () => {
  // Q(1) = 2 (e^-2 - e^-8 + e^-18 - ...) = 0.26999967167735456 = scipy.stats.kstwobign.sf(1)
  close(kolmogorovSurvival(1), 0.26999967167735456, 1e-12);
  // The classic 5% critical value: kstwobign.isf(0.05) = 1.3580986393225505.
  close(kolmogorovSurvival(1.3580986393225505), 0.05, 1e-9);
  // Both series branches agree around the switch point 1.18.
  const series = (l: number): number => {
    let s = 0;
    for (let k = 1; k <= 200; k++) s += (k % 2 ? 2 : -2) * Math.exp(-2 * k * k * l * l);
    return s;
  };
  for (const l of [0.5, 0.8, 1.17, 1.19, 2, 3]) close(kolmogorovSurvival(l), series(l), 1e-12);
  assert.equal(kolmogorovSurvival(0), 1);
  // ks_2samp([1,2,3],[2,3,4,5], method="asymp") style: D=0.5, en = 3*4/7, lambda = sqrt(en)*D.
  const lambda = Math.sqrt(12 / 7) * 0.5; // 0.6546537
  close(ksPValue(0.5, 3, 4), series(lambda), 1e-12);
  // 2 (e^-0.857143 - e^-3.428571 + e^-7.714286 - ...) = 2 (0.424373 - 0.032435 + 0.000446) = 0.78477
  close(ksPValue(0.5, 3, 4), 0.78477, 1e-5);
});

Deno.test("Wasserstein-1 against scipy's documented examples", () => {
  // scipy.stats.wasserstein_distance([0, 1, 3], [5, 6, 8]) == 5.0
  close(wasserstein1(discreteOf([0, 1, 3]), discreteOf([5, 6, 8])), 5);
  // wasserstein_distance([0, 1], [0, 1], [3, 1], [2, 2]) == 0.25
  close(wasserstein1(weighted([0, 1], [3, 1]), weighted([0, 1], [2, 2])), 0.25);
  // wasserstein_distance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5])
  //   == 4.0781331438047861
  close(
    wasserstein1(
      weighted([3.4, 3.9, 7.5, 7.8], [1.4, 0.9, 3.1, 7.2]),
      weighted([4.5, 1.4], [3.2, 3.5]),
    ),
    4.0781331438047861,
    1e-12,
  );
  // Ties and identical / constant inputs.
  close(wasserstein1(discreteOf([1, 1, 2]), discreteOf([1, 2, 2])), 1 / 3);
  assert.equal(wasserstein1(discreteOf([5, 5]), discreteOf([5])), 0);
  assert.equal(wasserstein1(discreteOf([5]), discreteOf([6, 6])), 1);
});

Deno.test("Jensen-Shannon distance (base 2) and total variation", () => {
  assert.equal(jensenShannonDistance([1, 0], [0, 1]), 1);
  assert.equal(jensenShannonDistance([3, 1], [6, 2]), 0); // counts are normalised
  // p=[.5,.5], q=[1,0], m=[.75,.25]:
  // JSD = .5(.5 log2(2/3) + .5 log2 2) + .5 log2(4/3) = 0.3112781; distance 0.5579230
  const jsd = 0.5 * (0.5 * Math.log2(0.5 / 0.75) + 0.5 * Math.log2(2)) + 0.5 * Math.log2(4 / 3);
  close(jensenShannonDistance([0.5, 0.5], [1, 0]), Math.sqrt(jsd), 1e-12);
  close(jensenShannonDistance([0.5, 0.5], [1, 0]), 0.557923, 1e-6);
  // Empty categories (0 on both sides) change nothing.
  close(jensenShannonDistance([0.5, 0.5, 0], [1, 0, 0]), Math.sqrt(jsd), 1e-12);
  assert.ok(Number.isNaN(jensenShannonDistance([0, 0], [1, 0])));
  assert.equal(totalVariation([0.5, 0.5], [1, 0]), 0.5);
  assert.equal(totalVariation([1, 0], [0, 1]), 1);
});
