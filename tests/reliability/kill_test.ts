/**
 * SIGKILL the real CLI at injected points of finalization (strace delivers
 * SIGKILL as the Nth rename, fsync or unlink starts) and at random moments,
 * then check what the next command sees: every finalized folder is listed
 * (an interrupted finalization is settled loudly), nothing half-finalized is
 * visible, every version verifies, the version id is usable afterwards.
 */
import assert from "node:assert/strict";
import { Rng } from "../../src/rng/mod.ts";
import { runCli, spawnCli } from "../cli_harness.ts";
import {
  assertConsistent,
  countCalls,
  DS,
  RENAMES,
  runUnderStrace,
  straceUsable,
  versionFolders,
  workdir,
} from "./registry_harness.ts";

const RUN = (id: string) => ["run", DS, "--run-id", id, "--rows", "3000"];

/** After a kill: consistent, and the killed id is either finalized or free to use again. */
async function afterKill(cwd: string, label: string): Promise<"finalized" | "free"> {
  const { listed } = await assertConsistent(cwd, label);
  if (listed.includes("k")) return "finalized";
  const again = await runCli(RUN("k"), { cwd });
  assert.equal(again.code, 0, `${label}: the killed id cannot be used again: ${again.stderr}`);
  await assertConsistent(cwd, `${label}, rerun`);
  return "free";
}

Deno.test("SIGKILL at every rename, fsync and unlink of a run: the next command settles it", async (t) => {
  const why = await straceUsable();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  const counts = { tried: 0, held: 0, recovered: 0, finalized: 0, free: 0, finished: 0 };
  const windows: [string, number][] = [[RENAMES, 6], ["fsync,fdatasync", 4], [
    "unlink,unlinkat",
    4,
  ]];
  for (const [trace, window] of windows) {
    const probe = await workdir();
    const n = await countCalls(RUN("k"), { cwd: probe, trace });
    assert.ok(n >= 1, `no ${trace} call seen`);
    // The last calls are the ones around finalization; earlier ones are covered by the random kills.
    const first = Math.max(1, n - window + 1);
    for (let when = first; when <= n; when++) {
      await t.step(`kill at ${trace.split(",")[0]} #${when} of ${n}`, async () => {
        counts.tried++;
        const cwd = await workdir();
        const r = await runUnderStrace(RUN("k"), {
          cwd,
          trace,
          inject: `${trace}:signal=KILL:when=${when}`,
        });
        if (r.code === 0) counts.finished++; // the call count varied: no kill this time
        const list = await runCli(["list"], { cwd });
        if (/is now listed/.test(list.stderr)) counts.recovered++;
        const outcome = await afterKill(cwd, `${trace} #${when}`);
        counts[outcome]++;
        counts.held++;
      });
    }
  }
  console.log(
    `injected kills: ${counts.tried} tried, ${counts.held} held (${counts.recovered} recovered ` +
      `by the next command, ${counts.finalized} finalized, ${counts.free} ids reused, ` +
      `${counts.finished} not killed)`,
  );
  assert.ok(counts.recovered >= 1, "no kill fell between the rename and the registry write");
});

Deno.test("SIGKILL at seeded random moments around finalization: nothing is lost or half-visible", async () => {
  const rng = new Rng(Uint32Array.from([22, 2026, 12, 6]));
  const cwd = await workdir();
  let tried = 0;
  let held = 0;
  let finished = 0;
  for (let i = 0; i < 10; i++) {
    tried++;
    const id = `r${i}`;
    const child = spawnCli(["run", DS, "--run-id", id, "--rows", "2000"], { cwd });
    await new Promise((r) => setTimeout(r, 300 + rng.nextInt(1700)));
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    if ((await child.status).success) finished++;
    const { listed } = await assertConsistent(cwd, `random kill ${i}`);
    assert.deepEqual(listed, await versionFolders(cwd));
    held++;
  }
  console.log(`random kills: ${tried} tried, ${held} held (${finished} runs finished first)`);
});
