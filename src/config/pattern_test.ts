import assert from "node:assert/strict";
import { LINEAR_REGEXP, patternMatcher, patternProblem } from "./pattern.ts";

Deno.test("catastrophic constraint patterns match in linear time", () => {
  // Needs the release V8 flag (deno task test passes it, permissions.json).
  assert.ok(LINEAR_REGEXP, "run with --v8-flags=--enable-experimental-regexp-engine");
  const patterns = ["(a*)*b", "(a|a)*b", "(a+)+b", "(x+x+)+y", "(a|aa)+$", "([a-z]+)*[0-9]"];
  const values = ["a".repeat(5000) + "c", "x".repeat(5000), "ab".repeat(3000) + "!"];
  for (const p of patterns) {
    assert.equal(patternProblem(p), undefined, p);
    const m = patternMatcher(p);
    const t0 = performance.now();
    for (const v of values) assert.equal(m(v), false, p);
    assert.ok(performance.now() - t0 < 2000, `${p} took ${performance.now() - t0} ms`);
  }
});

Deno.test("the linear matcher means what the Unicode pattern means", () => {
  const cases: Array<[string, string, boolean]> = [
    [".", "😀", true],
    ["..", "😀", false],
    ["[^a]", "😀", true],
    ["\\S+", "x😀y", true],
    ["\\w+", "x😀y", false],
    ["[A-Z]{3}-\\d{4}", "ABC-1234", true],
    ["[A-Z]{3}-\\d{4}", "ABC-123", false],
    ["a|b", "ab", false],
    ["é+", "éé", true],
  ];
  for (const [p, v, want] of cases) {
    assert.equal(patternProblem(p), undefined, p);
    assert.equal(patternMatcher(p)(v), want, `${p} on ${v}`);
    assert.equal(new RegExp(`^(?:${p})$`, "u").test(v), want, `reference ${p} on ${v}`);
  }
});

Deno.test("patterns no linear matcher handles are refused with the reason", () => {
  assert.match(patternProblem("(a+)\\1")!, /backreference/);
  assert.match(patternProblem("(?<x>a)\\k<x>")!, /backreference/);
  assert.match(patternProblem("(?=a)\\w")!, /lookaround/);
  assert.match(patternProblem("a(?<!b)")!, /lookaround/);
  assert.match(patternProblem("\\p{L}+")!, /property escape/);
  assert.match(patternProblem("\\u{1F600}")!, /code point escape/);
  assert.match(patternProblem("😀")!, /Basic Multilingual Plane/);
  assert.match(patternProblem("(a")!, /not a valid regular expression/);
  // Inside a class these are plain characters.
  assert.equal(patternProblem("[(?=]"), undefined);
});
