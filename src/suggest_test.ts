import assert from "node:assert/strict";
import { didYouMean, editDistance, nearestName } from "./suggest.ts";

Deno.test("edit distance counts adjacent swaps as one edit", () => {
  const cases: Array<[string, string, number]> = [
    ["run", "run", 0],
    ["rnu", "run", 1],
    ["verfiy", "verify", 1],
    ["lsit", "list", 1],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
  ];
  for (const [a, b, d] of cases) assert.equal(editDistance(a, b), d, `${a} ${b}`);
});

Deno.test("nearest name only when close", () => {
  const commands = ["run", "verify", "list", "diff", "registry", "publish", "gc"];
  const cases: Array<[string, string | undefined]> = [
    ["verfy", "verify"],
    ["lits", "list"],
    ["Regsitry", "registry"],
    ["pubish", "publish"],
    ["frobnicate", undefined],
    ["x", undefined],
  ];
  for (const [input, want] of cases) assert.equal(nearestName(input, commands), want, input);
  assert.equal(didYouMean("rowz", ["rows", "seed"], "--"), ` Did you mean "--rows"?`);
  assert.equal(didYouMean("zzzz", ["rows", "seed"]), "");
});
