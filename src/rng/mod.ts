/**
 * Deterministic randomness.
 *
 * - Run seed: SHA-256 of `<dataset>:<version>` (Web Crypto).
 * - Stream seed: SHA-256 of `<run seed hex>:<stream name>:<chunk index>`, so any
 *   (column, chunk) stream can be produced alone, in any order, by any worker.
 * - PRNG: xoshiro128** (Blackman & Vigna) on four uint32 words taken from the
 *   stream seed. It uses only 32-bit integer ops (`Math.imul`, shifts), which
 *   behave identically on every JS engine and platform.
 * - `nextFloat()` builds a 53-bit uniform double in [0, 1) from two outputs.
 *
 * @module
 */

// bytes.ts, not mod.ts: workers import this module, and mod.ts loads node:crypto.
import { sha256, sha256Hex } from "../hash/bytes.ts";
import { zigguratNormal } from "./ziggurat.ts";

/** The run seed (hex SHA-256 of `<dataset>:<version>`). */
export function runSeed(dataset: string, version: string): Promise<string> {
  return sha256Hex(`${dataset}:${version}`);
}

/** Four uint32 words of state for one named stream of one chunk. */
export async function streamState(
  seedHex: string,
  stream: string,
  chunkIndex: number,
): Promise<Uint32Array> {
  const digest = await sha256(`${seedHex}:${stream}:${chunkIndex}`);
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = view.getUint32(i * 4, false);
  // xoshiro must not start from the all-zero state.
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** MurmurHash3's 32-bit finalizer: full avalanche with 32-bit integer ops only. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** xoshiro128** generator over a caller-supplied state (mutated in place). */
export class Rng {
  #s: Uint32Array;
  /** Wrap a 4-word state (see {@link streamState}). */
  constructor(state: Uint32Array) {
    if (state.length !== 4) throw new RangeError("Rng state must have 4 words");
    this.#s = Uint32Array.from(state);
  }

  /** Create the generator for stream `stream` of chunk `chunkIndex`. */
  static async forStream(seedHex: string, stream: string, chunkIndex: number): Promise<Rng> {
    return new Rng(await streamState(seedHex, stream, chunkIndex));
  }

  /** Next uint32. */
  nextU32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in (0, 1): never 0, safe for `Math.log`. */
  nextOpenFloat(): number {
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    return u;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32, without modulo bias (Lemire-style rejection). */
  nextInt(n: number): number {
    if (n <= 0) return 0;
    if (n > 4294967296) return Math.floor(this.nextFloat() * n);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /** Standard normal by the ziggurat method (see ziggurat.ts; exact, one table lookup mostly). */
  nextNormal(): number {
    return zigguratNormal(this);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
