/**
 * Declared evolution gives drift detection real drift to find, version after
 * version, and rate checks follow the evolved rates.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "../cli_harness.ts";

Deno.test("declared drift is applied per version and detected; evolved rates pass their checks", async () => {
  const cwd = await tempDir();
  const dir = `${cwd}/datasets/evolving`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/dataset.yaml`, "name: evolving\nrow_count: 20000\n");
  await Deno.writeTextFile(
    `${dir}/schema.yaml`,
    [
      "columns:",
      "  score:",
      "    type: float",
      "    constraints: {min: 0, max: 1000}",
      "    generator: {kind: normal, mean: 100, std: 10, decimals: 2}",
      "  stable:",
      "    type: float",
      "    generator: {kind: uniform, min: 0, max: 1}",
      "  is_churned:",
      "    type: boolean",
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(
    `${dir}/evolution.yaml`,
    "label_rates: {is_churned: 0.1}\ndrift:\n  - {column: score, shift: 5}\n  - {column: is_churned, rate: 0.1}\n",
  );
  for (const v of ["v0", "v1"]) {
    const r = await runCli(["run", "evolving", "--run-id", v], { cwd });
    assert.equal(r.code, 0, r.stderr);
  }
  const ev = JSON.parse(await Deno.readTextFile(`${cwd}/runs/evolving/v1/evaluation_report.json`));
  assert.equal(ev.drift.available, true);
  // Declared drift is expected: declared and realised side by side, the residual decides.
  const score = ev.drift.columns.score;
  assert.equal(score.status, "expected", JSON.stringify(score));
  assert.equal(score.psi.status, "info");
  assert.equal(score.declared.reference_index, 0);
  assert.equal(score.declared.current_index, 1);
  const meanChange = score.declared.changes.find((c: { quantity: string }) =>
    c.quantity === "mean"
  );
  assert.ok(Math.abs(meanChange.declared - meanChange.reference - 5) < 1e-9);
  assert.ok(Math.abs(meanChange.realised - meanChange.declared) < 0.5, JSON.stringify(meanChange));
  assert.equal(score.declared.residual.wasserstein.normalized.status, "ok");
  assert.equal(ev.drift.columns.is_churned.status, "expected");
  assert.equal(ev.drift.verdict, "expected");
  assert.equal(ev.drift.columns.stable.status, "ok", JSON.stringify(ev.drift.columns.stable));
  const meta = JSON.parse(await Deno.readTextFile(`${cwd}/runs/evolving/v1/final_metadata.json`));
  assert.equal(meta.version_index, 1);
  const profile = JSON.parse(await Deno.readTextFile(`${cwd}/runs/evolving/v1/profile.json`));
  const mean = profile.columns.score.numeric.mean;
  assert.ok(Math.abs(mean - 105) < 0.5, `mean ${mean} after one version of +5 shift`);
  const trues =
    profile.columns.is_churned.categorical.top.find((t: { value: string }) => t.value === "true")
      .count;
  assert.ok(Math.abs(trues / 20000 - 0.2) < 0.01, `churn share ${trues / 20000}`);
  const rate = JSON.stringify(ev.quality);
  assert.doesNotMatch(rate, /"passed":\s*false/, rate);
  // sdp diff reports the same drift between the two versions.
  const diff = await runCli(["diff", "evolving", "v0", "v1", "--json"], { cwd });
  assert.equal(diff.code, 0, diff.stderr);
  assert.equal(JSON.parse(diff.stdout).columns.score.status, "expected");
});
