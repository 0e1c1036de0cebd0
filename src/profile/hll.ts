/**
 * Distinct counting: exact up to {@link DISTINCT_EXACT_LIMIT} values, then a
 * deterministic HyperLogLog.
 *
 * - Hash: cyrb53 (bryc, public domain) over UTF-16 code units for strings and
 *   over the four 16-bit words of the IEEE-754 bits for numbers (`-0` is
 *   normalised to `0`, so both count as one value). Two 32-bit halves give 46
 *   usable bits: 14 pick the register, 32 give the rank, so no large-range
 *   correction is needed below ~2^40 values.
 * - HyperLogLog (Flajolet et al. 2007) with precision 14 (16384 registers):
 *   relative standard error 1.04 / sqrt(16384) = 0.8125%. Linear counting is
 *   used while the raw estimate is <= 2.5 m and some register is zero.
 * - Switching from the exact set to the sketch replays the set into the
 *   registers; register max is order-independent, so the result does not
 *   depend on insertion order or chunk boundaries.
 *
 * @module
 */

/** Values counted exactly (in a Set) before switching to HyperLogLog. */
export const DISTINCT_EXACT_LIMIT = 100_000;
/** HyperLogLog precision p (m = 2^p registers). */
const HLL_PRECISION = 14;
/** Number of HyperLogLog registers. */
const HLL_REGISTERS = 1 << HLL_PRECISION;
/** Relative standard error of the HyperLogLog estimate: 1.04 / sqrt(m). */
export const HLL_RELATIVE_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);

const f64 = new Float64Array(1);
const u16 = new Uint16Array(f64.buffer);
/** Scratch output of the hash functions (avoids an allocation per value). */
const scratch = new Uint32Array(2);

function finish(h1: number, h2: number): void {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  scratch[0] = h1;
  scratch[1] = h2;
}

/** cyrb53 of a string's UTF-16 code units into `scratch`. */
function hashStringInto(s: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  finish(h1, h2);
}

/** cyrb53 of a number's four little-endian 16-bit IEEE-754 words into `scratch`. */
function hashNumberInto(v: number): void {
  f64[0] = v === 0 ? 0 : v;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < 4; i++) {
    const ch = u16[i];
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  finish(h1, h2);
}

/** cyrb53 over a string's UTF-16 code units; returns [low, high] 32-bit words. */
export function hashString(s: string): [number, number] {
  hashStringInto(s);
  return [scratch[0], scratch[1]];
}

/** cyrb53 over a number's IEEE-754 bits (little-endian words; -0 treated as 0). */
export function hashNumber(v: number): [number, number] {
  hashNumberInto(v);
  return [scratch[0], scratch[1]];
}

/** A HyperLogLog sketch with {@link HLL_REGISTERS} registers. */
export class HyperLogLog {
  /** Register values (max rank seen per register). */
  readonly registers: Uint8Array = new Uint8Array(HLL_REGISTERS);

  /** Add a pre-computed 64-bit hash given as two 32-bit words. */
  addHash(low: number, high: number): void {
    const idx = high >>> (32 - HLL_PRECISION);
    const rank = Math.clz32(low) + 1;
    if (rank > this.registers[idx]) this.registers[idx] = rank;
  }

  /** Register-wise max with another sketch's registers (the union of both sets). */
  mergeRegisters(other: Uint8Array): void {
    const r = this.registers;
    for (let i = 0; i < HLL_REGISTERS; i++) if (other[i] > r[i]) r[i] = other[i];
  }

  /** The cardinality estimate, rounded to an integer. */
  estimate(): number {
    const m = HLL_REGISTERS;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const r = this.registers[i];
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    let e = (alpha * m * m) / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * Math.log(m / zeros);
    return Math.round(e);
  }
}

/** Distinct counter: exact Set, then HyperLogLog past {@link DISTINCT_EXACT_LIMIT}. */
export class DistinctCounter {
  #set: Set<string | number> | null = new Set();
  #hll: HyperLogLog | null = null;
  readonly #limit: number;

  /** `limit` is overridable for tests only. */
  constructor(limit: number = DISTINCT_EXACT_LIMIT) {
    this.#limit = limit;
  }

