/**
 * Command handlers run against a fake {@link Io}: the CLI's own file
 * operations and permission queries go through it, so a test can see what a
 * command would write and how it reacts to a narrower permission set.
 */
import assert from "node:assert/strict";
import { main } from "../../src/cli/mod.ts";
import type { Io, PermissionQuery } from "../../src/cli/io.ts";
import { testIo } from "../fixtures/io.ts";
import { runCli } from "../cli_harness.ts";

function recordingIo(granted: (q: PermissionQuery) => boolean) {
  const out: string[] = [];
  const made: string[] = [];
  const written = new Map<string, string>();
  const io: Io = {
    ...testIo((t) => void out.push(t)),
    granted,
    mkdir: (path) => {
      made.push(path);
      return Promise.resolve();
    },
    writeNewTextFile: (path, text) => {
      written.set(path, text);
      return Promise.resolve();
    },
    appendTextFile: (path, text) => {
      written.set(path, (written.get(path) ?? "") + text);
      return Promise.resolve();
    },
  };
  return { io, out, made, written };
}

Deno.test("sdp init writes its three files through Io", async () => {
  const dir = `/nonexistent-sdp-${crypto.randomUUID()}`;
  const r = recordingIo(() => true);
  const code = await main(["init", "shop", "--datasets-dir", dir], r.io);
  assert.equal(code, 0, r.out.join(""));
  assert.deepEqual(r.made, [`${dir}/shop`]);
  assert.deepEqual([...r.written.keys()].sort(), [
    `${dir}/shop/dataset.yaml`,
    `${dir}/shop/evolution.yaml`,
    `${dir}/shop/schema.yaml`,
  ]);
  assert.match(r.written.get(`${dir}/shop/dataset.yaml`)!, /shop/);
});

Deno.test("a write permission Io denies stops sdp init before anything is written", async () => {
  const r = recordingIo((q) => q.name !== "write");
  const code = await main(["init", "shop", "--datasets-dir", "elsewhere"], r.io);
  assert.equal(code, 2);
  assert.match(r.out.join(""), /--datasets-dir "elsewhere\/shop" is outside what sdp may write/);
  assert.deepEqual(r.made, []);
  assert.equal(r.written.size, 0);
});

Deno.test("an input file Io may not read is refused with a hint, exit code 2", async () => {
  const r = recordingIo((q) => !(q.name === "read" && q.path === "../outside.csv"));
  const code = await main(["ingest", "../outside.csv", "--dataset", "shop"], r.io);
  assert.equal(code, 2);
  assert.match(r.out.join(""), /input file "\.\.\/outside\.csv" is outside the working directory/);
});

Deno.test("sdp init in a git working tree adds .kaggle/ to .gitignore once", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "sdp-init-git-" });
  await Deno.mkdir(`${cwd}/.git`);
  await Deno.writeTextFile(`${cwd}/.gitignore`, "/runs/");
  const first = await runCli(["init", "shop"], { cwd });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /added \.kaggle\/ to \.gitignore/);
  const second = await runCli(["init", "orders"], { cwd });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /already lists \.kaggle\//);
  assert.equal(
    await Deno.readTextFile(`${cwd}/.gitignore`),
    "/runs/\n# Kaggle credentials (sdp publish)\n.kaggle/\n",
  );
  // Outside a git working tree nothing is created; the hint is printed.
  const plain = await Deno.makeTempDir({ prefix: "sdp-init-plain-" });
  const r = await runCli(["init", "shop"], { cwd: plain });
  assert.match(r.stdout, /keep \.kaggle\/ out of version control/);
  await assert.rejects(Deno.stat(`${plain}/.gitignore`));
});
