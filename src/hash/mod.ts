/**
 * SHA-256, in one place: of bytes or text in memory (Web Crypto), of a file
 * streamed in 1 MiB reads, and incrementally over bytes that arrive in pieces
 * (node:crypto, whose hash objects can be fed piece by piece and copied).
 * All digests are lowercase hex.
 *
 * The in-memory digests live in bytes.ts, which the generator imports
 * directly (run and stream seeds): that keeps node:crypto out of the encoder
 * workers' module graph, whose start-up is on every parallel run's path.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";

export { sha256, sha256Hex } from "./bytes.ts";

/** An incremental SHA-256: feed bytes in order, read the digest at any time. */
export interface Sha256 {
  /** Add the next bytes. */
  update(bytes: Uint8Array): void;
  /** Hex digest of everything fed so far; feeding may continue after. */
  hex(): string;
}

/** A new incremental {@link Sha256}. */
export function createSha256(): Sha256 {
  const h: Hash = createHash("sha256");
  return {
    update: (bytes) => void h.update(bytes),
    hex: () => h.copy().digest("hex"),
  };
}

/** SHA-256 (hex) and size of a file, read in 1 MiB pieces (constant memory). */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash("sha256");
  const f = await Deno.open(path, { read: true });
  const buf = new Uint8Array(1 << 20);
  let bytes = 0;
  try {
    while (true) {
      const n = await f.read(buf);
      if (n === null) break;
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    f.close();
  }
  return { sha256: h.digest("hex"), bytes };
}
