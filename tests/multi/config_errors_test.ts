/**
 * Bad multi-table configs exit 2 naming file:line:column, and write nothing.
 */
import assert from "node:assert/strict";
import { MULTI_BAD, MULTI_GOOD } from "../fixtures/multi_configs.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

/** 1-based line and column of the first occurrence of `at` in `text`. */
function position(text: string, at: string): [number, number] {
  const i = text.indexOf(at);
  assert.ok(i >= 0, `fixture text lacks ${JSON.stringify(at)}`);
  const before = text.slice(0, i);
  return [before.split("\n").length, i - before.lastIndexOf("\n")];
}

Deno.test("multi-table: every bad relational config exits 2 naming file:line:col", async (t) => {
  for (const c of MULTI_BAD) {
    await t.step(c.name, async () => {
      const cwd = await tempDir();
      const dir = `${cwd}/datasets/bank`;
      await Deno.mkdir(dir, { recursive: true });
      const files = { ...MULTI_GOOD };
      assert.ok(files[c.file].includes(c.from), `fixture lacks ${c.from}`);
      files[c.file] = files[c.file].replace(c.from, c.to);
      for (const [f, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${f}`, text);
      const before = await listTree(cwd);
      const r = await runCli(["run", "bank", "--run-id", "v1"], { cwd });
      assert.equal(r.code, 2, r.stderr);
      const [line, col] = position(files[c.file], c.at);
      const where = `datasets/bank/${c.file}:${line}:${col}`;
      assert.ok(r.stderr.includes(where), `expected ${where} in: ${r.stderr}`);
      assert.match(r.stderr, c.says);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.deepEqual(await listTree(cwd), before, "nothing written");
      await Deno.remove(cwd, { recursive: true });
    });
  }
});

Deno.test("multi-table: the good fixture runs, and child columns read their parent's", async () => {
  const cwd = await tempDir();
  const dir = `${cwd}/datasets/bank`;
  await Deno.mkdir(dir, { recursive: true });
  for (const [f, text] of Object.entries(MULTI_GOOD)) await Deno.writeTextFile(`${dir}/${f}`, text);
  const r = await runCli(["run", "bank", "--run-id", "v1"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Finalized bank v1: 2 tables/);
  assert.match(r.stdout, /0 orphans/);
  await Deno.remove(cwd, { recursive: true });
});
