import assert from "node:assert/strict";
import { checkVersionId, versionFromTime } from "./mod.ts";

Deno.test("default version id is UTC YYYY-MM-DDTHH-MM-SSZ", () => {
  assert.equal(
    versionFromTime(new Date(Date.UTC(2025, 0, 15, 3, 4, 5, 678))),
    "2025-01-15T03-04-05Z",
  );
});

const CASES: Array<[string, boolean]> = [
  ["2025-01-15T00-00-00Z", true],
  ["v1", true],
  ["release_2.0-rc1", true],
  ["", false],
  ["..", false],
  ["a..b", false],
  ["../up", false],
  ["a/b", false],
  ["a\\b", false],
  [".hidden", false],
  ["_x", false],
  ["tab\there", false],
  ["nul\u0000", false],
  ["x".repeat(128), true],
  ["x".repeat(129), false],
  ["with space", false],
  ["CON", false],
  ["lpt1.txt", false],
];

for (const [id, ok] of CASES) {
  Deno.test(`run id ${JSON.stringify(id.length > 20 ? id.slice(0, 10) + "…" : id)} is ${ok ? "accepted" : "rejected"}`, () => {
    assert.equal(checkVersionId(id) === undefined, ok, checkVersionId(id));
  });
}
