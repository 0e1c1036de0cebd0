/**
 * Module-level buffer pools of the engine (per thread): scratch arrays for
 * per-chunk intermediates and recycled column arrays.
 *
 * @module
 */
import type { Chunk } from "../model/mod.ts";
import type { Rng } from "../rng/mod.ts";

/**
 * Scratch buffers reused from chunk to chunk for per-chunk intermediates (entity
 * layouts, sessions, copula uniforms, shuffles), never for returned columns:
 * first touches of fresh memory cost a page fault per 4 KiB, which on some VMs
 * is as slow as generating the values. Safe because a chunk is generated
 * synchronously once its stream states are known.
 */
const scratchPool: Float64Array[] = [];
let scratchUsed = 0;
let scratchIdx = new Int32Array(0);

/** A zeroed scratch array of length n, valid until the next chunk starts. */
export function scratchF64(n: number): Float64Array {
  let a = scratchPool[scratchUsed];
  if (a === undefined || a.length !== n) a = scratchPool[scratchUsed] = new Float64Array(n);
  else a.fill(0);
  scratchUsed++;
  return a;
}

/**
 * Returned column arrays, recycled by {@link recycleChunk} once a caller is
 * done with a chunk (an encoder worker): like the scratch arrays, reused
 * memory avoids a page fault per 4 KiB of every fresh column. Only arrays
 * allocated here are taken back, each once, however many columns share it.
 */
const spareF64: Float64Array[] = [];
const spareU8: Uint8Array[] = [];
const owned = new WeakSet<object>();
/** Spare arrays kept per type (a few chunks' worth of columns). */
const SPARE_LIMIT = 64;

function takeSpare<T extends Float64Array | Uint8Array>(pool: T[], n: number): T | undefined {
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i].length === n) {
      const a = pool[i];
      pool[i] = pool[pool.length - 1];
      pool.pop();
      return a;
    }
  }
  return undefined;
}

/** A zeroed column array of length n. */
export function outputF64(n: number): Float64Array {
  const a = takeSpare(spareF64, n);
  if (a) return a.fill(0);
  const b = new Float64Array(n);
  owned.add(b);
  return b;
}

/** A column byte array (values or validity) of length n filled with `fill`. */
export function outputU8(n: number, fill = 0): Uint8Array {
  const a = takeSpare(spareU8, n);
  if (a) return a.fill(fill);
  const b = new Uint8Array(n);
  owned.add(b);
  return fill === 0 ? b : b.fill(fill);
}

/**
 * Give a chunk's arrays back for reuse by later chunks on this thread. The
 * caller must hold no reference to the chunk's values afterwards.
 */
export function recycleChunk(chunk: Chunk): void {
  const seen = new Set<object>();
  for (const col of chunk.columns.values()) {
    const codes = col.type === "string" && col.codes ? col.codes.codes : null;
    for (const a of [col.values, col.valid, codes]) {
      if (a === null || !owned.has(a) || seen.has(a)) continue;
      seen.add(a);
      if (a instanceof Float64Array) {
        if (spareF64.length < SPARE_LIMIT) spareF64.push(a);
      } else if (a instanceof Uint8Array && spareU8.length < SPARE_LIMIT) spareU8.push(a);
    }
  }
}

/**
 * Choose exactly `k` of `n` rows, uniformly, by a partial Fisher-Yates shuffle
 * driven by `rng` (k draws). Returns a 0/1 mask.
 */
export function pickRows(n: number, k: number, rng: Rng): Uint8Array {
  const mask = outputU8(n);
  if (k <= 0) return mask;
  if (k >= n) return mask.fill(1);
  if (scratchIdx.length < n) scratchIdx = new Int32Array(n);
  const idx = scratchIdx;
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    mask[idx[i]] = 1;
  }
  return mask;
}

/** Start a chunk: scratch arrays handed out so far may be reused. */
export function resetScratch(): void {
  scratchUsed = 0;
}
