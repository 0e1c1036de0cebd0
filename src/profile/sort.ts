/**
 * Sorting finite float64 values: the same order as
 * `Float64Array.prototype.sort()` for finite values without -0 (callers
 * normalise -0 to 0), several times faster at chunk sizes.
 *
 * Input already in order (sequences, sorted columns) is only copied, and short
 * input goes to the built-in sort. Otherwise one pass finds the minimum and
 * the maximum, and the values are tried, in turn, as points of a decimal grid,
 * which profiled columns mostly are: whole numbers (ids, counts, days), whole
 * thousands (epoch ms of whole seconds) and hundredths (money; tenths too).
 * Each value gets a 32-bit integer key, its offset on the grid from the
 * minimum, and must be exactly its key's value (checked while keys are made, so
 * off-grid data fails at its first off-grid value); keys spanning 2^32 or more
 * fail too. Mapping keys back to values is monotone, so key order is value
 * order and the written-back values are the input values. Keys are sorted by a
 * counting sort when they span less than half the length (output written
 * straight from the counts), otherwise by LSD radix over at most three digits
 * of at most 13 bits; only keys move, not the values.
 *
 * Other values go through their IEEE-754 bits: mapped to unsigned 64-bit keys
 * that order like the numbers (negative: every bit flipped; positive: the sign
 * bit set). All keys share the leading bits of the keys of the minimum and the
 * maximum, so two LSD digits on the following (at most 26) bits of the high
 * word order the values up to runs equal in those bits, which one insertion
 * sort pass over the output then fixes. Concentrated values would leave long
 * runs (predicted from a sorted sample, or found when the insertion sort
 * exceeds a budget of moves): those are sorted by LSD radix on whole keys
 * instead, six 11-bit digits, skipping any digit the same for every value.
 *
 * @module
 */

/** Digits of whole-key radix: six of 11 bits (the last of each word 10). */
const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
/** Below this length the built-in sort is as fast. */
const SMALL = 256;
/**
 * Digits of grid keys and of the high-word window: at most 13 bits. Wider
 * than 11 because two 13-bit passes beat three narrower ones on 26-bit keys
 * (epoch seconds in a year) at chunk sizes.
 */
const WIDE = 13;
const WIDE_RADIX = 1 << WIDE;
/** High-word bits ordered before the insertion sort: two wide digits. */
const WINDOW = 2 * WIDE;
/** Fewer high-word bits varying than this (values in a narrow range): whole keys. */
const MIN_WINDOW = 16;
/** At most this many values sampled to predict the runs the window leaves. */
const SAMPLES = 1024;
/**
 * Predicted mean run length (weighted by values) over this: whole keys. The
 * insertion sort of runs about 3 long already costs as much as the radix passes
 * it saves.
 */
const LONG_RUN = 3;
/** Insertion sort moves allowed per value before giving up for whole keys. */
const MOVES = 1.5;
/** Grids tried, as x * 10^e integer: whole numbers, whole thousands, hundredths. */
const EXPONENTS = [0, -3, 2];

// Scratch reused across calls (sorting is synchronous): fresh large typed
// arrays cost page faults on every chunk.
let scratch = new Uint32Array(0);
let counts = new Uint32Array(0);
const histograms = new Uint32Array(3 * WIDE_RADIX);

function scratchOf(n: number, parts: number): Uint32Array {
  if (scratch.length < parts * n) scratch = new Uint32Array(parts * n);
  return scratch;
}

/**
 * The first `n` values of `values` (finite, no -0), ascending, in a new array
 * or in `into` when given (at least `n` long; the result is a view of it).
 * `into` may be `values` itself: every input is read before output is written.
 */
export function sortedFloat64(
  values: Float64Array,
  n: number = values.length,
  into?: Float64Array,
): Float64Array {
  const out = into ? into.subarray(0, n) : new Float64Array(n);
  if (n === 0) return out;
  let i = 1;
  while (i < n && values[i - 1] <= values[i]) i++;
  // Already in order (sequences, sorted inputs): only copied.
  if (i === n || n <= SMALL) {
    out.set(values.subarray(0, n));
    return i === n ? out : out.sort();
  }
  // Unsorted input usually stops the scan above within a few values.
  let min = values[0], max = min;
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  for (const e of EXPONENTS) {
    if (scaledSort(values, n, min, max, e, out)) return out;
  }
  bitsSort(values, n, min, max, out);
  return out;
}

/**
 * Sorts `values` into `out` as points of the grid of step 10^-e (see the
 * module comment). Key k = trunc(x * f - o + 0.5), f = 10^e; its value is
 * (c + k * m) / q: min + k * 10^-e for e <= 0 (o = min * f; exact for whole
 * numbers), (o + k) / 10^e for e > 0 (o = round(min * f); the correctly
 * rounded quotient, as `Math.round(x * 100) / 100` makes values). Keys are
 * only estimates: every value must equal its key's value, and key to value is
 * monotone (rounded +, * and / are), so key order is value order. False, with
 * `out` untouched, when a value is off the grid or the keys span 2^32 or more.
 */
