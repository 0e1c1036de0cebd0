/**
 * A deterministic mergeable quantile sketch (KLL-style compactor hierarchy
 * with equal level capacities, as in Manku-Rajagopalan-Lindsay).
 *
 * - Level h holds up to {@link SKETCH_LEVEL_CAPACITY} (k) items of weight 2^h.
 * - When a level is full it is sorted and every other item is promoted to
 *   level h+1. The choice of odd or even positions alternates per level with a
 *   counter (never random), so repeated compactions do not bias ranks in one
 *   direction and the result depends only on the sequence of values.
 * - Each compaction at level h changes the rank of any query point by at most
 *   2^h. The sketch sums these worst-case errors, so {@link QuantileSketch.rankErrorBound}
 *   is a guaranteed (not probabilistic) bound on the absolute rank error, as a
 *   fraction of n. It is about log2(n / k) / k: e.g. <= 0.3% at n = 10^7 with
 *   k = 4096.
 * - Total weight is preserved exactly (k is even), so weights sum to n.
 *
 * @module
 */

import { sortRunsInPlace } from "./sort.ts";

/** Items per level before compaction (even). */
export const SKETCH_LEVEL_CAPACITY = 4096;

/** Sorted weighted items: `values` ascending, `weights` positive integers. */
export interface WeightedItems {
  values: Float64Array;
  weights: Float64Array;
}

/**
 * A sketch's retained items per level (level h items weigh 2^h), plus its
 * count and accumulated error weight: what crosses a worker boundary to be
 * merged with {@link QuantileSketch.merge}. Structured-cloneable.
 */
export interface SketchState {
  n: number;
  errorWeight: number;
  levels: Float64Array[];
}

/**
 * The state of an empty sketch after {@link QuantileSketch.addSorted} of
 * ascending `values`, computed level by level instead of item by item: each
 * level's input is ascending, its full blocks of k compact in order (parity
 * alternating from even), and what is left is the level's content. The same
 * state, without allocating the sketch's level buffers (one per chunk and
 * column in the workers).
 */
export function sortedSketchState(
  values: Float64Array,
  k: number = SKETCH_LEVEL_CAPACITY,
): SketchState {
  if (k < 2 || k % 2 !== 0) throw new RangeError("sketch capacity must be even and >= 2");
  const levels: Float64Array[] = [];
  if (values.length === 0) return { n: 0, errorWeight: 0, levels };
  let errorWeight = 0;
  let cur = values;
  for (let h = 0;; h++) {
    const blocks = Math.floor(cur.length / k);
    levels.push(cur.slice(blocks * k));
    if (blocks === 0) break;
    const next = new Float64Array((blocks * k) / 2);
    // One call per block, not an inner loop (see copyBytes in src/arrow/ipc.ts).
    for (let b = 0; b < blocks; b++) promoteBlock(cur, b * k, k, b & 1, next, (b * k) / 2);
    errorWeight += blocks * 2 ** h;
    cur = next;
  }
  return { n: values.length, errorWeight, levels };
}

/** Every other item of `from[base, base + k)`, starting at `base + parity`, into `to` at `at`. */
function promoteBlock(
  from: Float64Array,
  base: number,
  k: number,
  parity: number,
  to: Float64Array,
  at: number,
): void {
  let m = at;
  for (let j = base + parity; j < base + k; j += 2) to[m++] = from[j];
}

/** Deterministic quantile sketch over finite float64 values. */
export class QuantileSketch {
  #levels: Float64Array[] = [];
  /** One spare buffer per level, swapped in on compaction (no allocation per compaction). */
  #spares: Float64Array[] = [];
  #sizes: number[] = [];
  #parity: number[] = [];
  #n = 0;
  #errorWeight = 0;
  readonly #k: number;
  /** Set by {@link addSorted}: every level is filled in ascending order already. */
  #sortedInput = false;

  /** `k` (even, >= 2) is overridable for tests only. */
  constructor(k: number = SKETCH_LEVEL_CAPACITY) {
    if (k < 2 || k % 2 !== 0) throw new RangeError("sketch capacity must be even and >= 2");
    this.#k = k;
  }

