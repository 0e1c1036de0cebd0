/**
 * Golden hashes: a small fixed run must produce exactly the pinned bytes, on
 * any machine, with any worker count. The release workflow checks the
 * compiled binary against the same values (tools/golden.ts).
 */
import assert from "node:assert/strict";
import golden from "./golden.json" with { type: "json" };
import { ROOT, runCli, sha256File, tempDir } from "./cli_harness.ts";
import type { DatasetProfile } from "../src/profile/mod.ts";

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

Deno.test("several chunks: same bytes with real workers, on one thread, and validated by read-back", async () => {
  const args = ["run", "market_time_series", "--run-id", "multi", "--rows", "200000"];
  const one = await tempDir();
  const two = await tempDir();
  const back = await tempDir();
  const r1 = await runCli([...args, "--workers", "1"], { cwd: one });
  // Parts merged from the workers must equal decoding the file again.
  const r3 = await runCli([...args, "--workers", "1", "--readback"], { cwd: back });
  assert.equal(r3.code, 0, r3.stderr);
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
    const want = await sha256File(`${one}/runs/market_time_series/multi/${f}`);
    assert.equal(await sha256File(`${two}/runs/market_time_series/multi/${f}`), want, f);
    assert.equal(
      await sha256File(`${back}/runs/market_time_series/multi/${f}`),
      want,
      `${f} (read-back)`,
    );
  }
});

Deno.test("high-cardinality strings and nulls: merged parts equal a read-back (saas_events)", async () => {
  const args = ["run", "saas_events", "--run-id", "parts", "--rows", "140000", "--workers", "1"];
  const a = await tempDir();
  const b = await tempDir();
  const ra = await runCli(args, { cwd: a });
  const rb = await runCli([...args, "--readback"], { cwd: b });
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  const profile = JSON.parse(
    await Deno.readTextFile(`${a}/runs/saas_events/parts/profile.json`),
  ) as DatasetProfile;
  // The case is meant to cover the summaries that span chunks.
  assert.ok(Object.values(profile.columns).some((c) => c.categorical?.method === "misra-gries"));
  assert.ok(Object.values(profile.columns).some((c) => c.nulls > 0));
  for (const f of ["profile.json", "validation_report.json", "final_metadata.json"]) {
    assert.equal(
      await sha256File(`${a}/runs/saas_events/parts/${f}`),
      await sha256File(`${b}/runs/saas_events/parts/${f}`),
      f,
    );
  }
});

Deno.test("settled columns in real workers: same reports as a read-back (finance, 7 chunks)", async () => {
  const args = ["run", "finance_transactions", "--run-id", "lean", "--rows", "420000"];
  const a = await tempDir();
  const b = await tempDir();
  const ra = await runCli([...args, "--workers", "2"], {
    cwd: a,
    extraFlags: [`--allow-read=.,${ROOT}`],
    env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "WARNING" },
  });
  const rb = await runCli([...args, "--workers", "1", "--readback"], { cwd: b });
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  assert.doesNotMatch(ra.stderr, /workers_unavailable/, "the workers really ran");
  for (
    const f of ["data.parquet", "profile.json", "validation_report.json", "final_metadata.json"]
  ) {
    assert.equal(
      await sha256File(`${a}/runs/finance_transactions/lean/${f}`),
      await sha256File(`${b}/runs/finance_transactions/lean/${f}`),
      f,
    );
  }
});
