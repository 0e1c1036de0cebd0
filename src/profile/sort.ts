/**
 * Sorting finite float64 values by LSD radix on their IEEE-754 bits: the
 * same order as `Float64Array.prototype.sort()` for finite values without
 * -0 (callers normalise -0 to 0), several times faster at chunk sizes.
 *
 * Bits are mapped to unsigned keys that order like the numbers (negative:
 * every bit flipped; positive: the sign bit set), then sorted by six 11-bit
 * digits, low to high (histograms counted in one pass), skipping any digit
 * that is the same for every value. Input already in order is only copied.
 *
 * @module
 */

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/**
 * Turn one digit's histogram `h[base .. base + RADIX)` into start offsets
 * for a counting pass, unless `shared` (the first key's digit holds every
 * key: the pass cannot change the order). Returns whether to run the pass.
 */
function toOffsets(h: Uint32Array, base: number, shared: boolean): boolean {
  if (shared) return false;
  let sum = 0;
  for (let d = 0; d < RADIX; d++) {
    const c = h[base + d];
    h[base + d] = sum;
    sum += c;
  }
  return true;
}
/** Digits of 11 bits: the low word in 3 (11 + 11 + 10 bits), the high word in 3. */
const PASSES = 6;
/** Below this length the built-in sort is as fast. */
const SMALL = 256;

// Scratch reused across calls (sorting is synchronous): fresh large typed
// arrays cost page faults on every chunk.
let scratch = new Uint32Array(0);
const histograms = new Uint32Array(PASSES * RADIX);

function scratchOf(n: number): Uint32Array[] {
  if (scratch.length < 4 * n) scratch = new Uint32Array(4 * n);
  return [0, 1, 2, 3].map((k) => scratch.subarray(k * n, (k + 1) * n));
}

/**
 * The first `n` values of `values` (finite, no -0), ascending, in a new array
 * or in `into` when given (at least `n` long; the result is a view of it).
 */
export function sortedFloat64(
  values: Float64Array,
  n: number = values.length,
  into?: Float64Array,
): Float64Array {
  const target = (): Float64Array => into ? into.subarray(0, n) : new Float64Array(n);
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) ascending = values[i - 1] <= values[i];
  // Already in order (sequences, sorted inputs): nothing to do.
  if (ascending) {
    const t = target();
    t.set(values.subarray(0, n));
    return t;
  }
  if (n <= SMALL) {
    const t = target();
    t.set(values.subarray(0, n));
    return t.sort();
  }
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let [lo, hi, lo2, hi2] = scratchOf(n);
  const h = histograms;
  h.fill(0);
  for (let i = 0; i < n; i++) {
    let l = words[2 * i], u = words[2 * i + 1];
    if (u & 0x80000000) {
      l = ~l >>> 0;
      u = ~u >>> 0;
    } else u = (u | 0x80000000) >>> 0;
    lo[i] = l;
    hi[i] = u;
    // All six digit histograms in one pass over the keys.
    h[l & MASK]++;
    h[RADIX + ((l >>> 11) & MASK)]++;
    h[2 * RADIX + (l >>> 22)]++;
    h[3 * RADIX + (u & MASK)]++;
    h[4 * RADIX + ((u >>> 11) & MASK)]++;
    h[5 * RADIX + (u >>> 22)]++;
  }
  for (let pass = 0; pass < PASSES; pass++) {
    const src = pass < 3 ? lo : hi;
    const shift = (pass % 3) * BITS;
    const base = pass * RADIX;
    if (!toOffsets(h, base, h[base + ((src[0] >>> shift) & MASK)] === n)) continue;
    for (let i = 0; i < n; i++) {
      const at = h[base + ((src[i] >>> shift) & MASK)]++;
      lo2[at] = lo[i];
      hi2[at] = hi[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  const out = target();
  const outWords = new Uint32Array(out.buffer, out.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h & 0x80000000) {
      outWords[2 * i] = lo[i];
      outWords[2 * i + 1] = h & 0x7fffffff;
    } else {
      outWords[2 * i] = ~lo[i];
      outWords[2 * i + 1] = ~h;
    }
  }
  return out;
}

// Counts reused across calls, like the radix scratch.
let tallies = new Uint32Array(0);

/**
 * Counting sort for whole numbers in a narrow range: when every one of the
 * first `n` values (finite, no -0) is a whole number and `max - min + 1` is at
 * most `n / 2`, writes them ascending into `into` (at least `n` long), their
 * distinct values ascending into `distinct` and each one's count into `runs`,
 * and returns how many distinct values there are. Returns -1 (nothing
 * written) otherwise. `min` and `max` are the values' extremes.
 */
export function countingSort(
  values: Float64Array,
  n: number,
  bounds: { min: number; max: number },
  out: { into: Float64Array; distinct: Float64Array; runs: Float64Array },
): number {
  const { min, max } = bounds;
  const range = max - min + 1;
  if (!(n >= SMALL && range <= n >> 1 && Number.isInteger(min) && Number.isInteger(max))) {
    return -1;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== Math.floor(v)) return -1;
  }
  if (tallies.length < range) tallies = new Uint32Array(Math.max(range, 1024));
  const t = tallies;
  t.fill(0, 0, range);
  for (let i = 0; i < n; i++) t[values[i] - min]++;
  const { into, distinct, runs } = out;
  let k = 0;
  let at = 0;
  for (let d = 0; d < range; d++) {
    const c = t[d];
    if (c === 0) continue;
    const v = min + d;
    into.fill(v, at, at + c);
    at += c;
    distinct[k] = v;
    runs[k++] = c;
  }
  return k;
}

