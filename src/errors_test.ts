import assert from "node:assert/strict";
import { IntegrityError, StorageError, storageFailure } from "./errors.ts";

const LEFT = { left: "nothing was finalized", dir: "runs/x/.staging-v-1" };

Deno.test("storageFailure names the file and the reason of a raw full-disk error", () => {
  const cases: Array<[unknown, RegExp | undefined]> = [
    [
      new Error(
        "No space left on device (os error 28): writefile 'runs/x/.staging-v-1/profile.json'",
      ),
      /^could not write runs\/x\/\.staging-v-1\/profile\.json \(No space left on device\); nothing/,
    ],
    // A write through an open handle names no file: the folder is named instead.
    [
      new Error("No space left on device (os error 28)"),
      /^could not write to runs\/x\/\.staging-v-1 /,
    ],
    [Object.assign(new Error("write failed"), { code: "EDQUOT" }), /could not write to runs/],
    [new Error("Read-only file system (os error 30): mkdir 'runs/y'"), /could not write runs\/y /],
    // Not storage failures, or already explained by sdp: left alone.
    [new Error("Cannot read properties of undefined"), undefined],
    [
      new IntegrityError("could not write registry/datasets.json (No space left on device)"),
      undefined,
    ],
    ["No space left on device", undefined],
  ];
  for (const [err, want] of cases) {
    const got = storageFailure(err, LEFT);
    if (want === undefined) assert.equal(got, undefined, String(err));
    else {
      assert.ok(got instanceof StorageError, String(err));
      assert.match(got.message, want);
      assert.equal(got.cause, err);
    }
  }
});
