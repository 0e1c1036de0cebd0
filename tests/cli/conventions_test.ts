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
  await Deno.writeTextFile(`${dir}/dataset.yaml`, "name: tiny\ndomain: test\ndescription: t\nrow_count: 10\n");
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
