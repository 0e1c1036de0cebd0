/**
 * Attacks on the registry file and on version folders: a corrupt registry in
 * every shape (rebuild repairs it from the folders alone and keeps the
 * corrupt file aside), null and duplicated entries, tampering that recomputes
 * every in-folder hash (only the registry still knows), extra files, folders
 * and links inside a version, leftover temp files (of the same pid, too), and
 * interrupted finalizations found through the intent journal.
 */
import assert from "node:assert/strict";
import {
  ARTIFACTS,
  canonicalJson,
  contentHash,
  type FinalMetadata,
  sealRunMetadata,
} from "../../src/artifacts/mod.ts";
import { sha256Hex } from "../../src/hash/mod.ts";
import { runInProcess } from "../fixtures/io.ts";
import { runCli } from "../cli_harness.ts";
import { DS, registryOf, registrySideFiles, workdir } from "./registry_harness.ts";

/** Run the CLI in-process on the folders of `cwd`. */
async function sdp(cwd: string, args: string[]) {
  const r = await runInProcess(args, cwd, { env: { SDP_LOGGING_ENABLED: "false" } });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const REG = (cwd: string) => `${cwd}/registry/datasets.json`;

async function listed(cwd: string): Promise<string[]> {
  const r = await sdp(cwd, ["list", "--json"]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out).find((d: { dataset: string }) => d.dataset === DS).versions.map((
    v: { version: string },
  ) => v.version);
}

const CORRUPT: [string, string | Uint8Array, RegExp][] = [
  ["{garbage", "{garbage", /not valid JSON/],
  ["empty", "", /is empty/],
  ["whitespace only", " \n\t\n", /is empty/],
  ["NUL bytes", new Uint8Array(4096), /not valid JSON/],
  ["invalid UTF-8", Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid JSON/],
  [
    "truncated",
    '{"format": 1, "datasets": {"finance_transactions": {"versions": [',
    /not valid JSON/,
  ],
  ["a list", "[]", /not an sdp registry/],
  ["null", "null", /not an sdp registry/],
  ["a string", '"datasets"', /not an sdp registry/],
  ["unknown format", '{"format": 99, "datasets": {}}', /not an sdp registry/],
  ["no datasets", '{"format": 1}', /not an sdp registry/],
  ["datasets a list", '{"format": 1, "datasets": []}', /not an sdp registry/],
  [
    "dataset null",
    '{"format": 1, "datasets": {"finance_transactions": null}}',
    /versions must be a list/,
  ],
  [
    "versions an object",
    '{"format": 1, "datasets": {"x": {"versions": {}}}}',
    /versions must be a list/,
  ],
  [
    "withheld a list",
    '{"format": 1, "datasets": {}, "withheld": []}',
    /withheld must be an object/,
  ],
  [
    "withheld entry without reasons",
    '{"format": 1, "datasets": {}, "withheld": {"x": [{"version": "v9", "row_count": 1, ' +
    '"data_sha256": "d", "content_hash": "c", "path": "x/v9", "created_at": "", ' +
    '"formats": [], "source": "generated"}]}}',
    /withheld\."x"\[0\] has no valid "withheld_because"/,
  ],
];

Deno.test("a corrupt registry in 16 shapes: commands name the file; rebuild repairs it from the folders alone", async (t) => {
  const base = await workdir();
  const original = await registryOf(base);
  let held = 0;
  for (const [label, content, message] of CORRUPT) {
    await t.step(label, async () => {
      const cwd = await workdir();
      if (typeof content === "string") await Deno.writeTextFile(REG(cwd), content);
      else await Deno.writeFile(REG(cwd), content);
      const bytes = await Deno.readFile(REG(cwd));
      for (const cmd of [["list"], ["verify", DS], ["verify", DS, "v1"]]) {
        const r = await sdp(cwd, cmd);
        assert.equal(r.code, 1, `${cmd[0]}: ${r.err}`);
        assert.match(r.err, message, r.err);
        assert.ok(r.err.includes(REG(cwd)), `the file is named: ${r.err}`);
        assert.match(r.err, /sdp registry rebuild/);
        assert.ok(!/internal error/.test(r.err), r.err);
        assert.ok(r.err.length < 600, "the message stays short");
      }
      const rb = await sdp(cwd, ["registry", "rebuild", "--json"]);
      const outcome = JSON.parse(rb.out);
      // Entries salvaged from the corrupt file whose folders are gone are reported (exit 1).
      assert.equal(rb.code, outcome.rejected.length > 0 ? 1 : 0, rb.out + rb.err);
      for (const r of outcome.rejected) assert.match(r.reasons.join(), /does not exist/);
      assert.equal(outcome.listed, 2);
      assert.ok(outcome.corrupt, "the problem is reported");
      assert.match(outcome.kept_aside, /datasets\.json\.corrupt-/);
      assert.deepEqual(await Deno.readFile(outcome.kept_aside), bytes, "corrupt bytes kept aside");
      const rebuilt = await registryOf(cwd);
      assert.deepEqual(
        rebuilt.datasets[DS].versions.map((v) => [v.version, v.content_hash]),
        original.datasets[DS].versions.map((v) => [v.version, v.content_hash]),
      );
      assert.deepEqual(await listed(cwd), ["v1", "v2"]);
      assert.equal((await sdp(cwd, ["verify", DS, "--all"])).code, 0);
      held++;
    });
  }
  console.log(`corrupt registries: ${CORRUPT.length} tried, ${held} held`);
});

Deno.test("null, malformed and duplicated entries are integrity errors naming the entry; rebuild settles them", async () => {
  const cases: [
    string,
    (doc: { datasets: Record<string, { versions: unknown[] }> }) => void,
    RegExp,
  ][] = [
    ["null entry", (d) => d.datasets[DS].versions.push(null), /versions\[2\] is null/],
    [
      "number entry",
      (d) => d.datasets[DS].versions.push(7),
      /versions\[2\] is not a version entry/,
    ],
    [
      "no content_hash",
      (d) => delete (d.datasets[DS].versions[0] as Record<string, unknown>).content_hash,
      /versions\[0\] has no valid "content_hash"/,
    ],
    [
      "row_count a string",
      (d) => ((d.datasets[DS].versions[1] as Record<string, unknown>).row_count = "2000"),
      /versions\[1\] has no valid "row_count"/,
    ],
    [
      "duplicated entry",
      (d) => d.datasets[DS].versions.push(d.datasets[DS].versions[0]),
      /lists version "v1" twice \(entries 0 and 2\)/,
    ],
    [
      "duplicate with another hash",
      (d) =>
        d.datasets[DS].versions.push({
          ...(d.datasets[DS].versions[1] as object),
          content_hash: "0".repeat(64),
        }),
      /lists version "v2" twice/,
    ],
  ];
  for (const [label, edit, message] of cases) {
    const cwd = await workdir();
    const doc = JSON.parse(await Deno.readTextFile(REG(cwd)));
    edit(doc);
    await Deno.writeTextFile(REG(cwd), JSON.stringify(doc));
    const r = await sdp(cwd, ["list"]);
    assert.equal(r.code, 1, `${label}: ${r.err}`);
    assert.match(r.err, message, label);
    assert.ok(!/internal error/.test(r.err), r.err);
    const rb = await sdp(cwd, ["registry", "rebuild", "--json"]);
    assert.equal(rb.code, 0, `${label}: ${rb.out}`);
    assert.deepEqual(await listed(cwd), ["v1", "v2"], label);
  }
});

/** Replace v1's data with v2's and recompute every record inside the folder. */
async function swapDataRecomputingRecords(cwd: string): Promise<void> {
  const dir = `${cwd}/runs/${DS}/v1`;
  for await (const e of Deno.readDir(dir)) await Deno.chmod(`${dir}/${e.name}`, 0o644);
  const data = await Deno.readFile(`${cwd}/runs/${DS}/v2/${ARTIFACTS.parquet}`);
  await Deno.writeFile(`${dir}/${ARTIFACTS.parquet}`, data);
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/${ARTIFACTS.final}`)) as FinalMetadata;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  meta.files[ARTIFACTS.parquet] = {
    sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    bytes: data.length,
  };
  meta.content_hash = await contentHash(meta.files);
  const finalText = canonicalJson(meta);
  await Deno.writeTextFile(`${dir}/${ARTIFACTS.final}`, finalText);
  const run = JSON.parse(await Deno.readTextFile(`${dir}/${ARTIFACTS.runMetadata}`));
  run.final_metadata_sha256 = await sha256Hex(finalText);
  await Deno.writeTextFile(
    `${dir}/${ARTIFACTS.runMetadata}`,
    canonicalJson(await sealRunMetadata(run)),
  );
}

Deno.test("tamper evidence: a swapped data file with every in-folder hash recomputed fails verify, and rebuild never adopts its hash", async () => {
  const cwd = await workdir();
  const recorded = (await registryOf(cwd)).datasets[DS].versions[0].content_hash;
  const saved = await Deno.makeTempDir();
  await new Deno.Command("cp", { args: ["-a", `${cwd}/runs/${DS}/v1`, saved] }).output();
  await swapDataRecomputingRecords(cwd);
  // Only the registry still knows.
  const v = await sdp(cwd, ["verify", DS, "v1", "--json"]);
  assert.equal(v.code, 1, v.out);
  const res = JSON.parse(v.out)[0];
  assert.deepEqual([res.changed, res.missing, res.extra], [[], [], []]);
  assert.match(
    res.problems.join("\n"),
    new RegExp(`differs from the one the registry recorded at finalization \\(${recorded}\\)`),
  );
  // Rebuild reports it, withholds it with the recorded hash, and keeps doing so.
  for (let i = 0; i < 2; i++) {
    const rb = await sdp(cwd, ["registry", "rebuild", "--json"]);
    assert.equal(rb.code, 1, rb.out);
    const out = JSON.parse(rb.out);
    assert.deepEqual(out.rejected.map((x: { version: string }) => x.version), ["v1"]);
    const reg = await registryOf(cwd);
    assert.deepEqual(reg.datasets[DS].versions.map((x) => x.version), ["v2"]);
    assert.equal(reg.withheld![DS][0].content_hash, recorded, "the recorded hash is kept");
    const again = await sdp(cwd, ["verify", DS, "v1"]);
    assert.equal(again.code, 1);
    assert.match(again.out, /withheld from .* by 'sdp registry rebuild'/);
  }
  const shown = await sdp(cwd, ["list"]);
  assert.match(shown.out, /v1 {2}WITHHELD/);
  // Restoring the original folder lists it again, with its recorded entry.
  await Deno.remove(`${cwd}/runs/${DS}/v1`, { recursive: true });
  await new Deno.Command("cp", { args: ["-a", `${saved}/v1`, `${cwd}/runs/${DS}/`] }).output();
  const rb = await sdp(cwd, ["registry", "rebuild"]);
  assert.equal(rb.code, 0, rb.out);
  assert.deepEqual(await listed(cwd), ["v1", "v2"]);
  assert.equal((await registryOf(cwd)).withheld, undefined);
});

Deno.test("tamper evidence: the registry's own record edited, a folder removed, an entry deleted", async () => {
  // The registry's hash edited: verify names the disagreement.
  let cwd = await workdir();
  const doc = await registryOf(cwd);
  doc.datasets[DS].versions[1].content_hash = "f".repeat(64);
  await Deno.writeTextFile(REG(cwd), JSON.stringify(doc));
  let r = await sdp(cwd, ["verify", DS, "v2"]);
  assert.equal(r.code, 1);
  assert.match(r.out, /recorded at finalization \(f{64}\)/);
  // A recorded folder removed: rebuild withholds the entry instead of forgetting it.
  cwd = await workdir();
  await Deno.remove(`${cwd}/runs/${DS}/v1`, { recursive: true });
  r = await sdp(cwd, ["registry", "rebuild", "--json"]);
  assert.equal(r.code, 1);
  assert.match(
    JSON.parse(r.out).rejected[0].reasons[0],
    /does not exist \(the registry recorded it\)/,
  );
  assert.equal((await registryOf(cwd)).withheld![DS][0].version, "v1");
  // An entry deleted from the registry while others remain: verify says it is not listed.
  cwd = await workdir();
  const d2 = await registryOf(cwd);
  d2.datasets[DS].versions.shift();
  await Deno.writeTextFile(REG(cwd), JSON.stringify(d2));
  r = await sdp(cwd, ["verify", DS, "v1"]);
  assert.equal(r.code, 1);
  assert.match(r.out, /not listed in .*datasets\.json/);
});

Deno.test("anything unlisted inside a version is a change: files, hidden files, folders, links", async () => {
  const cwd = await workdir();
  const dir = `${cwd}/runs/${DS}/v1`;
  const attacks: [string, () => Promise<void>, () => Promise<void>, string][] = [
    [
      "file",
      () => Deno.writeTextFile(`${dir}/notes.txt`, "x"),
      () => Deno.remove(`${dir}/notes.txt`),
      "extra: notes.txt",
    ],
    [
      "hidden file",
      () => Deno.writeTextFile(`${dir}/.DS_Store`, ""),
      () => Deno.remove(`${dir}/.DS_Store`),
      "extra: .DS_Store",
    ],
    [
      "empty folder",
      () => Deno.mkdir(`${dir}/sub`),
      () => Deno.remove(`${dir}/sub`),
      "extra: sub/",
    ],
    [
      "folder with a copy of the data",
      async () => {
        await Deno.mkdir(`${dir}/old`);
        await Deno.copyFile(`${dir}/data.parquet`, `${dir}/old/data.parquet`);
      },
      () => Deno.remove(`${dir}/old`, { recursive: true }),
      "extra: old/",
    ],
    [
      "symlink",
      () => Deno.symlink("data.parquet", `${dir}/link.parquet`),
      () => Deno.remove(`${dir}/link.parquet`),
      "extra: link.parquet",
    ],
    ["listed file replaced by a link", async () => {
      await Deno.rename(`${dir}/profile.json`, `${cwd}/profile.json`);
      await Deno.symlink(`${cwd}/profile.json`, `${dir}/profile.json`);
    }, async () => {
      await Deno.remove(`${dir}/profile.json`);
      await Deno.rename(`${cwd}/profile.json`, `${dir}/profile.json`);
    }, "profile.json is not a regular file"],
  ];
  for (const [label, attack, undo, expected] of attacks) {
    await attack();
    const r = await sdp(cwd, ["verify", DS, "v1"]);
    assert.equal(r.code, 1, `${label} passed verify`);
    assert.ok(r.out.includes(expected), `${label}: ${r.out}`);
    const rb = await sdp(cwd, ["registry", "rebuild", "--json"]);
    assert.equal(rb.code, 1, `${label}: rebuild listed it`);
    await undo();
    assert.equal((await sdp(cwd, ["registry", "rebuild"])).code, 0, label);
    assert.equal((await sdp(cwd, ["verify", DS, "v1"])).code, 0, label);
  }
});

Deno.test("temp files left next to the registry (same pid, other pids, intents' temps) never block a run", async () => {
  const cwd = await workdir();
  const names = [
    "datasets.json.1.tmp",
    "datasets.json.12345.tmp",
    "datasets.json.99999-deadbeef.tmp",
    "datasets.json.intent-7-abc.json.7-abc.tmp",
  ];
  for (const n of names) await Deno.writeTextFile(`${cwd}/registry/${n}`, "{partial");
  // The real CLI, whose pid may well be one of these on a busy machine.
  const r = await runCli(["run", DS, "--run-id", "v3", "--rows", "2000"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await registrySideFiles(cwd), []);
  assert.deepEqual(await listed(cwd), ["v1", "v2", "v3"]);
  // A reader alone clears them as well (after taking the lock).
  for (const n of names) await Deno.writeTextFile(`${cwd}/registry/${n}`, "{partial");
  assert.deepEqual(await listed(cwd), ["v1", "v2", "v3"]);
  assert.deepEqual(await registrySideFiles(cwd), []);
});

/** Take v2 out of the registry and leave the intent a killed finalization would leave. */
async function interrupted(
  cwd: string,
  edit: (intent: Record<string, unknown>) => void = () => {},
) {
  const doc = await registryOf(cwd);
  const entry = doc.datasets[DS].versions.pop()!;
  await Deno.writeTextFile(REG(cwd), JSON.stringify(doc));
  const intent: Record<string, unknown> = {
    dataset: DS,
    version: "v2",
    final_dir: await Deno.realPath(`${cwd}/runs/${DS}/v2`),
    staging_dir: `${await Deno.realPath(`${cwd}/runs/${DS}`)}/.staging-v2-42-dead`,
    pid: 42,
    entry,
  };
  edit(intent);
  const path = `${cwd}/registry/datasets.json.intent-42-dead.json`;
  await Deno.writeTextFile(path, JSON.stringify(intent));
  return path;
}

Deno.test("an interrupted finalization is settled by the next command, loudly", async () => {
  // Folder in place and verifying: listed, with a note naming it, by any reader.
  for (const cmd of [["list"], ["verify", DS, "--all"]]) {
    const cwd = await workdir();
    await interrupted(cwd);
    const r = await sdp(cwd, cmd);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(
      r.err,
      /"finance_transactions" "v2" .* was finalized by process 42, .*it verifies and is now listed/,
    );
    assert.deepEqual(await listed(cwd), ["v1", "v2"]);
    assert.deepEqual(await registrySideFiles(cwd), []);
  }
  // The real CLI's run settles it before choosing the next version index.
  {
    const cwd = await workdir();
    await interrupted(cwd);
    const r = await runCli(["run", DS, "--run-id", "v3", "--rows", "2000"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /is now listed/);
    assert.deepEqual(await listed(cwd), ["v1", "v2", "v3"]);
    const meta = JSON.parse(await Deno.readTextFile(`${cwd}/runs/${DS}/v3/final_metadata.json`));
    assert.equal(meta.version_index, 2, "v3 counts the recovered v2");
    assert.equal(meta.prior_version, "v2");
  }
  // Folder in place but changed: not listed, a warning, the intent stays for rebuild.
  {
    const cwd = await workdir();
    await interrupted(cwd);
    await Deno.writeTextFile(`${cwd}/runs/${DS}/v2/extra.txt`, "x");
    const r = await sdp(cwd, ["list"]);
    assert.equal(r.code, 0);
    assert.match(r.err, /WARNING: .*"v2".* does NOT verify \(extra: extra.txt\)/);
    assert.deepEqual(await listed(cwd), ["v1"]);
    const rb = await sdp(cwd, ["registry", "rebuild"]);
    assert.equal(rb.code, 1);
    assert.deepEqual(await registrySideFiles(cwd), [], "rebuild settles every intent");
  }
  // Folder never arrived: the dead attempt's staging folder and the intent are removed.
  {
    const cwd = await workdir();
    await interrupted(cwd);
    const staging = `${cwd}/runs/${DS}/.staging-v2-42-dead`;
    await Deno.rename(`${cwd}/runs/${DS}/v2`, staging);
    const r = await sdp(cwd, ["list"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await listed(cwd), ["v1"]);
    assert.deepEqual(await registrySideFiles(cwd), []);
    await assert.rejects(Deno.stat(staging), Deno.errors.NotFound);
  }
  // Already recorded (killed after the registry write): the intent just goes.
  {
    const cwd = await workdir();
    const path = await interrupted(cwd);
    const reg = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
    const doc = JSON.parse(reg);
    doc.datasets[DS].versions.push(JSON.parse(await Deno.readTextFile(path)).entry);
    await Deno.writeTextFile(REG(cwd), JSON.stringify(doc));
    const r = await sdp(cwd, ["list"]);
    assert.equal(r.err, "");
    assert.deepEqual(await listed(cwd), ["v1", "v2"]);
    assert.deepEqual(await registrySideFiles(cwd), []);
  }
  // A garbage intent, or one whose entry's hash differs from the folder: never adopted blindly.
  {
    const cwd = await workdir();
    const path = await interrupted(cwd);
    await Deno.writeTextFile(path, "{garbage");
    const r = await sdp(cwd, ["list"]);
    assert.match(r.err, /not a readable finalization intent/);
    assert.deepEqual(await registrySideFiles(cwd), []);
  }
  {
    const cwd = await workdir();
    await interrupted(
      cwd,
      (i) => ((i.entry as Record<string, unknown>).content_hash = "0".repeat(64)),
    );
    const r = await sdp(cwd, ["list"]);
    assert.match(r.err, /does NOT verify/);
    assert.deepEqual(await listed(cwd), ["v1"]);
  }
});