function scaledSort(
  values: Float64Array,
  n: number,
  min: number,
  max: number,
  e: number,
  out: Float64Array,
): boolean {
  // The division is skipped when q is 1: it would cost as much as the rest
  // of the pass.
  const f = 10 ** e;
  let o: number, c: number, m: number, q: number;
  if (e <= 0) {
    o = min * f;
    c = min;
    m = 10 ** -e;
    q = 1;
  } else {
    o = Math.round(min * f);
    c = o;
    m = 1;
    q = f;
  }
  const top = max * f - o + 0.5;
  // Wider spans do not fit 32-bit keys (NaN fails too).
  if (!(top < 2 ** 32)) return false;
  const span = top >>> 0;
  // Small spans (ids, counts, days): count, then write each value's run.
  if (2 * span < n) {
    if (counts.length <= span) counts = new Uint32Array(Math.max(span + 1, 2 * counts.length));
    const h = counts;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      const k = (x * f - o + 0.5) >>> 0;
      const t = c + k * m;
      if (k > span || (q === 1 ? t : t / q) !== x) {
        h.fill(0, 0, span + 1);
        return false;
      }
      h[k]++;
    }
    let at = 0;
    for (let k = 0; k <= span; k++) {
      const run = h[k];
      if (run === 0) continue;
      h[k] = 0; // left clean for the next call
      const t = c + k * m;
      const v = q === 1 ? t : t / q;
      const end = at + run;
      // Long runs (counts, flags) are filled natively; a call per short run costs more.
      if (run > 16) {
        out.fill(v, at, end);
        at = end;
      } else while (at < end) out[at++] = v;
    }
    return true;
  }
  const bits = 32 - Math.clz32(span);
  const passes = Math.ceil(bits / WIDE);
  const width = Math.ceil(bits / passes);
  const mask = (1 << width) - 1;
  const buf = scratchOf(n, 2);
  let a = buf.subarray(0, n), b = buf.subarray(n, 2 * n);
  const h = histograms;
  h.fill(0, 0, passes * WIDE_RADIX);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const k = (x * f - o + 0.5) >>> 0;
    const t = c + k * m;
    if (k > span || (q === 1 ? t : t / q) !== x) return false;
    a[i] = k;
    // Every digit's histogram in the same pass.
    h[k & mask]++;
    if (passes > 1) h[WIDE_RADIX + ((k >>> width) & mask)]++;
    if (passes > 2) h[2 * WIDE_RADIX + (k >>> (2 * width))]++;
  }
  for (let p = 0; p < passes; p++) {
    const shift = p * width;
    const base = p * WIDE_RADIX;
    // A digit shared by every value cannot change the order.
    if (h[base + ((a[0] >>> shift) & mask)] === n) continue;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = h[base + d];
      h[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = a[i];
      b[h[base + ((k >>> shift) & mask)]++] = k;
    }
    [a, b] = [b, a];
  }
  if (q === 1) { for (let i = 0; i < n; i++) out[i] = c + a[i] * m; }
  else for (let i = 0; i < n; i++) out[i] = (c + a[i]) / q;
  return true;
}

const one = new Float64Array(1);
const oneWords = new Uint32Array(one.buffer);
/** High word of the ordered 64-bit key of `x` (see {@link bitsSort}). */
function highKey(x: number): number {
  one[0] = x;
  const u = oneWords[1];
  return (u & 0x80000000 ? ~u : u | 0x80000000) >>> 0;
}

const sample = new Float64Array(SAMPLES);

/**
 * Whether runs of keys equal in the high-word bits from `low` up look long
 * (mean over {@link LONG_RUN}): estimated from how many neighbours in a
 * sorted sample of the values are distinct but in the same run.
 */
function concentrated(values: Float64Array, n: number, low: number): boolean {
  // Sparse enough that a run rarely holds two samples unless it is long.
  const s = Math.min(SAMPLES, n >>> 6);
  const step = n / s;
  const sorted = sample.subarray(0, s);
  for (let i = 0; i < s; i++) sorted[i] = values[Math.floor(i * step)];
  sorted.sort();
  let same = 0;
  for (let i = 1; i < s; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (a !== b && highKey(a) >>> low === highKey(b) >>> low) same++;
  }
  // Neighbours within runs: about s^2 * L / (2n) for mean run length L.
  return 2 * n * same > LONG_RUN * s * s;
}

/**
 * Sorts by IEEE-754 bits, as unsigned 64-bit keys split in a low and a high
 * word. Every key lies between the keys of min and max, so only high-word
 * bits below their common leading bits vary: two LSD digits on the leading
 * (at most 26) of those leave only runs of keys equal there out of order,
 * and one insertion sort pass fixes those. Concentrated values (long runs)
 * are instead sorted by LSD radix on whole keys.
 */
