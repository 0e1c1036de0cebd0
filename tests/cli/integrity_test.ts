/**
 * Integrity with real processes: verify and tamper detection, reproduction,
 * concurrent runs, SIGKILL at random moments, registry rebuild, corrupt prior.
 */
import assert from "node:assert/strict";
import { listTree, runCli, spawnCli, tempDir } from "../cli_harness.ts";
import { Rng } from "../../src/rng/mod.ts";
import { DETERMINISM_CONTRACT } from "../../src/version/mod.ts";

const DS = "finance_transactions";

async function finalize(cwd: string, version: string, rows = 3000, extra: string[] = []) {
  const r = await runCli(["run", DS, "--run-id", version, "--rows", String(rows), ...extra], {
    cwd,
  });
  assert.equal(r.code, 0, r.stderr);
}

async function verifyJson(cwd: string, args: string[]) {
  const r = await runCli(["verify", DS, ...args, "--json"], { cwd });
  return { code: r.code, results: JSON.parse(r.stdout), stderr: r.stderr };
}

async function writable(path: string) {
  await Deno.chmod(path, 0o644);
}

Deno.test("verify names each tampered file: flipped byte, deleted, added, edited", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "v1");
  await finalize(cwd, "v2");
  const dir = `${cwd}/runs/${DS}/v1`;
  let v = await verifyJson(cwd, ["--all"]);
  assert.equal(v.code, 0, v.stderr);
  assert.deepEqual(v.results.map((r: { ok: boolean }) => r.ok), [true, true]);

  // Flip one byte of the data.
  await writable(`${dir}/data.parquet`);
  const bytes = await Deno.readFile(`${dir}/data.parquet`);
  bytes[1000] ^= 0xff;
  await Deno.writeFile(`${dir}/data.parquet`, bytes);
  v = await verifyJson(cwd, ["v1"]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.results[0].changed, ["data.parquet"]);
  bytes[1000] ^= 0xff;
  await Deno.writeFile(`${dir}/data.parquet`, bytes);

  // Delete a file.
  const report = await Deno.readFile(`${dir}/evaluation_report.json`);
  await Deno.remove(`${dir}/evaluation_report.json`);
  v = await verifyJson(cwd, ["v1"]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.results[0].missing, ["evaluation_report.json"]);
  await Deno.writeFile(`${dir}/evaluation_report.json`, report, { mode: 0o444 });

  // Add a file.
  await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
  v = await verifyJson(cwd, ["v1"]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.results[0].extra, ["notes.txt"]);
  await Deno.remove(`${dir}/notes.txt`);

  // chmod back to writable and edit in place (same size).
  await writable(`${dir}/validation_report.json`);
  const text = await Deno.readTextFile(`${dir}/validation_report.json`);
  await Deno.writeTextFile(
    `${dir}/validation_report.json`,
    text.replace('"passed": true', '"passed": fals'),
  );
  v = await verifyJson(cwd, ["v1"]);
  assert.deepEqual(v.results[0].changed, ["validation_report.json"]);
  await Deno.writeTextFile(`${dir}/validation_report.json`, text);

  // Edit run_metadata.json: its seal breaks.
  await writable(`${dir}/run_metadata.json`);
  const run = await Deno.readTextFile(`${dir}/run_metadata.json`);
  await Deno.writeTextFile(`${dir}/run_metadata.json`, run.replace(/"pid": \d+/, '"pid": 1'));
  v = await verifyJson(cwd, ["v1"]);
  assert.deepEqual(v.results[0].changed, ["run_metadata.json"]);
  await Deno.writeTextFile(`${dir}/run_metadata.json`, run);

  v = await verifyJson(cwd, ["--all"]);
  assert.equal(v.code, 0, JSON.stringify(v.results));
  // Default is the latest version; text output names it.
  const latest = await runCli(["verify", DS], { cwd });
  assert.equal(latest.code, 0);
  assert.match(latest.stdout, /^ok\s+finance_transactions v2 /);
});

