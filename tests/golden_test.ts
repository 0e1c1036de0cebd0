/**
 * Golden hashes: a small fixed run must produce exactly the pinned bytes, on
 * any machine, with any worker count. The release workflow checks the
 * compiled binary against the same values (tools/golden.ts).
 */
import assert from "node:assert/strict";
import golden from "./golden.json" with { type: "json" };
import { ROOT, runCli, sha256File, tempDir } from "./cli_harness.ts";

const SETTINGS: Array<{ workers: string; env: Record<string, string> }> = [
  { workers: "1", env: {} },
  // Neither the time zone nor the locale may reach the data or any artifact.
  { workers: "3", env: { TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" } },
];

for (const { workers, env } of SETTINGS) {
  Deno.test(`golden run matches the pinned hashes (--workers ${workers}, TZ ${env.TZ ?? "unset"})`, async () => {
    const cwd = await tempDir();
    const r = await runCli([...golden.args, "--workers", workers], { cwd, env });
    assert.equal(r.code, 0, r.stderr);
    const dir = `${cwd}/runs/finance_transactions/golden`;
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
    assert.equal(await sha256File(`${dir}/data.parquet`), golden["data.parquet"]);
    assert.equal(await sha256File(`${dir}/data.csv`), golden["data.csv"]);
    assert.equal(meta.content_hash, golden.content_hash);
  });
}

Deno.test("several chunks: bytes are the same with real workers and on one thread", async () => {
  const args = ["run", "market_time_series", "--run-id", "multi", "--rows", "200000"];
  const one = await tempDir();
  const two = await tempDir();
  const r1 = await runCli([...args, "--workers", "1"], { cwd: one });
  // Read access to the source tree lets the worker modules load (as from a checkout).
  const r2 = await runCli([...args, "--workers", "2"], {
    cwd: two,
    extraFlags: [`--allow-read=.,${ROOT}`],
    env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "WARNING" },
  });
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  assert.doesNotMatch(r2.stderr, /workers_unavailable/, "the workers really ran");
  for (const f of ["data.parquet", "final_metadata.json", "profile.json", "report.html"]) {
    assert.equal(
      await sha256File(`${one}/runs/market_time_series/multi/${f}`),
      await sha256File(`${two}/runs/market_time_series/multi/${f}`),
      f,
    );
  }
});
