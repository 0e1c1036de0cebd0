/**
 * Drift verdicts a CI pipeline can gate on: identifiers are not drift-tested,
 * change beyond the declaration is flagged, `--fail-on` exits 3 after
 * finalizing, `--json` prints one summary object, the prior can be chosen,
 * and `--dry-run` writes nothing to runs/ or the registry.
 */
import assert from "node:assert/strict";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

Deno.test("identifiers: same config, different row counts: transaction_id is not drift, and the report says why", async () => {
  const cwd = await tempDir();
  for (const [v, rows] of [["v0", "20000"], ["v1", "5000"]]) {
    const r = await runCli(["run", "finance_transactions", "--run-id", v, "--rows", rows], { cwd });
    assert.equal(r.code, 0, r.stderr);
  }
  const ev = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/finance_transactions/v1/evaluation_report.json`),
  );
  const id = ev.drift.columns.transaction_id;
  assert.equal(id.kind, "identifier");
  assert.equal(id.status, "ok", id.explanation);
  assert.equal(id.psi, null);
  assert.equal(id.wasserstein, null);
  assert.equal(id.identifier.reason, "unique: true");
  assert.equal(id.identifier.uniqueness.status, "ok");
  assert.deepEqual(id.identifier.range.current, [1, 5000]);
  assert.match(id.explanation, /identifier.*distribution drift is not tested/);
  // Declared drift (amount x1.08, merchant mix) is expected, with declared vs realised.
  for (const name of ["amount", "merchant_category"]) {
    const c = ev.drift.columns[name];
    assert.equal(c.status, "expected", c.explanation);
    assert.ok(c.declared.changes.length > 0);
  }
  assert.equal(ev.prior_version_index, 0);
});

async function shiftingDataset(cwd: string, mean: number): Promise<void> {
  const dir = `${cwd}/datasets/gate`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/dataset.yaml`, "name: gate\nrow_count: 5000\n");
  await Deno.writeTextFile(
    `${dir}/schema.yaml`,
    [
      "columns:",
      "  id:",
      "    type: string",
      "    unique: true",
      '    generator: {kind: template, template: "G-{seq:06}"}',
      "  score:",
      "    type: float",
      `    generator: {kind: normal, mean: ${mean}, std: 10, decimals: 2}`,
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(`${dir}/evolution.yaml`, "drift:\n  - {column: score, shift: 5}\n");
}

Deno.test("change beyond the declaration drifts; --fail-on exits 3 after finalizing; --json is one object", async () => {
  const cwd = await tempDir();
  await shiftingDataset(cwd, 100);
  const first = await runCli(["run", "gate", "--run-id", "v0", "--fail-on", "drift"], { cwd });
  assert.equal(first.code, 0, "no prior: nothing to fail on");
  // The config moves the mean by 30 while only +5 per version is declared.
  await shiftingDataset(cwd, 130);
  const r = await runCli(["run", "gate", "--run-id", "v1", "--fail-on", "drift", "--json"], {
    cwd,
  });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /drift verdict drift reaches --fail-on drift \(exit 3\)/);
  const summary = JSON.parse(r.stdout); // exactly one JSON object on stdout
  assert.equal(summary.dataset, "gate");
  assert.equal(summary.version, "v1");
  assert.equal(summary.path, "runs/gate/v1");
  assert.equal(summary.drift.verdict, "drift");
  assert.equal(summary.drift.columns.score, "drift");
  assert.equal(summary.drift.columns.id, "ok");
  assert.equal(summary.exit_code, 3);
  assert.equal(summary.quality.validation_passed, true);
  assert.match(summary.content_hash, /^[0-9a-f]{64}$/);
  assert.match(summary.files["data.parquet"].sha256, /^[0-9a-f]{64}$/);
  // Finalized and registered before exiting 3.
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.equal(JSON.stringify(reg).includes('"v1"'), true);
  const ev = JSON.parse(await Deno.readTextFile(`${cwd}/runs/gate/v1/evaluation_report.json`));
  const score = ev.drift.columns.score;
  assert.match(score.explanation, /^drift: beyond the declared shift 5\.0000 per version/);
  const mean = score.declared.changes.find((c: { quantity: string }) => c.quantity === "mean");
  assert.ok(Math.abs(mean.declared - mean.reference - 5) < 1e-9);
  // The new config (+30) plus the declared step (+5).
  assert.ok(Math.abs(mean.realised - mean.reference - 35) < 1, JSON.stringify(mean));
  // diff gates the same way; warn includes drift; a bad level is a usage error.
  const diff = await runCli(["diff", "gate", "v0", "v1", "--fail-on", "warn"], { cwd });
  assert.equal(diff.code, 3, diff.stderr);
  const noGate = await runCli(["diff", "gate", "v0", "v1"], { cwd });
  assert.equal(noGate.code, 0, noGate.stderr);
  const bad = await runCli(["diff", "gate", "v0", "v1", "--fail-on", "sometimes"], { cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on must be drift or warn/);
});

Deno.test("choosing the prior: --prior VERSION, --no-prior, and --dry-run writes nothing", async () => {
  const cwd = await tempDir();
  await shiftingDataset(cwd, 100);
  // A dry run in an empty folder creates neither runs/ nor the registry.
  const dry0 = await runCli(["run", "gate", "--dry-run", "--rows", "500"], { cwd });
  assert.equal(dry0.code, 0, dry0.stderr);
  assert.match(dry0.stdout, /Dry run of gate: 500 sample rows as version index 0 against no prior/);
  assert.deepEqual((await listTree(cwd)).filter((p) => !p.startsWith("datasets")), []);
  for (const v of ["v0", "v1"]) {
    assert.equal((await runCli(["run", "gate", "--run-id", v], { cwd })).code, 0);
  }
  const before = await listTree(cwd);
  const registry = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
  const dry = await runCli(["run", "gate", "--dry-run", "--prior", "v0", "--json"], { cwd });
  assert.equal(dry.code, 0, dry.stderr);
  const s = JSON.parse(dry.stdout);
  assert.equal(s.dry_run, true);
  assert.equal(s.path, null);
  assert.equal(s.rows, 5000);
  assert.equal(s.drift.prior_version, "v0");
  assert.equal(s.drift.columns.score, "expected");
  assert.deepEqual(await listTree(cwd), before, "a dry run leaves no file behind");
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), registry);

  const picked = await runCli(["run", "gate", "--run-id", "v2", "--prior", "v0"], { cwd });
  assert.equal(picked.code, 0, picked.stderr);
  const ev2 = JSON.parse(await Deno.readTextFile(`${cwd}/runs/gate/v2/evaluation_report.json`));
  assert.equal(ev2.prior_version, "v0");
  assert.equal(ev2.prior_version_index, 0);
  // Two declared steps (index 0 -> 2): +10 expected.
  const mean = ev2.drift.columns.score.declared.changes.find((c: { quantity: string }) =>
    c.quantity === "mean"
  );
  assert.ok(Math.abs(mean.declared - mean.reference - 10) < 1e-9);
  assert.equal(ev2.drift.columns.score.status, "expected");

  const none = await runCli(["run", "gate", "--run-id", "v3", "--no-prior"], { cwd });
  assert.equal(none.code, 0, none.stderr);
  const ev3 = JSON.parse(await Deno.readTextFile(`${cwd}/runs/gate/v3/evaluation_report.json`));
  assert.equal(ev3.prior_version, null);
  assert.equal(ev3.drift.verdict, "no_prior");
  assert.match(ev3.drift.message, /--no-prior was given/);

  const missing = await runCli(["run", "gate", "--prior", "v9"], { cwd });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no finalized version v9; its versions: v0, v1, v2, v3/);
  const both = await runCli(["run", "gate", "--prior", "v0", "--no-prior"], { cwd });
  assert.equal(both.code, 2);
});

Deno.test("ingest --fail-on: exit 3 after finalizing, also with --json", async () => {
  const cwd = await tempDir();
  const csv = (offset: number) =>
    "x\n" + Array.from({ length: 2000 }, (_, i) => String((i % 100) + offset)).join("\n") + "\n";
  await Deno.writeTextFile(`${cwd}/a.csv`, csv(0));
  await Deno.writeTextFile(`${cwd}/b.csv`, csv(60));
  const first = await runCli(
    ["ingest", "a.csv", "--dataset", "ing", "--run-id", "v0", "--fail-on", "drift"],
    { cwd },
  );
  assert.equal(first.code, 0, first.stderr);
  const r = await runCli(
    ["ingest", "b.csv", "--dataset", "ing", "--run-id", "v1", "--fail-on", "drift", "--json"],
    { cwd },
  );
  assert.equal(r.code, 3, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.drift.verdict, "drift");
  assert.equal(out.exit_code, 3);
  assert.ok((await Deno.stat(`${cwd}/runs/ing/v1/final_metadata.json`)).isFile);
});