Deno.test("verify --reproduce regenerates byte-identical artifacts; a changed snapshot config is named", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "v1", 3000, ["--format", "both"]);
  await finalize(cwd, "v2", 3000);
  const ok = await runCli(["verify", "--reproduce", DS, "v2", "--json"], { cwd });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(JSON.parse(ok.stdout).reproduced, true);
  const ok1 = await runCli(["verify", "--reproduce", DS, "v1"], { cwd });
  assert.equal(ok1.code, 0, ok1.stdout + ok1.stderr);
  const before = await listTree(cwd);

  // Change a config inside the stored snapshot: reproduction now differs, first at the data.
  const snap = `${cwd}/runs/${DS}/v2/configs_snapshot.json`;
  await writable(snap);
  const doc = JSON.parse(await Deno.readTextFile(snap));
  doc.files["evolution.yaml"] = doc.files["evolution.yaml"].replace(
    /fraud_rate: [0-9.]+/,
    "fraud_rate: 0.2",
  );
  assert.match(doc.files["evolution.yaml"], /fraud_rate: 0.2/);
  await Deno.writeTextFile(snap, JSON.stringify(doc, null, 2) + "\n");
  const bad = await runCli(["verify", "--reproduce", DS, "v2", "--json"], { cwd });
  assert.equal(bad.code, 1, bad.stderr);
  const res = JSON.parse(bad.stdout);
  assert.equal(res.reproduced, false);
  assert.equal(res.first_difference.name, "data.parquet");
  assert.ok(res.verification.problems.includes("changed: configs_snapshot.json"));
  // Reproduction leaves nothing behind.
  assert.deepEqual(await listTree(cwd), before);

  // A version made under another determinism contract is not "different": this sdp cannot
  // reproduce it, and says which release can.
  const meta = `${cwd}/runs/${DS}/v1/final_metadata.json`;
  await writable(meta);
  const m = JSON.parse(await Deno.readTextFile(meta));
  await Deno.writeTextFile(meta, JSON.stringify({ ...m, contract: 1 }, null, 2) + "\n");
  const old = await runCli(["verify", "--reproduce", DS, "v1"], { cwd });
  assert.equal(old.code, 2, old.stderr);
  assert.match(
    old.stderr,
    new RegExp(`determinism contract 1.*contract ${DETERMINISM_CONTRACT}`, "s"),
  );
});

Deno.test("8 concurrent runs on one runs folder: 8 versions, 8 registry entries; a race for one version has one winner", async () => {
  const cwd = await tempDir();
  const jobs = Array.from({ length: 8 }, (_, i) =>
    runCli([
      "run",
      i % 3 === 2 ? "saas_events" : DS,
      "--run-id",
      `c${i}`,
      "--rows",
      "4000",
      "--workers",
      "1",
    ], { cwd }));
  const results = await Promise.all(jobs);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  const versions = Object.values(
    reg.datasets as Record<string, { versions: { version: string }[] }>,
  )
    .flatMap((d) => d.versions.map((v) => v.version)).sort();
  assert.deepEqual(versions, ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
  const v = await runCli(["verify", DS, "--all"], { cwd });
  assert.equal(v.code, 0, v.stdout);

  const race = await Promise.all(
    [0, 1, 2].map(() =>
      runCli(["run", DS, "--run-id", "same", "--rows", "4000", "--workers", "1"], { cwd })
    ),
  );
  assert.deepEqual(race.map((r) => r.code).sort(), [0, 1, 1], race.map((r) => r.stderr).join("\n"));
  for (const r of race.filter((r) => r.code === 1)) {
    assert.match(r.stderr, /already exists|finalized by another process/);
  }
  const reg2 = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.equal(
    reg2.datasets[DS].versions.filter((x: { version: string }) => x.version === "same").length,
    1,
  );
  assert.ok(!(await listTree(cwd)).some((p) => p.includes(".staging-")));
});

Deno.test("SIGKILL at seeded random moments leaves no partial version and a valid registry", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "base", 20000);
  const rng = new Rng(Uint32Array.from([2026, 11, 25, 5]));
  const kills = 20;
  let finalizedDuringKills = 0;
  for (let i = 0; i < kills; i++) {
    const delay = 150 + rng.nextInt(2500);
    const child = spawnCli(
      ["run", DS, "--run-id", `k${i}`, "--rows", "150000", "--format", i % 2 ? "both" : "parquet"],
      { cwd },
    );
    await new Promise((r) => setTimeout(r, delay));
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    const status = await child.status;
    if (status.success) finalizedDuringKills++;
    // Every visible version folder verifies; the registry parses and lists only those.
    const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
    const listed: string[] = reg.datasets[DS].versions.map((v: { version: string }) => v.version);
    const folders = (await Array.fromAsync(Deno.readDir(`${cwd}/runs/${DS}`)))
      .filter((e) => e.isDirectory && !e.name.startsWith(".") && !e.name.startsWith("_"))
      .map((e) => e.name).sort();
    for (const v of listed) assert.ok(folders.includes(v), `registry lists missing ${v}`);
    const verified = await runCli(["verify", DS, "--all", "--json", "--registry", "none.json"], {
      cwd,
    });
    assert.equal(verified.code, 0, `after kill ${i} (${delay} ms): ${verified.stdout}`);
  }
  // A following run succeeds and the registry is consistent.
  await finalize(cwd, "after", 5000);
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.ok(reg.datasets[DS].versions.some((v: { version: string }) => v.version === "after"));
  console.log(`${kills} kills, ${finalizedDuringKills} runs finished before their kill`);
});