/** Above this many ascending runs the radix sort is cheaper than merging them. */
const MAX_RUNS = 16;
let runScratch = new Float64Array(0);

/**
 * Sort `values` (finite, no -0) in place, as {@link sortedFloat64} would, by
 * merging its ascending runs when there are few: a sketch level filled from
 * other sketches' levels and promotions is a handful of sorted runs.
 */
export function sortRunsInPlace(values: Float64Array): void {
  const n = values.length;
  const bounds = [0];
  for (let i = 1; i < n; i++) {
    if (values[i] < values[i - 1]) {
      bounds.push(i);
      if (bounds.length > MAX_RUNS) {
        values.set(sortedFloat64(values));
        return;
      }
    }
  }
  if (bounds.length === 1) return;
  bounds.push(n);
  if (runScratch.length < n) runScratch = new Float64Array(n);
  let src: Float64Array = values;
  let dst: Float64Array = runScratch.subarray(0, n);
  while (bounds.length > 2) {
    const next = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r], mid = bounds[r + 1], hi = bounds[r + 2] ?? mid;
      // Two runs [lo, mid) and [mid, hi) into dst[lo, hi); a last odd run is copied.
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
      next.push(hi);
    }
    const t = src;
    src = dst;
    dst = t;
    bounds.length = 0;
    bounds.push(...next);
  }
  if (src !== values) values.set(src);
}

/**
 * Grids tried by {@link gridSorted}, coarsest first: whole days, hours,
 * minutes and seconds of epoch milliseconds (value = k * step), then whole
 * numbers and 1 to 4 decimals (value = k / scale).
 */
const GRIDS: ReadonlyArray<{ step: number; scale: number }> = [
  { step: 86_400_000, scale: 0 },
  { step: 3_600_000, scale: 0 },
  { step: 60_000, scale: 0 },
  { step: 1000, scale: 0 },
  ...[1, 10, 100, 1000, 10000].map((scale) => ({ step: 0, scale })),
];
const MAX_KEY = 4294967295;
let gridKeys = new Uint32Array(0);
let gridSpare = new Uint32Array(0);
const gridHistograms = new Uint32Array(3 * RADIX);

/** The grid point k of v (k * step, or k / scale), exact when v is on the grid. */
function gridKey(v: number, step: number, scale: number): number {
  return step > 0 ? Math.floor(v / step + 0.5) : Math.floor(v * scale + 0.5);
}

/** The value of grid point k. */
function gridValue(k: number, step: number, scale: number): number {
  return step > 0 ? k * step : k / scale;
}

/**
 * Radix sort for values on a grid (whole days to whole seconds of epoch
 * milliseconds, whole numbers, or 1 to 4 decimals, as rounded generators
 * write them) spanning fewer than 2^32 grid points: each value is exactly
 * the value of its grid point k, so sorting the k - kMin as uint32 keys (at
 * most three 11-bit digits instead of six) sorts the values. Every value is
 * checked, so the output holds the input's very doubles, ascending, in `into`
 * (a view of it is returned). Returns null (nothing usable written) when the
 * values are not on such a grid or `n` is small; `min` and `max` are the
 * values' extremes.
 */
export function gridSorted(
  values: Float64Array,
  n: number,
  bounds: { min: number; max: number },
  into: Float64Array,
): Float64Array | null {
  if (n < SMALL) return null;
  const { min, max } = bounds;
  let step = 0, scale = 0;
  for (const g of GRIDS) {
    const span = g.step > 0 ? (max - min) / g.step : (max - min) * g.scale;
    if (!(span < MAX_KEY)) continue;
    // A quick look at the first values before the full pass.
    let ok = true;
    for (let i = 0; i < 32 && ok; i++) {
      const v = values[i];
      ok = gridValue(gridKey(v, g.step, g.scale), g.step, g.scale) === v;
    }
    if (ok) {
      step = g.step;
      scale = g.scale;
      break;
    }
  }
  if (step === 0 && scale === 0) return null;
  const kMin = gridKey(min, step, scale);
  if (gridKeys.length < n) {
    gridKeys = new Uint32Array(n);
    gridSpare = new Uint32Array(n);
  }
  let keys = gridKeys;
  let spare = gridSpare;
  const h = gridHistograms;
  h.fill(0);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const k = gridKey(v, step, scale);
    // Off the grid (or outside the uint32 span): the caller sorts the doubles.
    if (gridValue(k, step, scale) !== v || k - kMin < 0 || k - kMin > MAX_KEY) return null;
    const key = k - kMin;
    keys[i] = key;
    h[key & MASK]++;
    h[RADIX + ((key >>> 11) & MASK)]++;
    h[2 * RADIX + (key >>> 22)]++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * BITS;
    const base = pass * RADIX;
    if (!toOffsets(h, base, h[base + ((keys[0] >>> shift) & MASK)] === n)) continue;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      spare[h[base + ((key >>> shift) & MASK)]++] = key;
    }
    [keys, spare] = [spare, keys];
  }
  const out = into.subarray(0, n);
  for (let i = 0; i < n; i++) out[i] = gridValue(keys[i] + kMin, step, scale);
  return out;
}
