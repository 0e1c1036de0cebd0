/**
 * The train/holdout split of a real table, shared by `sdp fit` (learns from
 * the training rows only) and `sdp compare` (measures privacy and utility
 * against the holdout rows). It is derived from the input file's SHA-256 and
 * the holdout fraction alone, so both commands, on any machine, put every
 * row on the same side without storing a list of rows.
 *
 * Row `i` is a holdout row when a 32-bit hash of (seed, i) is below
 * `fraction * 2^32`: each row is decided alone (streaming, any chunk order),
 * and the holdout size is Binomial(rows, fraction), not an exact count.
 *
 * @module
 */
import { sha256 } from "../hash/bytes.ts";
import { fmix32 } from "../rng/mod.ts";

/** A split: the fraction and the 4 seed words derived from the file hash. */
export interface HoldoutSplit {
  /** Share of rows held out, in [0, 1). */
  fraction: number;
  /** 4 words from SHA-256 of `holdout:<file sha256>:<fraction>`. */
  seed: Uint32Array;
  /** `fraction * 2^32`: a row is held out when its hash is below it. */
  threshold: number;
}

/** The split of the file with SHA-256 `fileSha256` (hex) at `fraction`. */
export async function holdoutSplit(fileSha256: string, fraction: number): Promise<HoldoutSplit> {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`holdout fraction must be in [0, 1), got ${fraction}`);
  }
  const digest = await sha256(`holdout:${fileSha256}:${fraction}`);
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  const seed = new Uint32Array(4);
  for (let i = 0; i < 4; i++) seed[i] = view.getUint32(i * 4, false);
  return { fraction, seed, threshold: fraction * 4294967296 };
}

/** Whether absolute row `row` (0-based, < 2^53) is a holdout row. */
export function isHoldout(split: HoldoutSplit, row: number): boolean {
  const lo = row >>> 0;
  const hi = Math.floor(row / 4294967296) >>> 0;
  const s = split.seed;
  let h = fmix32(lo ^ s[0]);
  h = fmix32(h ^ hi ^ s[1]);
  h = fmix32(h ^ s[2]) ^ s[3];
  return (h >>> 0) < split.threshold;
}

/** One byte per row of `[start, start + rows)`: 1 = holdout, 0 = training. */
export function holdoutMask(split: HoldoutSplit, start: number, rows: number): Uint8Array {
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) out[i] = isHoldout(split, start + i) ? 1 : 0;
  return out;
}
