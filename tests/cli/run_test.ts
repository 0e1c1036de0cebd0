/**
 * End-to-end CLI tests: the real program, spawned with exactly the release
 * binary's permission flags, in fresh temporary working directories.
 */
import assert from "node:assert/strict";
import { listTree, runCli, sha256File, tempDir } from "../cli_harness.ts";

const DETERMINISTIC = [
  "configs_snapshot.json",
  "data.csv",
  "data.parquet",
  "evaluation_report.json",
  "final_metadata.json",
  "profile.json",
  "report.html",
  "validation_report.json",
];

async function artifactHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of DETERMINISTIC) {
    try {
      out[name] = await sha256File(`${dir}/${name}`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return out;
}

Deno.test("sdp run from an empty directory finalizes a version with every artifact", async () => {
  const cwd = await tempDir();
  const r = await runCli(["run", "finance_transactions", "--run-id", "v1", "--rows", "3000"], {
    cwd,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Finalized finance_transactions v1: 3000 rows/);
  const tree = await listTree(cwd);
  for (const f of [...DETERMINISTIC.filter((f) => f !== "data.csv"), "run_metadata.json"]) {
    assert.ok(tree.includes(`runs/finance_transactions/v1/${f}`), `missing ${f}: ${tree}`);
  }
  assert.ok(!tree.includes("runs/finance_transactions/v1/prior_profile.json"));
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.equal(reg.datasets.finance_transactions.versions.length, 1);
  const entry = reg.datasets.finance_transactions.versions[0];
  assert.equal(entry.row_count, 3000);
  assert.equal(
    entry.data_sha256,
    await sha256File(`${cwd}/runs/finance_transactions/v1/data.parquet`),
  );
  const st = await Deno.stat(`${cwd}/runs/finance_transactions/v1/data.parquet`);
  assert.equal(st.mode! & 0o222, 0, "finalized files are read-only");
  // No staging leftovers.
  assert.ok(!tree.some((p) => p.includes(".staging")), tree.join("\n"));

  // The second version has a prior: prior_profile.json is the first version's profile.
  const r2 = await runCli(["run", "finance_transactions", "--run-id", "v2", "--rows", "3000"], {
    cwd,
  });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(
    await sha256File(`${cwd}/runs/finance_transactions/v2/prior_profile.json`),
    await sha256File(`${cwd}/runs/finance_transactions/v1/profile.json`),
  );
  const evaluation = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/finance_transactions/v2/evaluation_report.json`),
  );
  assert.equal(evaluation.drift.available, true);
  const list = await runCli(["list"], { cwd });
  assert.equal(list.code, 0);
  assert.match(list.stdout, /finance_transactions\s+\(2 versions\)/);
});

Deno.test("same config + version gives byte-identical artifacts in different folders; other versions differ", async () => {
  const a = await tempDir();
  const b = await tempDir();
  const args = [
    "run",
    "saas_events",
    "--run-id",
    "2025-01-15T00-00-00Z",
    "--rows",
    "5000",
    "--format",
    "both",
  ];
  const [ra, rb] = await Promise.all([
    runCli([...args, "--workers", "1"], { cwd: a }),
    runCli([...args, "--workers", "2"], { cwd: b }),
  ]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  const ha = await artifactHashes(`${a}/runs/saas_events/2025-01-15T00-00-00Z`);
  const hb = await artifactHashes(`${b}/runs/saas_events/2025-01-15T00-00-00Z`);
  assert.equal(Object.keys(ha).length, DETERMINISTIC.length);
  assert.deepEqual(ha, hb);
  const c = await tempDir();
  const rc = await runCli([
    "run",
    "saas_events",
    "--run-id",
    "other",
    "--rows",
    "5000",
    "--format",
    "both",
  ], {
    cwd: c,
  });
  assert.equal(rc.code, 0, rc.stderr);
  const hc = await artifactHashes(`${c}/runs/saas_events/other`);
  assert.notEqual(hc["data.parquet"], ha["data.parquet"]);
  assert.notEqual(hc["data.csv"], ha["data.csv"]);
});

Deno.test("running an existing version again exits non-zero and touches nothing", async () => {
  const cwd = await tempDir();
  assert.equal(
    (await runCli(["run", "market_time_series", "--run-id", "v1", "--rows", "2000"], { cwd })).code,
    0,
  );
  const before = await listTree(cwd);
  const hashes = await artifactHashes(`${cwd}/runs/market_time_series/v1`);
  const reg = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
  const r = await runCli(["run", "market_time_series", "--run-id", "v1", "--rows", "2000"], {
    cwd,
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists/);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one clear line, no stack trace");
  assert.deepEqual(await listTree(cwd), before);
  assert.deepEqual(await artifactHashes(`${cwd}/runs/market_time_series/v1`), hashes);
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), reg);
});

Deno.test("a local datasets/<name>/ folder adds a dataset and overrides a built-in", async () => {
  const cwd = await tempDir();
  await Deno.mkdir(`${cwd}/datasets/finance_transactions`, { recursive: true });
  await Deno.writeTextFile(
    `${cwd}/datasets/finance_transactions/dataset.yaml`,
    "name: finance_transactions\ndomain: finance\ndescription: Synthetic transactional data for ML training\nrow_count: 123\n",
  );
  await Deno.writeTextFile(
    `${cwd}/datasets/finance_transactions/schema.yaml`,
    "columns:\n  transaction_id:\n    type: integer\n    nullable: false\n  amount:\n    type: float\n" +
      "    nullable: false\n    constraints:\n      min: 0.01\n      max: 10000.0\n  is_fraud:\n" +
      "    type: boolean\n    nullable: false\n",
  );
  await Deno.writeTextFile(
    `${cwd}/datasets/finance_transactions/evolution.yaml`,
    "fraud_rate: 0.02\n",
  );
  const r = await runCli(["run", "finance_transactions", "--run-id", "seed-readme"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /123 rows/);
  const meta = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/finance_transactions/seed-readme/final_metadata.json`),
  );
  assert.equal(meta.row_count, 123);
  const snap = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/finance_transactions/seed-readme/configs_snapshot.json`),
  );
  assert.match(snap.files["dataset.yaml"], /row_count: 123/);
});

Deno.test("data that fails validation exits 1, finalizes nothing and keeps the reports aside", async () => {
  const cwd = await tempDir();
  await Deno.mkdir(`${cwd}/datasets/strict`, { recursive: true });
  await Deno.writeTextFile(`${cwd}/datasets/strict/dataset.yaml`, "name: strict\nrow_count: 500\n");
  // Two independent columns cannot satisfy "lo < hi" on every row: the written data violates it.
  await Deno.writeTextFile(
    `${cwd}/datasets/strict/schema.yaml`,
    "columns:\n  lo:\n    type: float\n    generator: {kind: uniform, min: 0, max: 1}\n" +
      "  hi:\n    type: float\n    generator: {kind: uniform, min: 0, max: 1}\n" +
      "checks:\n  - compare: lo < hi\n",
  );
  await Deno.writeTextFile(`${cwd}/datasets/strict/evolution.yaml`, "");
  const r = await runCli(["run", "strict", "--run-id", "v1"], { cwd });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed validation/);
  const tree = await listTree(cwd);
  assert.ok(!tree.includes("runs/strict/v1/"), tree.join("\n"));
  const failed = tree.filter((p) =>
    p.startsWith("runs/strict/_failed/") && p.endsWith("validation_report.json")
  );
  assert.equal(failed.length, 1, tree.join("\n"));
  const report = JSON.parse(await Deno.readTextFile(`${cwd}/${failed[0]}`));
  assert.equal(report.passed, false);
  const check = report.checks["lo < hi"];
  assert.ok(check.violations > 150 && check.violations < 350, JSON.stringify(check));
  assert.equal(check.first_rows.length, 5);
  assert.match(r.stderr, /check "lo < hi": \d+ violation\(s\), first rows \d+/);
  const reg = await Deno.readTextFile(`${cwd}/registry/datasets.json`).catch(() => "{}");
  assert.ok(!reg.includes('"strict"'));
});

Deno.test("--help, --version, unknown command and usage errors", async () => {
  const cwd = await tempDir();
  const help = await runCli(["--help"], { cwd });
  assert.equal(help.code, 0);
  for (const c of ["run", "list", "verify", "diff", "init"]) {
    assert.match(help.stdout, new RegExp(`\\n  ${c}\\s`));
  }
  const runHelp = await runCli(["run", "--help"], { cwd });
  assert.equal(runHelp.code, 0);
  assert.match(runHelp.stdout, /--run-id/);
  const version = await runCli(["--version"], { cwd });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^sdp \d+\.\d+\.\d+ \(deno 2\.9\.6, determinism contract \d+\)\n$/);
  const cases: Array<[string[], RegExp]> = [
    [["frobnicate"], /unknown command "frobnicate"/],
    [["run"], /missing <dataset>/],
    [["run", "finance_transactions", "--bogus"], /--bogus/],
    [["run", "finance_transactions", "--format", "xlsx"], /--format must be parquet, csv or both/],
    [["run", "finance_transactions", "--rows", "0"], /--rows must be a whole number/],
    [["run", "finance_transactions", "--rows", "1e3"], /--rows must be a whole number/],
    [["run", "no_such_dataset"], /no dataset "no_such_dataset"/],
    [["run", "Bad/Name"], /dataset name/],
    [
      ["run", "finance_transactions", "--version-index", "2"],
      /--version-index is only for --shard runs/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { cwd });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  assert.deepEqual(await listTree(cwd), [], "usage errors write nothing");
});

Deno.test("unsafe run ids are rejected with exit 2 and nothing written", async () => {
  const cwd = await tempDir();
  const bad = [
    "..",
    "../x",
    "a/b",
    "a\\b",
    ".hidden",
    "a\u0001b",
    "x".repeat(129),
    "",
    "a..b",
    "con",
  ];
  for (const id of bad) {
    const r = await runCli(["run", "finance_transactions", "--run-id", id], { cwd });
    assert.equal(r.code, 2, `${JSON.stringify(id)}: ${r.stderr}`);
    assert.match(r.stderr, /run id|--run-id/);
  }
  assert.deepEqual(await listTree(cwd), []);
});

Deno.test("a path outside the permission set gives a clear error, not a NotCapable trace", async () => {
  const cwd = await tempDir();
  const elsewhere = await tempDir();
  for (
    const [flag, path] of [["--runs-dir", elsewhere], ["--registry", `${elsewhere}/r.json`], [
      "--datasets-dir",
      elsewhere,
    ]]
  ) {
    const r = await runCli(["run", "finance_transactions", "--run-id", "v1", flag, path], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(flag), r.stderr);
    assert.match(r.stderr, /working directory/);
    assert.doesNotMatch(r.stderr, /NotCapable|at file:|\n\s+at /);
  }
  assert.deepEqual(await listTree(cwd), []);
  assert.deepEqual(await listTree(elsewhere), []);
});

Deno.test("logs are JSON lines on stderr with one event per stage and its duration", async () => {
  const cwd = await tempDir();
  const r = await runCli(["run", "finance_transactions", "--run-id", "v1", "--rows", "2000"], {
    cwd,
    env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "INFO" },
  });
  assert.equal(r.code, 0, r.stderr);
  const events = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
  const stages = events.filter((e) => e.event === "stage_done");
  assert.deepEqual(stages.map((e) => e.stage), [
    "profile_prior",
    "generate",
    "validate",
    "evaluate",
    "finalize",
  ]);
  for (const e of stages) {
    assert.equal(typeof e.duration_ms, "number");
    assert.equal(e.level, "INFO");
    assert.equal(e.dataset, "finance_transactions");
  }
  assert.ok(!r.stdout.includes("{"), "stdout holds the human summary, not logs");
  const quiet = await runCli(["run", "finance_transactions", "--run-id", "v2", "--rows", "2000"], {
    cwd,
    env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "ERROR" },
  });
  assert.equal(quiet.stderr, "");
  const bad = await runCli(["list"], {
    cwd,
    env: { SDP_LOG_LEVEL: "LOUD", SDP_LOGGING_ENABLED: "true" },
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /SDP_LOG_LEVEL/);
});

Deno.test("a corrupt registry is a clear error and is not overwritten", async () => {
  const cwd = await tempDir();
  await Deno.mkdir(`${cwd}/registry`);
  await Deno.writeTextFile(`${cwd}/registry/datasets.json`, "{ not json");
  const r = await runCli(["run", "finance_transactions", "--run-id", "v1", "--rows", "1000"], {
    cwd,
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /registry\/datasets\.json is not valid JSON.*registry rebuild/);
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), "{ not json");
  assert.deepEqual(await listTree(cwd), ["registry/", "registry/datasets.json"]);
});