function bitsSort(
  values: Float64Array,
  n: number,
  min: number,
  max: number,
  out: Float64Array,
): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const buf = scratchOf(n, 4);
  let lo = buf.subarray(0, n), hi = buf.subarray(n, 2 * n);
  let lo2 = buf.subarray(2 * n, 3 * n), hi2 = buf.subarray(3 * n, 4 * n);
  const top = 32 - Math.clz32(highKey(min) ^ highKey(max));
  const low = Math.max(0, top - WINDOW);
  const windowed = top >= MIN_WINDOW && !concentrated(values, n, low);
  const width = Math.ceil((top - low) / 2);
  const mask = (1 << width) - 1;
  const h = histograms;
  // Histograms of the digits sorted next, counted while keys are made.
  h.fill(0, 0, windowed ? 2 * WIDE_RADIX : 6 * RADIX);
  for (let i = 0; i < n; i++) {
    let l = words[2 * i], u = words[2 * i + 1];
    if (u & 0x80000000) {
      l = ~l >>> 0;
      u = ~u >>> 0;
    } else u = (u | 0x80000000) >>> 0;
    lo[i] = l;
    hi[i] = u;
    if (windowed) {
      h[(u >>> low) & mask]++;
      h[WIDE_RADIX + ((u >>> (low + width)) & mask)]++;
    } else {
      h[l & MASK]++;
      h[RADIX + ((l >>> 11) & MASK)]++;
      h[2 * RADIX + (l >>> 22)]++;
      h[3 * RADIX + (u & MASK)]++;
      h[4 * RADIX + ((u >>> 11) & MASK)]++;
      h[5 * RADIX + (u >>> 22)]++;
    }
  }
  if (windowed) {
    for (let p = 0; p < 2; p++) {
      const shift = low + p * width;
      const base = p * WIDE_RADIX;
      // A digit shared by every value cannot change the order.
      if (h[base + ((hi[0] >>> shift) & mask)] === n) continue;
      let sum = 0;
      for (let d = 0; d <= mask; d++) {
        const c = h[base + d];
        h[base + d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const u = hi[i];
        const at = h[base + ((u >>> shift) & mask)]++;
        lo2[at] = lo[i];
        hi2[at] = u;
      }
      [lo, lo2] = [lo2, lo];
      [hi, hi2] = [hi2, hi];
    }
    // One comparison per value, plus moves within runs; past a budget of
    // moves (the sample missed long runs) the whole keys are sorted instead,
    // their digits counted afresh.
    toValues(lo, hi, n, out);
    let budget = n * MOVES;
    for (let k = 1; k < n && budget >= 0; k++) {
      const v = out[k];
      if (out[k - 1] <= v) continue;
      let m = k - 1;
      do {
        out[m + 1] = out[m];
        m--;
      } while (m >= 0 && out[m] > v);
      out[m + 1] = v;
      budget -= k - m;
    }
    if (budget >= 0) return;
    h.fill(0, 0, 6 * RADIX);
    for (let i = 0; i < n; i++) {
      const l = lo[i], u = hi[i];
      h[l & MASK]++;
      h[RADIX + ((l >>> 11) & MASK)]++;
      h[2 * RADIX + (l >>> 22)]++;
      h[3 * RADIX + (u & MASK)]++;
      h[4 * RADIX + ((u >>> 11) & MASK)]++;
      h[5 * RADIX + (u >>> 22)]++;
    }
  }
  radixWhole(lo, hi, lo2, hi2, n);
  toValues(lo, hi, n, out);
}

/** Doubles of ordered keys (low and high words). */
function toValues(lo: Uint32Array, hi: Uint32Array, n: number, out: Float64Array): void {
  const outWords = new Uint32Array(out.buffer, out.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const u = hi[i];
    if (u & 0x80000000) {
      outWords[2 * i] = lo[i];
      outWords[2 * i + 1] = u & 0x7fffffff;
    } else {
      outWords[2 * i] = ~lo[i];
      outWords[2 * i + 1] = ~u;
    }
  }
}

/**
 * LSD radix of whole keys by six 11-bit digits, low to high, from the digit
 * histograms already counted in {@link histograms} (all six in one pass over
 * the keys), skipping any digit that is the same for every key; `lo2`/`hi2`
 * are scratch, the result is left in `lo`/`hi`.
 */
function radixWhole(
  lo: Uint32Array,
  hi: Uint32Array,
  lo2: Uint32Array,
  hi2: Uint32Array,
  n: number,
): void {
  const h = histograms;
  let a = lo, b = hi, a2 = lo2, b2 = hi2;
  for (let pass = 0; pass < 6; pass++) {
    const src = pass < 3 ? a : b;
    const shift = (pass % 3) * BITS;
    const base = pass * RADIX;
    if (h[base + ((src[0] >>> shift) & MASK)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = h[base + d];
      h[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = h[base + ((src[i] >>> shift) & MASK)]++;
      a2[at] = a[i];
      b2[at] = b[i];
    }
    [a, a2] = [a2, a];
    [b, b2] = [b2, b];
  }
  if (a !== lo) {
    lo.set(a);
    hi.set(b);
  }
}
