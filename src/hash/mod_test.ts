import assert from "node:assert/strict";
import { createSha256, hashFile, sha256Hex } from "./mod.ts";

const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

Deno.test("sha256Hex: text and its UTF-8 bytes give the FIPS 180-2 vector", async () => {
  assert.equal(await sha256Hex("abc"), ABC);
  assert.equal(await sha256Hex(new TextEncoder().encode("abc")), ABC);
});

Deno.test("createSha256 and hashFile agree with sha256Hex, across 1 MiB reads", async () => {
  const bytes = new Uint8Array((1 << 20) + 12345);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  const want = await sha256Hex(bytes);
  const h = createSha256();
  h.update(bytes.subarray(0, 1000));
  assert.equal(h.hex(), await sha256Hex(bytes.subarray(0, 1000)));
  h.update(bytes.subarray(1000));
  assert.equal(h.hex(), want);
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, bytes);
    assert.deepEqual(await hashFile(path), { sha256: want, bytes: bytes.length });
  } finally {
    await Deno.remove(path);
  }
});
