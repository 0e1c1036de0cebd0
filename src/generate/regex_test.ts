import assert from "node:assert/strict";
import { Rng } from "../rng/mod.ts";
import { parseRegex, regexSize, sampleRegex } from "./regex.ts";
import { column, nums, problemsOf, sourcesOf, table } from "../../tests/helpers/generate.ts";

Deno.test("strings drawn from supported patterns match them", () => {
  const rng = new Rng(Uint32Array.from([1, 2, 3, 4]));
  for (
    const p of [
      "ORD-[0-9]{8}",
      "^[A-Z]{2,4}-\\d{3}$",
      "(gold|silver)_[a-f0-9]+",
      "x?y*z{2,}",
      "[A-Za-z_.]{1,5}@ex\\.com",
      "(?:ab|c)(d|e)?",
    ]
  ) {
    const ast = parseRegex(p);
    assert.ok(typeof ast !== "string", `${p}: ${ast}`);
    const re = new RegExp(`^(?:${p})$`, "u");
    for (let i = 0; i < 200; i++) {
      const s = sampleRegex(ast, rng);
      assert.ok(re.test(s), `${s} !~ ${p}`);
    }
  }
});

Deno.test("unsupported patterns are refused, not generated wrongly", () => {
  for (const p of ["[^a]", "(?=a)b", "a\\b", "\\1", "a{3,1}", "(ab", "*a"]) {
    assert.equal(typeof parseRegex(p), "string", p);
  }
});

Deno.test("pattern constraints drive inference; regex kind errors point at the pattern", async () => {
  const chunks = await table(
    `columns:\n  code: {type: string, constraints: {pattern: "[A-Z]{3}-[0-9]{4}"}}\n  sku: {type: string, generator: {kind: regex, pattern: "SKU[0-9]{5}"}}\n`,
    500,
  );
  assert.ok(column(chunks, "code").every((c) => /^[A-Z]{3}-[0-9]{4}$/.test(String(c))));
  assert.ok(column(chunks, "sku").every((c) => /^SKU[0-9]{5}$/.test(String(c))));
  const problems = problemsOf(
    sourcesOf(`columns:\n  c: {type: string, generator: {kind: regex, pattern: "[^x]+"}}\n`),
  );
  assert.equal(problems[0].field, "columns.c.generator.pattern");
  assert.equal(problems[0].loc.line, 2);
});

Deno.test("uniform on an integer column gives every integer, end points included, equal weight", async () => {
  const xs = nums(
    await table(
      "columns:\n  k: {type: integer, generator: {kind: uniform, min: 1, max: 4}}\n",
      40_000,
    ),
    "k",
  );
  const counts = [1, 2, 3, 4].map((k) => xs.filter((x) => x === k).length / xs.length);
  for (const c of counts) assert.ok(Math.abs(c - 0.25) < 0.01, `shares ${counts}`);
});

Deno.test("regexSize bounds lengths and work without building strings", () => {
  const size = (p: string) =>
    regexSize(parseRegex(p) as Exclude<ReturnType<typeof parseRegex>, string>);
  assert.deepEqual(size("[A-Z]{3}-\\d{4}"), { min: 8, max: 8, work: size("[A-Z]{3}-\\d{4}").work });
  assert.equal(size("a|bcd").min, 1);
  assert.equal(size("a|bcd").max, 3);
  assert.equal(size("a+").max, 4);
  assert.equal(size("((a{1000}){1000}){1000}").max, 1e9);
  assert.ok(size("(((a{0}){1000}){1000}){1000}").work > 1e9);
  assert.equal(size("((((a{1000}){1000}){1000}){1000}){1000}").max, 2 ** 31);
});
