/**
 * Shards of a multi-table dataset (retail_orders), each its own process:
 * `sdp run --shard i/n` writes every table's part, `sdp assemble` stitches
 * every table and finalizes a version whose tables' data.parquet and content
 * hash equal a one-machine `sdp run` (n = 2, 3); missing parts and parts of
 * other configs fail like single-table assembly (exit 1, nothing finalized).
 */
import assert from "node:assert/strict";
import { listTree, runCli, sha256File, tempDir } from "../cli_harness.ts";

const DS = "retail_orders";
const TABLES = ["customers", "orders", "products", "order_lines"];

async function finalOf(cwd: string, version: string) {
  const dir = `${cwd}/runs/${DS}/${version}`;
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
  const data: Record<string, string> = {};
  for (const t of TABLES) data[t] = await sha256File(`${dir}/tables/${t}/data.parquet`);
  return { data, content: meta.content_hash as string };
}

async function shard(cwd: string, i: number, n: number, dir: string) {
  const r = await runCli(
    ["run", DS, "--run-id", "v1", "--shard", `${i}/${n}`, "--parts-dir", dir],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  return r;
}

const assembleIn = (cwd: string) =>
  runCli(["assemble", DS, "--run-id", "v1", "--parts-dir", "parts"], { cwd });

Deno.test("multi-table shards 2 and 3 assemble byte-identical to one-machine sdp run", async () => {
  const base = await tempDir();
  const one = await runCli(["run", DS, "--run-id", "v1"], { cwd: base });
  assert.equal(one.code, 0, one.stderr);
  const want = await finalOf(base, "v1");
  for (const n of [3, 2]) {
    const cwd = await tempDir();
    await Promise.all(Array.from({ length: n }, (_, k) => shard(cwd, k + 1, n, "parts")));
    // Every table's chunks are split: order_lines (3 chunks) spreads over the shards.
    const names = (await listTree(cwd)).filter((p) => p.startsWith("parts/"));
    for (const t of TABLES) {
      for (let i = 1; i <= n; i++) {
        assert.ok(names.includes(`parts/${DS}.${t}.v1.part-${i}-of-${n}.json`), names.join("\n"));
      }
    }
    const r = await assembleIn(cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`from ${n} part\\(s\\): 4 tables`));
    assert.deepEqual(await finalOf(cwd, "v1"), want, `n=${n}`);
    const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
    assert.equal(reg.datasets[DS].versions[0].content_hash, want.content);
    const verify = await runCli(["verify", DS, "v1"], { cwd });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    await Deno.remove(cwd, { recursive: true });
  }
  await Deno.remove(base, { recursive: true });
});

Deno.test("multi-table sdp run --shard and assemble: usage errors exit 2 and write nothing", async () => {
  const cwd = await tempDir();
  const cases: [string[], RegExp][] = [
    [["run", DS, "--run-id", "v1", "--shard", "1/4", "--parts-dir", "parts"], /at most 3 shard/],
    [["run", DS, "--run-id", "v1", "--shard", "0/2", "--parts-dir", "parts"], /--shard must/],
    [["run", DS, "--shard", "1/2", "--parts-dir", "parts"], /--run-id is required/],
    [
      ["run", DS, "--run-id", "v1", "--shard", "1/2", "--parts-dir", "parts", "--format", "csv"],
      /Parquet only/,
    ],
    [["assemble", DS, "--run-id", "v1", "--parts-dir", ".", "--no-prior"], /not supported/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { cwd });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.deepEqual(await listTree(cwd), []);
  }
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("multi-table assemble refuses missing parts and parts of other configs (exit 1)", async () => {
  const cwd = await tempDir();
  await Promise.all([1, 2, 3].map((i) => shard(cwd, i, 3, "parts")));
  const nothingFinalized = async () => {
    const tree = await listTree(cwd);
    assert.ok(!tree.some((p) => p.startsWith(`runs/${DS}/v1/`)), tree.join("\n"));
    assert.ok(!tree.some((p) => p.includes(".staging")), tree.join("\n"));
  };
  const path = (t: string, i: number, ext: string) =>
    `${cwd}/parts/${DS}.${t}.v1.part-${i}-of-3.${ext}`;

  // A shard of one table never finished: its manifest is missing.
  const m2 = await Deno.readTextFile(path("order_lines", 2, "json"));
  await Deno.remove(path("order_lines", 2, "json"));
  let r = await assembleIn(cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /retail_orders\.order_lines v1: missing shard\(s\) 2\/3/);
  await nothingFinalized();
  await Deno.writeTextFile(path("order_lines", 2, "json"), m2);

  // A part file is missing.
  const bytes = await Deno.readFile(path("orders", 3, "chunks"));
  await Deno.remove(path("orders", 3, "chunks"));
  r = await assembleIn(cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /part-3-of-3\.chunks is missing/);
  await nothingFinalized();
  await Deno.writeFile(path("orders", 3, "chunks"), bytes);

  // Parts of different configs: one part, then every part of one table.
  const edit = async (t: string, i: number, change: Record<string, unknown>) => {
    const text = await Deno.readTextFile(path(t, i, "json"));
    await Deno.writeTextFile(
      path(t, i, "json"),
      JSON.stringify({ ...JSON.parse(text), ...change }),
    );
    return text;
  };
  let saved = [await edit("products", 1, { config_sha256: "0".repeat(64) })];
  r = await assembleIn(cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /disagree on config_sha256/);
  await nothingFinalized();
  await Deno.writeTextFile(path("products", 1, "json"), saved[0]);
  saved = await Promise.all(
    [1, 2, 3].map((i) => edit("customers", i, { config_sha256: "0".repeat(64) })),
  );
  r = await assembleIn(cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /generated from other configs/);
  await nothingFinalized();
  for (const [k, text] of saved.entries()) {
    await Deno.writeTextFile(path("customers", k + 1, "json"), text);
  }

  // One table's parts planned with another --rows.
  saved = await Promise.all([1, 2, 3].map((i) => edit("orders", i, { root_rows: 1000 })));
  r = await assembleIn(cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /disagree on root_rows/);
  await nothingFinalized();
  for (const [k, text] of saved.entries()) {
    await Deno.writeTextFile(path("orders", k + 1, "json"), text);
  }

  // Restored, it assembles; assembling the same version again is refused.
  r = await assembleIn(cwd);
  assert.equal(r.code, 0, r.stderr);
  r = await assembleIn(cwd);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists/);
  await Deno.remove(cwd, { recursive: true });
});
