import assert from "node:assert/strict";
import { canonicalJson, checkSeal, contentHash, sealRunMetadata } from "./mod.ts";

Deno.test("canonical JSON sorts keys, maps Maps, nulls non-finite numbers", () => {
  const text = canonicalJson({ b: 1, a: { d: [3, NaN], c: new Map([["z", -0]]) }, u: undefined });
  assert.equal(
    text,
    '{\n  "a": {\n    "c": {\n      "z": 0\n    },\n    "d": [\n      3,\n      null\n    ]\n  },\n  "b": 1\n}\n',
  );
});

Deno.test("content hash is order-independent and matches sha256sum of the listing", async () => {
  const files = { "b.txt": { sha256: "bb", bytes: 2 }, "a.txt": { sha256: "aa", bytes: 1 } };
  // printf 'a.txt  aa\nb.txt  bb\n' | sha256sum
  assert.equal(
    await contentHash(files),
    "1cc805deba3c64d911b8873cc3cdee1a7125168d68195d7f03ef8cb0f887ca5a",
  );
});

Deno.test("run metadata seal detects edits", async () => {
  const sealed = await sealRunMetadata({ a: 1, started_at: "x" });
  assert.ok(await checkSeal(sealed));
  assert.equal(await checkSeal({ ...sealed, a: 2 }), false);
  assert.equal(await checkSeal({ a: 1 }), false);
});