Deno.test("registry rebuild lists verified versions and reports the others", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "v1");
  await finalize(cwd, "v2");
  const original = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  await Deno.remove(`${cwd}/registry/datasets.json`);
  const r = await runCli(["registry", "rebuild"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const rebuilt = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.deepEqual(
    rebuilt.datasets[DS].versions.map((
      v: { version: string; content_hash: string },
    ) => [v.version, v.content_hash]),
    original.datasets[DS].versions.map((
      v: { version: string; content_hash: string },
    ) => [v.version, v.content_hash]),
  );
  await writable(`${cwd}/runs/${DS}/v1/profile.json`);
  await Deno.writeTextFile(`${cwd}/runs/${DS}/v1/profile.json`, "{}\n");
  const r2 = await runCli(["registry", "rebuild", "--json"], { cwd });
  assert.equal(r2.code, 1);
  const out = JSON.parse(r2.stdout);
  assert.equal(out.listed, 1);
  assert.deepEqual(out.rejected.map((x: { version: string }) => x.version), ["v1"]);
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.deepEqual(reg.datasets[DS].versions.map((v: { version: string }) => v.version), ["v2"]);
});

Deno.test("a corrupt prior stops the run; --allow-missing-prior runs without it and says so", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "v1");
  await writable(`${cwd}/runs/${DS}/v1/profile.json`);
  await Deno.writeTextFile(`${cwd}/runs/${DS}/v1/profile.json`, "{}\n");
  const r = await runCli(["run", DS, "--run-id", "v2", "--rows", "3000"], { cwd });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /prior version finance_transactions\/v1 fails verification \(changed: profile.json\)/,
  );
  assert.ok(!(await listTree(cwd)).some((p) => p.startsWith(`runs/${DS}/v2`)));
  const r2 = await runCli(
    ["run", DS, "--run-id", "v2", "--rows", "3000", "--allow-missing-prior"],
    { cwd },
  );
  assert.equal(r2.code, 0, r2.stderr);
  const ev = JSON.parse(await Deno.readTextFile(`${cwd}/runs/${DS}/v2/evaluation_report.json`));
  assert.match(ev.prior_note, /prior version v1 was unusable/);
  assert.equal(ev.drift.available, false);
  const meta = JSON.parse(await Deno.readTextFile(`${cwd}/runs/${DS}/v2/final_metadata.json`));
  assert.equal(meta.prior_version, null);
});

Deno.test("leftover staging folders are ignored by readers, removed when stale, reported when recent", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "v1");
  const stale = `${cwd}/runs/${DS}/.staging-old-1-dead`;
  const recent = `${cwd}/runs/${DS}/.staging-new-2-live`;
  for (const d of [stale, recent]) {
    await Deno.mkdir(d);
    await Deno.writeTextFile(`${d}/data.parquet`, "partial");
  }
  const old = new Date(Date.now() - 7 * 3600 * 1000);
  await Deno.utime(stale, old, old);
  // Readers ignore them.
  const list = await runCli(["list", "--json"], { cwd });
  assert.deepEqual(
    JSON.parse(list.stdout).find((d: { dataset: string }) => d.dataset === DS).versions.map((
      v: { version: string },
    ) => v.version),
    ["v1"],
  );
  const r = await runCli(["run", DS, "--run-id", "v2", "--rows", "2000"], {
    cwd,
    env: { SDP_LOGGING_ENABLED: "true" },
  });
  assert.equal(r.code, 0, r.stderr);
  const events = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(
    events.some((e) => e.event === "leftover_removed" && e.path.endsWith(".staging-old-1-dead")),
  );
  assert.ok(
    events.some((e) => e.event === "leftover_present" && e.path.endsWith(".staging-new-2-live")),
  );
  const tree = await listTree(cwd);
  assert.ok(!tree.some((p) => p.includes(".staging-old")));
  assert.ok(tree.some((p) => p.includes(".staging-new")));
  const rebuilt = await runCli(["registry", "rebuild", "--json"], { cwd });
  assert.equal(JSON.parse(rebuilt.stdout).listed, 2);
});

Deno.test("SIGKILL right after each stage (read from the JSON log) leaves no partial version", async () => {
  const cwd = await tempDir();
  await finalize(cwd, "base", 5000);
  const stages = ["profile_prior", "generate", "validate", "evaluate", "finalize"];
  for (const [i, stage] of stages.entries()) {
    const child = spawnCli(["run", DS, "--run-id", `s${i}`, "--rows", "150000"], {
      cwd,
      env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "INFO" },
      stderr: "piped",
    });
    let seen = "";
    const decoder = new TextDecoder();
    const reader = child.stderr.getReader();
    while (!seen.includes(`"stage":"${stage}"`)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value);
    }
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    reader.releaseLock();
    await child.stderr.cancel().catch(() => {});
    assert.ok(seen.includes(`"stage":"${stage}"`), `never saw ${stage}: ${seen}`);
    const v = await runCli(["verify", DS, "--all", "--json", "--registry", "none.json"], { cwd });
    assert.equal(v.code, 0, `after a kill past ${stage}: ${v.stdout}`);
    const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
    for (const e of reg.datasets[DS].versions) {
      const ok = await runCli(["verify", DS, e.version], { cwd });
      assert.equal(ok.code, 0, `registry lists ${e.version}, which does not verify`);
    }
  }
  await finalize(cwd, "after", 3000);
  // Folders finalized just before a kill but not yet registered are recovered by a rebuild.
  const rebuilt = await runCli(["registry", "rebuild", "--json"], { cwd });
  assert.equal(rebuilt.code, 0, rebuilt.stdout);
});
