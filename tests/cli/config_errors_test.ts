import assert from "node:assert/strict";
import { BAD, GOOD } from "../fixtures/bad_configs.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

Deno.test("every bad config exits 2 naming file:line:col and writes nothing", async (t) => {
  for (const c of BAD) {
    await t.step(c.name, async () => {
      const cwd = await tempDir();
      const dir = `${cwd}/datasets/finance_transactions`;
      await Deno.mkdir(dir, { recursive: true });
      for (const [f, text] of Object.entries({ ...GOOD, ...c.over })) {
        await Deno.writeTextFile(`${dir}/${f}`, text);
      }
      const before = await listTree(cwd);
      const r = await runCli(["run", "finance_transactions", "--run-id", "v1"], { cwd });
      assert.equal(r.code, 2, r.stderr);
      const where = `datasets/finance_transactions/${c.file}:${c.line}:${c.col ?? ""}`;
      assert.ok(r.stderr.includes(where), `expected ${where} in: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.deepEqual(await listTree(cwd), before, "nothing written");
    });
  }
});