  /** Count one value. */
  add(v: string | number): void {
    if (this.#set !== null) {
      this.#set.add(typeof v === "number" && v === 0 ? 0 : v);
      if (this.#set.size > this.#limit) {
        const hll = new HyperLogLog();
        for (const x of this.#set) addTo(hll, x);
        this.#hll = hll;
        this.#set = null;
      }
      return;
    }
    addTo(this.#hll as HyperLogLog, v);
  }

  /** Whether the count is still exact. */
  get exact(): boolean {
    return this.#set !== null;
  }

  /** The exact count, or the HyperLogLog estimate. */
  count(): number {
    return this.#set !== null ? this.#set.size : (this.#hll as HyperLogLog).estimate();
  }
}

/** HyperLogLog registers of a list of values (duplicates are harmless). */
export function registersOf(values: ArrayLike<string | number>): Uint8Array {
  if (values instanceof Float64Array) return registersOfNumbers(values);
  const hll = new HyperLogLog();
  for (let i = 0; i < values.length; i++) addTo(hll, values[i]);
  return hll.registers;
}

/**
 * Registers of float64 values (no -0): the same cyrb53 hash as
 * {@link hashNumber}, read from the array's 32-bit words (little-endian
 * platforms, as every supported target) instead of one value at a time.
 */
function registersOfNumbers(values: Float64Array): Uint8Array {
  const hll = new HyperLogLog();
  const reg = hll.registers;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const lo = words[2 * i], hi = words[2 * i + 1];
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    h1 = Math.imul(h1 ^ (lo & 0xffff), 2654435761);
    h2 = Math.imul(h2 ^ (lo & 0xffff), 1597334677);
    h1 = Math.imul(h1 ^ (lo >>> 16), 2654435761);
    h2 = Math.imul(h2 ^ (lo >>> 16), 1597334677);
    h1 = Math.imul(h1 ^ (hi & 0xffff), 2654435761);
    h2 = Math.imul(h2 ^ (hi & 0xffff), 1597334677);
    h1 = Math.imul(h1 ^ (hi >>> 16), 2654435761);
    h2 = Math.imul(h2 ^ (hi >>> 16), 1597334677);
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const idx = (h2 >>> 0) >>> (32 - HLL_PRECISION);
    const rank = Math.clz32(h1) + 1;
    if (rank > reg[idx]) reg[idx] = rank;
  }
  return reg;
}

/**
 * Distinct counting over per-chunk parts merged in chunk order: an exact Set
 * of the parts' distinct values up to {@link DISTINCT_EXACT_LIMIT}, then
 * HyperLogLog registers (the Set replayed once, later parts by register max).
 * Either way the count does not depend on the order of values inside a part.
 */
export class DistinctMerger {
  /** Exact distinct strings. */
  #set: Set<string | number> | null = new Set();
  /** Exact distinct numbers, ascending (merged as sorted arrays: no Set of doubles). */
  #numbers: Float64Array = new Float64Array(0);
  #spare: Float64Array = new Float64Array(0);
  #hll: HyperLogLog | null = null;
  readonly #limit: number;

  /** `limit` is overridable for tests only. */
  constructor(limit: number = DISTINCT_EXACT_LIMIT) {
    this.#limit = limit;
  }

  /**
   * Merge one part: its distinct values (numbers as an ascending Float64Array
   * with -0 normalised; strings in any order), and its registers (computed
   * from `distinct` when not given).
   */
  merge(distinct: Float64Array | ArrayLike<string>, registers?: Uint8Array): void {
    if (this.#hll === null) {
      let size: number;
      if (distinct instanceof Float64Array) {
        // Two buffers used in turn: no allocation per part once they are large enough.
        const into = this.#spare;
        this.#spare = this.#numbers.buffer.byteLength === 0
          ? new Float64Array(0)
          : new Float64Array(this.#numbers.buffer);
        this.#numbers = unionSorted(this.#numbers, distinct, into);
        size = this.#numbers.length;
      } else {
        const set = this.#set as Set<string | number>;
        for (let i = 0; i < distinct.length; i++) set.add(distinct[i]);
        size = set.size;
      }
      if (size > this.#limit) {
        const hll = new HyperLogLog();
        hll.mergeRegisters(registersOf(this.#numbers));
        for (const x of this.#set as Set<string | number>) addTo(hll, x);
        this.#hll = hll;
        this.#set = null;
        this.#numbers = new Float64Array(0);
        this.#spare = new Float64Array(0);
      }
      return;
    }
    this.#hll.mergeRegisters(registers ?? registersOf(distinct));
  }

  /** Whether the count is still exact. */
  get exact(): boolean {
    return this.#hll === null;
  }

  /** The exact count, or the HyperLogLog estimate. */
  count(): number {
    if (this.#hll !== null) return this.#hll.estimate();
    return (this.#set as Set<string | number>).size + this.#numbers.length;
  }
}

/**
 * Union of two ascending arrays without duplicates, written into `into` when
 * it is large enough (else a new array). Returns the filled view.
 */
function unionSorted(a: Float64Array, b: Float64Array, into: Float64Array): Float64Array {
  const n = a.length + b.length;
  // Headroom, so that a union that grows slowly reuses its buffers.
  const out = into.length >= n ? into : new Float64Array(Math.max(1024, 2 * n));
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i], y = b[j];
    if (x < y) out[k++] = a[i++];
    else if (y < x) out[k++] = b[j++];
    else {
      out[k++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out.subarray(0, k);
}

function addTo(hll: HyperLogLog, v: string | number): void {
  if (typeof v === "number") hashNumberInto(v);
  else hashStringInto(v);
  hll.addHash(scratch[0], scratch[1]);
}
