/**
 * Golden hashes: a small fixed run must produce exactly the pinned bytes, on
 * any machine, with any worker count. The release workflow checks the
 * compiled binary against the same values (tools/golden.ts).
 */
import assert from "node:assert/strict";
import golden from "./golden.json" with { type: "json" };
import { runCli, sha256File, tempDir } from "./cli_harness.ts";

for (const workers of ["1", "3"]) {
  Deno.test(`golden run matches the pinned hashes (--workers ${workers})`, async () => {
    const cwd = await tempDir();
    const r = await runCli([...golden.args, "--workers", workers], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const dir = `${cwd}/runs/finance_transactions/golden`;
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
    assert.equal(await sha256File(`${dir}/data.parquet`), golden["data.parquet"]);
    assert.equal(await sha256File(`${dir}/data.csv`), golden["data.csv"]);
    assert.equal(meta.content_hash, golden.content_hash);
  });
}
