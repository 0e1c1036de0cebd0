/**
 * SIGKILL the real CLI at each step of finalization and at random moments,
 * then check what the next command sees: every finalized folder is listed
 * (an interrupted finalization is settled loudly), nothing half-finalized is
 * visible, every version verifies, and the killed version id is either
 * finalized or free to use again.
 *
 * The steps are hit exactly: strace delays every rename and unlink by
 * {@link DELAY_MS}, the test watches the files, and kills the process while it
 * sits in the step (intent written / folder renamed, registry not yet / registry
 * written, intent not yet removed).
 */
import assert from "node:assert/strict";
import { Rng } from "../../src/rng/mod.ts";
import { runCli, sdpArgv, spawnCli } from "../cli_harness.ts";
import {
  assertConsistent,
  DS,
  registrySideFiles,
  straceUsable,
  versionFolders,
  workdir,
} from "./registry_harness.ts";

const RUN = (id: string) => ["run", DS, "--run-id", id, "--rows", "3000"];
const DELAY_MS = 700;

/** After a kill: consistent, and the killed id is either finalized or free to use again. */
async function afterKill(cwd: string, label: string): Promise<"finalized" | "free"> {
  const { listed } = await assertConsistent(cwd, label);
  if (listed.includes("k")) return "finalized";
  const again = await runCli(RUN("k"), { cwd });
  assert.equal(again.code, 0, `${label}: the killed id cannot be used again: ${again.stderr}`);
  await assertConsistent(cwd, `${label}, rerun`);
  return "free";
}

/** What the files say about the run's finalization. */
async function stage(cwd: string): Promise<string> {
  const side = await registrySideFiles(cwd);
  const intent = side.some((n) => n.startsWith("datasets.json.intent-") && n.endsWith(".json"));
  const folder = (await versionFolders(cwd)).includes("k");
  let listed = false;
  try {
    listed = (await Deno.readTextFile(`${cwd}/registry/datasets.json`)).includes('"version": "k"');
  } catch { /* being replaced */ }
  if (intent && !folder && !listed) return "intent written, folder not renamed";
  if (intent && folder && !listed) return "folder renamed, registry not written";
  if (intent && folder && listed) return "registry written, intent not removed";
  return "other";
}

/** Pids of the children of `pid` (the traced sdp under strace). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
    const text = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/children`).catch(() => "");
    out.push(...text.trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return out;
}

/** Run `sdp run k` with slowed renames and unlinks; SIGKILL it once `want` is the stage. */
async function killAt(cwd: string, want: string): Promise<boolean> {
  const delay = `${DELAY_MS * 1000}`;
  const child = new Deno.Command("strace", {
    args: [
      "-f",
      "-qq",
      "-o",
      "/dev/null",
      "-e",
      "trace=rename,renameat,renameat2,unlink,unlinkat",
      "-e",
      `inject=rename,renameat,renameat2,unlink,unlinkat:delay_enter=${delay}`,
      ...sdpArgv(),
      ...RUN("k"),
    ],
    cwd,
    env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let killed = false;
  const deadline = Date.now() + 60_000;
  let done = false;
  child.status.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    if (await stage(cwd) === want) {
      for (const pid of await childrenOf(child.pid)) Deno.kill(pid, "SIGKILL");
      killed = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await child.status;
  return killed;
}

Deno.test("SIGKILL inside each step of finalization: the next command settles it", async (t) => {
  const why = await straceUsable();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  const steps = [
    "intent written, folder not renamed",
    "folder renamed, registry not written",
    "registry written, intent not removed",
  ];
  const counts = { tried: 0, held: 0, recovered: 0, finalized: 0, free: 0 };
  for (const want of steps) {
    for (let round = 0; round < 2; round++) {
      await t.step(`${want} (${round + 1})`, async () => {
        counts.tried++;
        const cwd = await workdir();
        assert.ok(await killAt(cwd, want), `never saw "${want}"`);
        const list = await runCli(["list"], { cwd });
        assert.equal(list.code, 0, list.stderr);
        if (want === "folder renamed, registry not written") {
          assert.match(list.stderr, /"finance_transactions" "k" .*is now listed/, list.stderr);
          counts.recovered++;
        }
        counts[await afterKill(cwd, want)]++;
        counts.held++;
      });
    }
  }
  console.log(
    `kills inside finalization steps: ${counts.tried} tried, ${counts.held} held ` +
      `(${counts.recovered} recovered loudly by the next command, ${counts.finalized} finalized, ` +
      `${counts.free} ids reused)`,
  );
});

Deno.test("SIGKILL at seeded random moments: nothing is lost or half-visible", async () => {
  const rng = new Rng(Uint32Array.from([22, 2026, 12, 6]));
  const cwd = await workdir();
  const args = (id: string) => ["run", DS, "--run-id", id, "--rows", "200000"];
  // Kill moments are spread over one whole run's duration, measured here, so that
  // they land in start-up, generation, checks and finalization on any machine.
  const t0 = performance.now();
  assert.equal((await spawnCli(args("base"), { cwd }).status).success, true);
  const runMs = performance.now() - t0;
  let tried = 0;
  let held = 0;
  let finished = 0;
  for (let i = 0; i < 12; i++) {
    tried++;
    const child = spawnCli(args(`r${i}`), { cwd });
    await new Promise((r) => setTimeout(r, Math.floor(runMs * (0.05 + 0.95 * rng.nextFloat()))));
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    if ((await child.status).success) finished++;
    const { listed } = await assertConsistent(cwd, `random kill ${i}`);
    assert.deepEqual(listed, await versionFolders(cwd));
    held++;
  }
  console.log(
    `random kills: ${tried} tried, ${held} held (${tried - finished} killed mid-run, ` +
      `${finished} finished first; one run takes ${Math.round(runMs)} ms)`,
  );
  // A kill schedule that never lands would prove nothing.
  assert.ok(tried - finished >= 3, `only ${tried - finished} of ${tried} kills landed mid-run`);
});
