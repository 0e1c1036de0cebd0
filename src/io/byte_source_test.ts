import assert from "node:assert/strict";
import { memorySource, openFileSource } from "./byte_source.ts";

Deno.test("file and memory sources read the same ranges, short at the end", async () => {
  const bytes = new Uint8Array(1000).map((_, i) => i & 0xff);
  const path = await Deno.makeTempFile();
  await Deno.writeFile(path, bytes);
  const file = await openFileSource(path);
  try {
    for (const src of [memorySource(bytes), file]) {
      assert.equal(src.size, 1000);
      assert.deepEqual(await src.read(10, 5), bytes.subarray(10, 15));
      assert.deepEqual(await src.read(990, 100), bytes.subarray(990));
    }
  } finally {
    file.close();
    await Deno.remove(path);
  }
});