  /** Number of values added. */
  get n(): number {
    return this.#n;
  }

  /** Guaranteed bound on |estimated rank - true rank| / n for any query. */
  get rankErrorBound(): number {
    return this.#n === 0 ? 0 : this.#errorWeight / this.#n;
  }

  /** Add one value. */
  add(v: number): void {
    this.#n++;
    this.#push(0, v);
  }

  /**
   * Add ascending values to an empty sketch: exactly the result of adding
   * them one by one, without sorting levels that are already in order
   * (promotions from ascending input arrive ascending at every level).
   */
  addSorted(values: Float64Array): void {
    if (this.#n !== 0) throw new Error("addSorted needs an empty sketch");
    this.#sortedInput = true;
    try {
      const k = this.#k;
      let i = 0;
      if (values.length >= k) {
        // Whole blocks of k would fill level 0 and compact at once: promote
        // directly what that compaction would promote (same parity, same error).
        this.#ensureLevel(1);
        for (; i + k <= values.length; i += k) {
          const offset = this.#parity[0];
          this.#parity[0] ^= 1;
          this.#errorWeight += 1;
          this.#n += k;
          for (let j = offset; j < k; j += 2) this.#push(1, values[i + j]);
        }
      }
      for (; i < values.length; i++) {
        this.#n++;
        this.#push(0, values[i]);
      }
    } finally {
      this.#sortedInput = false;
    }
  }

  /** Retained items and counters (copies), for {@link merge} elsewhere. */
  state(): SketchState {
    return {
      n: this.#n,
      errorWeight: this.#errorWeight,
      levels: this.#levels.map((l, h) => l.slice(0, this.#sizes[h])),
    };
  }

  /**
   * Merge another sketch's state: its items enter the same levels (weights
   * are kept) and compact as usual, so the guaranteed bound stays the sum of
   * both sketches' compaction errors plus the new ones. Deterministic for a
   * fixed merge order.
   */
  merge(other: SketchState): void {
    this.#n += other.n;
    this.#errorWeight += other.errorWeight;
    for (let h = 0; h < other.levels.length; h++) {
      const items = other.levels[h];
      for (let i = 0; i < items.length; i++) this.#push(h, items[i]);
    }
  }

  #ensureLevel(h: number): void {
    while (this.#levels.length <= h) {
      this.#levels.push(new Float64Array(this.#k));
      this.#spares.push(new Float64Array(this.#k));
      this.#sizes.push(0);
      this.#parity.push(0);
    }
  }

  #push(h: number, v: number): void {
    if (h >= this.#levels.length) this.#ensureLevel(h);
    this.#levels[h][this.#sizes[h]++] = v;
    if (this.#sizes[h] === this.#k) this.#compact(h);
  }

  #compact(h: number): void {
    const buf = this.#levels[h];
    // Swap in the spare buffer first: promotions cascade upwards only, but the
    // level must be empty and writable while its old items are read.
    this.#levels[h] = this.#spares[h];
    this.#spares[h] = buf;
    this.#sizes[h] = 0;
    if (!this.#sortedInput) sortRunsInPlace(buf);
    const offset = this.#parity[h];
    this.#parity[h] ^= 1;
    this.#errorWeight += 2 ** h;
    for (let i = offset; i < this.#k; i += 2) this.#push(h + 1, buf[i]);
  }

  /** All retained items sorted by value, with their weights (ties keep both). */
  items(): WeightedItems {
    let total = 0;
    for (const s of this.#sizes) total += s;
    const pairs: Array<[number, number]> = [];
    for (let h = 0; h < this.#levels.length; h++) {
      const w = 2 ** h;
      for (let i = 0; i < this.#sizes[h]; i++) pairs.push([this.#levels[h][i], w]);
    }
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const values = new Float64Array(total);
    const weights = new Float64Array(total);
    for (let i = 0; i < total; i++) {
      values[i] = pairs[i][0];
      weights[i] = pairs[i][1];
    }
    return { values, weights };
  }
}
