/**
 * CLI conventions (issue 20): usage errors exit 2 and name what exists, with
 * "did you mean" for near misses; version indices are never reused and
 * `list` follows them after a rebuild de-lists and re-lists a version.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "../cli_harness.ts";

const DS = "finance_transactions";

async function run(cwd: string, id: string) {
  const r = await runCli(["run", DS, "--run-id", id, "--rows", "500", "--workers", "1"], { cwd });
  assert.equal(r.code, 0, r.stderr);
}

async function versionIndex(cwd: string, id: string): Promise<number> {
  const meta = JSON.parse(await Deno.readTextFile(`${cwd}/runs/${DS}/${id}/final_metadata.json`));
  return meta.version_index;
}

Deno.test("usage errors: exit 2, one line, nearest name suggested", async () => {
  const cwd = await tempDir();
  const none = await runCli([], { cwd });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: sdp <command>/);
  const cases: Array<[string[], RegExp]> = [
    [["verfy", DS], /unknown command "verfy"\. Did you mean "verify"\?/],
    [["run", DS, "--rowz", "5"], /Unknown option '--rowz'\. Did you mean "--rows"\?/],
    [["run", DS, "--rows"], /argument missing/],
    [["frobnicate"], /^(?!.*Did you mean).*unknown command/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { cwd });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

Deno.test("config typos: unknown keys and generator kinds suggest the nearest valid name", async () => {
  const cwd = await tempDir();
  const dir = `${cwd}/datasets/tiny`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/dataset.yaml`,
    "name: tiny\ndomain: test\ndescription: t\nrow_count: 10\n",
  );
  await Deno.writeTextFile(
    `${dir}/schema.yaml`,
    "columns:\n  x:\n    type: float\n    nulable: false\n    generator: { kind: unifrom, min: 0, max: 1 }\n",
  );
  await Deno.writeTextFile(`${dir}/evolution.yaml`, "{}\n");
  const r = await runCli(["run", "tiny"], { cwd });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown key "nulable"; Did you mean "nullable"\?/);
  assert.match(r.stderr, /unknown generator kind "unifrom"; Did you mean "uniform"\?/);
});

Deno.test("diff and verify: a mistyped dataset or version is a usage error naming what exists", async () => {
  const cwd = await tempDir();
  await run(cwd, "v1");
  await run(cwd, "v2");
  const cases: Array<[string[], RegExp]> = [
    [["diff", DS, "v1", "v3"], /has no version "v3" \(versions: v1, v2\)/],
    [["diff", "finance_transaction", "v1", "v2"], /Did you mean "finance_transactions"\?/],
    [["verify", DS, "v9"], /has no version "v9" \(versions: v1, v2\)/],
    [["verify", "nope"], /no dataset "nope".*datasets: finance_transactions/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { cwd });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.equal((await runCli(["diff", DS, "v1", "v2"], { cwd })).code, 0);
});

Deno.test("a version index is never reused after a rebuild de-lists a version; list follows the index", async () => {
  const cwd = await tempDir();
  await run(cwd, "v1");
  await run(cwd, "v2");
  const report = `${cwd}/runs/${DS}/v1/report.html`;
  const original = await Deno.readFile(report);
  await Deno.chmod(report, 0o644);
  await Deno.writeTextFile(report, "tampered");
  const rb = await runCli(["registry", "rebuild"], { cwd });
  assert.equal(rb.code, 1, rb.stderr);
  assert.match(rb.stdout, /not listed: finance_transactions v1: .*version index stays reserved/);
  await run(cwd, "v3");
  assert.deepEqual(
    [await versionIndex(cwd, "v1"), await versionIndex(cwd, "v2"), await versionIndex(cwd, "v3")],
    [0, 1, 2],
  );
  await Deno.writeFile(report, original);
  await Deno.chmod(report, 0o444);
  const again = await runCli(["registry", "rebuild"], { cwd });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const list = await runCli(["list", "--json"], { cwd });
  const versions = JSON.parse(list.stdout).find((d: { dataset: string }) => d.dataset === DS)
    .versions.map((v: { version: string }) => v.version);
  assert.deepEqual(versions, ["v1", "v2", "v3"]);
});

Deno.test("sdp gc lists failed attempts and staging leftovers with sizes, removes them with --yes", async () => {
  const cwd = await tempDir();
  await run(cwd, "v1");
  const dir = `${cwd}/runs/${DS}`;
  await Deno.mkdir(`${dir}/_failed/v2-123-abcd`, { recursive: true });
  await Deno.writeFile(`${dir}/_failed/v2-123-abcd/data.parquet`, new Uint8Array(3000));
  for (const [name, old] of [[".staging-v3-99999-dead", true], [".staging-v4-99998-live", false]]) {
    await Deno.mkdir(`${dir}/${name}`);
    await Deno.writeFile(`${dir}/${name}/data.parquet`, new Uint8Array(2048));
    if (old) await Deno.utime(`${dir}/${name}`, 1_000_000, 1_000_000);
  }
  const list = await runCli(["gc"], { cwd });
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    /failed attempt\s+2\.9 KiB\s+runs\/finance_transactions\/_failed\/v2-123-abcd\s+would remove/,
  );
  assert.match(
    list.stdout,
    /staging leftover\s+2\.0 KiB\s+\S+\.staging-v3-99999-dead\s+would remove/,
  );
  assert.match(list.stdout, /\.staging-v4-99998-live\s+kept \(recent/);
  assert.match(list.stdout, /3 leftover\(s\)/);
  // A typo in a flag is a usage error.
  assert.equal((await runCli(["gc", "--yse"], { cwd })).code, 2);
  const gc = await runCli(["gc", "--yes"], { cwd });
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, /Removed 2 of 3, freed 4\.9 KiB/);
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(left, [".staging-v4-99998-live", "_failed", "v1"]);
  // The next run reports the recent leftover it leaves alone.
  const next = await runCli(["run", DS, "--run-id", "v5", "--rows", "500", "--workers", "1"], {
    cwd,
    env: { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "WARNING" },
  });
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /leftover_present.*staging-v4-99998-live.*sdp gc/);
  // Finalized versions are never listed.
  const json = JSON.parse(
    (await runCli(["gc", "--json", "--include-recent", "--yes"], { cwd })).stdout,
  );
  assert.deepEqual(json.leftovers.map((l: { kind: string }) => l.kind), ["staging"]);
  assert.ok([...Deno.readDirSync(dir)].every((e) => !e.name.startsWith(".staging")));
});
