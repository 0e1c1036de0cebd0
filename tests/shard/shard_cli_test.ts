/**
 * Shards in separate processes: `sdp run --shard i/n` then `sdp assemble`
 * gives a version byte-identical to a one-machine `sdp run` (n = 1, 2, 3, 5),
 * and bad flags or missing/corrupt/mismatched parts fail without finalizing.
 */
import assert from "node:assert/strict";
import { listTree, runCli, sha256File, tempDir } from "../cli_harness.ts";

const DS = "finance_transactions";
const ROWS = "300000"; // 5 chunks of 65,536 rows

async function finalOf(cwd: string, version: string) {
  const dir = `${cwd}/runs/${DS}/${version}`;
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
  return { data: await sha256File(`${dir}/data.parquet`), content: meta.content_hash as string };
}

async function shard(cwd: string, i: number, n: number, dir: string, extra: string[] = []) {
  const r = await runCli(
    [
      "run",
      DS,
      "--run-id",
      "v1",
      "--rows",
      ROWS,
      "--shard",
      `${i}/${n}`,
      "--parts-dir",
      dir,
      ...extra,
    ],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  return r;
}

Deno.test("shards 1, 2, 3, 5 assemble byte-identical to one-machine sdp run", async () => {
  const base = await tempDir();
  const one = await runCli(["run", DS, "--run-id", "v1", "--rows", ROWS], { cwd: base });
  assert.equal(one.code, 0, one.stderr);
  const want = await finalOf(base, "v1");
  await Promise.all([1, 2, 3, 5].map(async (n) => {
    const cwd = await tempDir();
    // Shards run concurrently as separate processes; n = 5 spreads over two folders.
    await Promise.all(
      Array.from(
        { length: n },
        (_, k) => shard(cwd, k + 1, n, n === 5 && k >= 3 ? "parts-b" : "parts-a"),
      ),
    );
    const dirs = n === 5 ? ["--parts-dir", "parts-a", "--parts-dir", "parts-b"] : [
      "--parts-dir",
      "parts-a",
    ];
    const r = await runCli(["assemble", DS, "--run-id", "v1", ...dirs], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`from ${n} part\\(s\\): 300000 rows`));
    assert.deepEqual(await finalOf(cwd, "v1"), want, `n=${n}`);
    const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
    assert.equal(reg.datasets[DS].versions[0].content_hash, want.content);
    const verify = await runCli(["verify", DS, "v1"], { cwd });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  }));
});

Deno.test("sdp run --shard rejects bad shard flags with exit 2", async () => {
  const cwd = await tempDir();
  const cases: [string[], RegExp][] = [
    [["--shard", "0/3"], /--shard must be i\/n/],
    [["--shard", "4/3"], /--shard must be i\/n/],
    [["--shard", "x"], /--shard must be i\/n/],
    [["--shard", "1/0"], /--shard must be i\/n/],
    [["--shard", "1/6"], /make 5 chunk\(s\).*at most 5 shard/],
    [["--shard", "1/2", "--format", "csv"], /Parquet only/],
    [["--shard", "1/2", "--format", "both"], /Parquet only/],
  ];
  for (const [flags, re] of cases) {
    const r = await runCli(
      ["run", DS, "--run-id", "v1", "--rows", ROWS, "--parts-dir", "parts", ...flags],
      { cwd },
    );
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const noId = await runCli(["run", DS, "--shard", "1/2", "--parts-dir", "parts"], { cwd });
  assert.equal(noId.code, 2);
  assert.match(noId.stderr, /--run-id is required/);
  const noDir = await runCli(["run", DS, "--run-id", "v1", "--shard", "1/2"], { cwd });
  assert.equal(noDir.code, 2);
  assert.match(noDir.stderr, /go together/);
  const noParts = await runCli(["assemble", DS, "--run-id", "v1"], { cwd });
  assert.equal(noParts.code, 2);
  assert.deepEqual(await listTree(cwd), []);
});

Deno.test("sdp assemble refuses missing, corrupt and mismatched parts (exit 1, nothing finalized)", async () => {
  const cwd = await tempDir();
  await Promise.all([1, 2, 3].map((i) => shard(cwd, i, 3, "parts")));
  const assemble = () =>
    runCli(["assemble", DS, "--run-id", "v1", "--parts-dir", "parts"], { cwd });
  const nothingFinalized = async () => {
    const tree = await listTree(cwd);
    assert.ok(!tree.some((p) => p.startsWith(`runs/${DS}/v1/`)), tree.join("\n"));
    assert.ok(!tree.some((p) => p.includes(".staging")), tree.join("\n"));
  };
  const part2 = `${cwd}/parts/${DS}.v1.part-2-of-3.chunks`;
  const manifest2 = `${cwd}/parts/${DS}.v1.part-2-of-3.json`;

  // Missing manifest (shard 2 never finished).
  const m2 = await Deno.readTextFile(manifest2);
  await Deno.remove(manifest2);
  let r = await assemble();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /missing shard\(s\) 2\/3/);
  await nothingFinalized();
  await Deno.writeTextFile(manifest2, m2);

  // Corrupt part: one flipped byte.
  const bytes = await Deno.readFile(part2);
  const bad = bytes.slice();
  bad[Math.floor(bad.length / 2)] ^= 0xff;
  await Deno.chmod(part2, 0o644);
  await Deno.writeFile(part2, bad);
  r = await assemble();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /part-2-of-3\.chunks is corrupt/);
  await nothingFinalized();

  // Missing part file.
  await Deno.remove(part2);
  r = await assemble();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /is missing/);
  await Deno.writeFile(part2, bytes);

  // A part of another split, and a part of other configs.
  await shard(cwd, 1, 2, "parts");
  r = await assemble();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /different shard counts/);
  await Deno.remove(`${cwd}/parts/${DS}.v1.part-1-of-2.json`);
  const m1 = JSON.parse(await Deno.readTextFile(`${cwd}/parts/${DS}.v1.part-1-of-3.json`));
  await Deno.writeTextFile(
    `${cwd}/parts/${DS}.v1.part-1-of-3.json`,
    JSON.stringify({ ...m1, config_sha256: "0".repeat(64) }),
  );
  r = await assemble();
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /disagree on config_sha256/);
  await nothingFinalized();

  // Restored, it assembles.
  await Deno.writeTextFile(`${cwd}/parts/${DS}.v1.part-1-of-3.json`, JSON.stringify(m1));
  r = await assemble();
  assert.equal(r.code, 0, r.stderr);
  // Immutable: assembling the same version again is refused.
  r = await assemble();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists/);
});
