/**
 * A full disk at finalization: the registry folder (or the runs folder) on a
 * real, tiny tmpfs filled to within a few pages. Each run either finalizes
 * completely (listed, verifies) or fails with exit 1 and a message naming the
 * file it could not write and what was left, leaving nothing half-finalized,
 * the registry unchanged and the version id free to use once there is room.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli_harness.ts";
import {
  assertConsistent,
  copyInto,
  DS,
  registrySideFiles,
  versionFolders,
  workdir,
} from "./registry_harness.ts";

const RUN = ["run", DS, "--run-id", "k", "--rows", "2000"];

async function sh(cmd: string, args: string[]): Promise<{ code: number; err: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr).trim() };
}

/** Mount a tmpfs of `kib` KiB over `dir` keeping its contents; undefined or why not. */
async function mountSmall(dir: string, kib: number): Promise<string | undefined> {
  const keep = await Deno.makeTempDir();
  await copyInto(dir, keep);
  const m = await sh("mount", ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir]);
  if (m.code !== 0) return `mount -t tmpfs is not permitted here (${m.err})`;
  await copyInto(keep, dir);
  return undefined;
}

/** Fill the file system of `dir` so that only `pages` 4 KiB pages stay free. */
async function fillLeaving(dir: string, pages: number): Promise<void> {
  const df = await new Deno.Command("df", { args: ["-B1", "--output=avail", dir] }).output();
  const avail = Number(new TextDecoder().decode(df.stdout).trim().split("\n").pop());
  const size = Math.max(0, avail - pages * 4096);
  await Deno.writeFile(`${dir}/.filler`, new Uint8Array(size));
}

/** KiB a folder's files take on a tmpfs (whole 4 KiB pages). */
async function folderKib(dir: string): Promise<number> {
  let kib = 0;
  for await (const e of Deno.readDir(dir)) {
    kib += Math.ceil((await Deno.stat(`${dir}/${e.name}`)).size / 4096) * 4;
  }
  return kib;
}

/** The checks after a run on a (nearly) full disk. */
async function checkOutcome(
  cwd: string,
  r: { code: number; stderr: string },
  label: string,
  before: string,
): Promise<"finalized" | "refused"> {
  assert.ok(!/internal error/.test(r.stderr), `${label}: ${r.stderr}`);
  if (r.code === 0) return "finalized";
  assert.equal(r.code, 1, `${label}: ${r.stderr}`);
  assert.match(r.stderr, /could not [^\n]*\/[^\n]*\(/, `${label}: no file named: ${r.stderr}`);
  assert.match(r.stderr, /left unchanged|nothing was finalized|removed/, `${label}: ${r.stderr}`);
  assert.ok(!(await versionFolders(cwd)).includes("k"), `${label}: a version folder remains`);
  const leftovers = [];
  for await (const e of Deno.readDir(`${cwd}/runs/${DS}`)) {
    if (e.name.startsWith(".staging-k-")) leftovers.push(e.name);
  }
  assert.deepEqual(leftovers, [], `${label}: staging left`);
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), before, label);
  assert.deepEqual(
    (await registrySideFiles(cwd)).filter((n) => n !== ".filler"),
    [],
    `${label}: files left next to the registry`,
  );
  console.log(`  ${label}: exit 1: ${r.stderr.trim()}`);
  return "refused";
}

Deno.test("registry folder on a full tmpfs: finalized completely or refused cleanly, id reusable", async (t) => {
  if (Deno.build.os !== "linux") return console.log("skipped: tmpfs needs Linux");
  let tried = 0;
  let held = 0;
  const outcomes: string[] = [];
  for (const pages of [0, 1, 2, 3]) {
    await t.step(`${pages} free page(s)`, async () => {
      tried++;
      const cwd = await workdir();
      const reg = `${cwd}/registry`;
      const why = await mountSmall(reg, 64);
      if (why) return console.log(`skipped: ${why}`);
      try {
        await fillLeaving(reg, pages);
        const before = await Deno.readTextFile(`${reg}/datasets.json`);
        const r = await runCli(RUN, { cwd });
        const outcome = await checkOutcome(cwd, r, `${pages} pages`, before);
        outcomes.push(`${pages}:${outcome}`);
        if (outcome === "refused") {
          // Commands that only read still work on the full disk.
          const list = await runCli(["list"], { cwd });
          assert.equal(list.code, 0, list.stderr);
          await Deno.remove(`${reg}/.filler`);
          const again = await runCli(RUN, { cwd });
          assert.equal(again.code, 0, `id k not reusable after freeing space: ${again.stderr}`);
        } else await Deno.remove(`${reg}/.filler`);
        await assertConsistent(cwd, `${pages} pages`);
        held++;
      } finally {
        await sh("umount", [reg]);
      }
    });
  }
  console.log(`full registry disk: ${tried} tried, ${held} held (${outcomes.join(", ")})`);
});

Deno.test("runs folder on a full tmpfs: nothing half-finalized, registry unchanged, id reusable", async (t) => {
  if (Deno.build.os !== "linux") return console.log("skipped: tmpfs needs Linux");
  let tried = 0;
  let held = 0;
  const outcomes: string[] = [];
  // Around the size of a whole version too, so that the last writes (final_metadata.json,
  // run_metadata.json, the registry) are the ones that fail.
  const total = await folderKib(`${await workdir()}/runs/${DS}/v2`);
  for (const kib of [0, 64, total - 8, total - 4, total]) {
    await t.step(`${kib} KiB free`, async () => {
      tried++;
      const cwd = await workdir();
      const runs = `${cwd}/runs/${DS}`;
      const why = await mountSmall(runs, 4096);
      if (why) return console.log(`skipped: ${why}`);
      try {
        await fillLeaving(runs, Math.floor(kib / 4));
        const before = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
        const r = await runCli(RUN, { cwd });
        outcomes.push(`${kib}:${r.code === 0 ? "finalized" : "refused"}`);
        if (r.code !== 0) {
          assert.ok(!/internal error/.test(r.stderr), r.stderr);
          assert.equal(r.code, 1, r.stderr);
          assert.match(r.stderr, /could not write /, `${kib} KiB: no file or reason: ${r.stderr}`);
          assert.match(r.stderr, /nothing was finalized/, r.stderr);
          assert.ok(!(await versionFolders(cwd)).includes("k"), `${kib} KiB: version folder left`);
          const staging = [];
          for await (const e of Deno.readDir(runs)) {
            if (e.name.startsWith(".staging-k-")) staging.push(e);
          }
          assert.deepEqual(staging, [], `${kib} KiB: staging left`);
          assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), before);
          assert.deepEqual(await registrySideFiles(cwd), []);
          console.log(`  ${kib} KiB free: exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`);
        }
        await Deno.remove(`${runs}/.filler`);
        if (r.code !== 0) {
          const again = await runCli(RUN, { cwd });
          assert.equal(again.code, 0, `id k not reusable after freeing space: ${again.stderr}`);
        }
        await assertConsistent(cwd, `${kib} KiB`);
        held++;
      } finally {
        await sh("umount", [runs]);
      }
    });
  }
  console.log(`full runs disk: ${tried} tried, ${held} held (${outcomes.join(", ")})`);
});
