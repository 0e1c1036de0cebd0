/**
 * SHA-256 of bytes or text in memory, through Web Crypto (no node:crypto, so
 * worker module graphs stay small). Re-exported by mod.ts, the public entry.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Lowercase hex of bytes. */
function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** SHA-256 digest of bytes, or of a string's UTF-8 bytes (Web Crypto). */
export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

/** Hex SHA-256 of bytes, or of a string's UTF-8 bytes (Web Crypto). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await sha256(data));
}
