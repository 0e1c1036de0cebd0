/**
 * Upgrading across the determinism contract 5 bump (snake_case JSON keys):
 * versions finalized by contract 4, whose profile.json spells five keys in
 * camelCase, stay usable as priors, in `diff` and in `verify`; only
 * `verify --reproduce` refuses them, because this sdp would write other bytes. The
 * registry's keys did not change: a registry written by contract 4 reads as it is.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "../cli_harness.ts";
import { downgradeToContract4 } from "../helpers/legacy_version.ts";
import { DETERMINISM_CONTRACT } from "../../src/version/mod.ts";

const DS = "finance_transactions";

Deno.test("a contract-4 prior with a camelCase profile.json: run, diff and verify work, reproduce is refused", async () => {
  const cwd = await tempDir("sdp-legacy-");
  const run = (version: string) =>
    runCli(["run", DS, "--run-id", version, "--rows", "3000", "--workers", "1"], { cwd });
  const r1 = await run("v1");
  assert.equal(r1.code, 0, r1.stderr);
  const ownProfile = await Deno.readTextFile(`${cwd}/runs/${DS}/v1/profile.json`);
  await downgradeToContract4(cwd, DS, "v1");
  const old = await Deno.readTextFile(`${cwd}/runs/${DS}/v1/profile.json`);
  assert.match(old, /"nonFinite"/);
  assert.match(old, /"relativeStandardError"/);

  const verify = await runCli(["verify", DS, "v1"], { cwd });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);

  const r2 = await run("v2");
  assert.equal(r2.code, 0, r2.stderr);
  const dir = `${cwd}/runs/${DS}/v2`;
  const ev = JSON.parse(await Deno.readTextFile(`${dir}/evaluation_report.json`));
  assert.equal(ev.prior_version, "v1");
  assert.equal(ev.prior_note, undefined);
  assert.equal(ev.drift.available, true);
  assert.ok(ev.drift.summary.compared > 0);
  // The prior is recorded in the current format: the same bytes contract 5 would have written.
  assert.equal(await Deno.readTextFile(`${dir}/prior_profile.json`), ownProfile);

  const diff = await runCli(["diff", DS, "v1", "v2", "--json"], { cwd });
  assert.equal(diff.code, 0, diff.stderr);
  assert.deepEqual(JSON.parse(diff.stdout).columns, ev.drift.columns);

  const all = await runCli(["verify", DS, "--all"], { cwd });
  assert.equal(all.code, 0, all.stdout + all.stderr);

  const rep = await runCli(["verify", DS, "v1", "--reproduce"], { cwd });
  assert.equal(rep.code, 2, rep.stdout + rep.stderr);
  assert.match(
    rep.stderr,
    new RegExp(`determinism contract 4; this sdp implements contract ${DETERMINISM_CONTRACT}`),
  );
  const ok = await runCli(["verify", DS, "v2", "--reproduce"], { cwd });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});

Deno.test("a registry written by contract 4 reads unchanged (its keys were snake_case already)", async () => {
  const cwd = await tempDir("sdp-legacy-");
  // registry/datasets.json as contract 4 wrote it, with a publication.
  const entry = {
    content_hash: "a".repeat(64),
    created_at: "2026-12-01T00:00:00.000Z",
    data_sha256: "b".repeat(64),
    formats: ["parquet"],
    path: "people/v1",
    publications: [{
      files: { "data.parquet": "b".repeat(64) },
      published_at: "2026-12-02T00:00:00.000Z",
      remote_version: 1,
      target: "kaggle:alice/people-data",
      url: "https://www.kaggle.com/datasets/alice/people-data",
    }],
    row_count: 200,
    source: "ingested",
    version: "v1",
  };
  await Deno.mkdir(`${cwd}/registry`);
  await Deno.writeTextFile(
    `${cwd}/registry/datasets.json`,
    JSON.stringify({ datasets: { people: { versions: [entry] } }, format: 1 }, null, 2) + "\n",
  );
  const r = await runCli(["list", "--json"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const people = JSON.parse(r.stdout).find((d: { dataset: string }) => d.dataset === "people");
  assert.deepEqual(people.versions, [entry]);
});
