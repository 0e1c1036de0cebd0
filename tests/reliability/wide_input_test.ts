/**
 * Wide input: up to {@link MAX_COLUMNS} columns works in bounded time; wider
 * CSV headers, Parquet files and schemas are refused at the header/schema
 * (exit 2 naming the file, the count and the limit) before any heavy work.
 * Column names that are JavaScript built-ins are ordinary names.
 */
import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { MAX_COLUMNS } from "../../src/limits.ts";
import { csvToChunks } from "../../src/csv/convert.ts";
import { parseCsv } from "../../src/csv/read.ts";
import { scanInput } from "../../src/ingest/producer.ts";
import { runInProcess } from "../fixtures/io.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

/** The CLI in this process, paths under `cwd`. */
function runHere(args: string[], cwd: string) {
  return runInProcess(args, cwd, { files: /\.(csv|parquet)$/ });
}

function wideCsv(columns: number, rows: number): string {
  const names = Array.from({ length: columns }, (_, i) => `c${i}`);
  const lines = [names.join(",")];
  for (let r = 0; r < rows; r++) {
    lines.push(names.map((_, i) => String((r * 31 + i) % 97)).join(","));
  }
  return lines.join("\n") + "\n";
}

/** Time and the result of `fn`; the bound is generous (a loaded CI machine), not a benchmark. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

Deno.test("wide CSV beyond the limit: exit 2 at the header, naming the file, count and limit", async () => {
  for (const columns of [MAX_COLUMNS + 1, 10_000, 100_000]) {
    const cwd = await tempDir("sdp-wide-");
    await Deno.writeTextFile(`${cwd}/wide.csv`, wideCsv(columns, 3));
    const [r, ms] = await timed(() =>
      runHere(["ingest", "wide.csv", "--dataset", "wide", "--run-id", "v1"], cwd)
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /wide\.csv:1:/);
    assert.ok(r.stderr.includes(`has ${columns} columns`), r.stderr);
    assert.ok(r.stderr.includes(`at most ${MAX_COLUMNS} columns`), r.stderr);
    assert.ok(ms < 15_000, `${columns} columns refused after ${Math.round(ms)} ms`);
    assert.deepEqual(await listTree(cwd), ["wide.csv"]);
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("wide Parquet beyond the limit: exit 2 before the engine reads it", async () => {
  const columns: Record<string, arrow.Vector> = {};
  for (let i = 0; i <= MAX_COLUMNS; i++) {
    columns[`c${i}`] = arrow.vectorFromArray([1, 2], new arrow.Int32());
  }
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(columns))));
  const cwd = await tempDir("sdp-wide-");
  await Deno.writeFile(`${cwd}/wide.parquet`, bytes);
  const r = await runHere(["ingest", "wide.parquet", "--dataset", "wide", "--run-id", "v1"], cwd);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`wide\\.parquet: the file has ${MAX_COLUMNS + 1} columns`));
  assert.ok(r.stderr.includes(`at most ${MAX_COLUMNS} columns`), r.stderr);
  assert.deepEqual(await listTree(cwd), ["wide.parquet"]);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("wide schema beyond the limit: exit 2 naming schema.yaml, count and limit", async () => {
  const cwd = await tempDir("sdp-wide-");
  const dir = `${cwd}/datasets/wide`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/dataset.yaml`,
    "name: wide\ndomain: test\ndescription: wide\nrow_count: 10\n",
  );
  await Deno.writeTextFile(`${dir}/evolution.yaml`, "thresholds:\n  psi: 0.1\n");
  const cols = Array.from(
    { length: 5000 },
    (_, i) =>
      `  c${i}: { type: integer, nullable: false, generator: { kind: uniform, min: 0, max: 9 } }`,
  );
  await Deno.writeTextFile(`${dir}/schema.yaml`, `columns:\n${cols.join("\n")}\n`);
  const before = await listTree(cwd);
  const r = await runCli(["run", "wide", "--run-id", "v1"], { cwd });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /datasets\/wide\/schema\.yaml:\d+:\d+: columns: has 5000 columns/);
  assert.ok(r.stderr.includes(`at most ${MAX_COLUMNS} columns`), r.stderr);
  assert.doesNotMatch(r.stderr, /unreachable|internal error/);
  assert.deepEqual(await listTree(cwd), before);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("wide CSV at the limit ingests in bounded time", async () => {
  const cwd = await tempDir("sdp-wide-");
  await Deno.writeTextFile(`${cwd}/wide.csv`, wideCsv(MAX_COLUMNS, 200));
  const [r, ms] = await timed(() =>
    runCli(["ingest", "wide.csv", "--dataset", "wide", "--run-id", "v1"], { cwd })
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Finalized wide v1: 200 rows/);
  console.log(
    `ingest of ${MAX_COLUMNS} columns x 200 rows: ${Math.round(ms)} ms (CLI, subprocess)`,
  );
  assert.ok(ms < 120_000, `${Math.round(ms)} ms`);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("CSV headers named like JavaScript built-ins are ordinary columns (CSV/ingest side)", async () => {
  const names = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"];
  const cwd = await tempDir("sdp-builtin-");
  const rows = [0, 1, 2].map((r) => names.map((_, i) => String(r * 10 + i)).join(","));
  await Deno.writeTextFile(`${cwd}/b.csv`, [names.join(","), ...rows].join("\n") + "\n");
  // Inferred (first pass), then converted to chunks (second pass) with those columns.
  const scan = await scanInput(`${cwd}/b.csv`, undefined);
  assert.deepEqual(
    scan.columns.map((c) => [c.name, c.type]).sort(),
    names.map((n) => [n, "integer"]).sort(),
  );
  assert.equal(scan.rows, 3);
  const text = await Deno.readTextFile(`${cwd}/b.csv`);
  const stream = ReadableStream.from([new TextEncoder().encode(text)]);
  let got = 0;
  for await (
    const chunk of csvToChunks(parseCsv(stream, { file: "b.csv" }), scan.columns, { file: "b.csv" })
  ) {
    got += chunk.rows;
    for (const n of names) {
      const col = chunk.columns.get(n);
      assert.ok(col && col.type === "integer", n);
      assert.deepEqual(
        [...col.values as Float64Array],
        [0, 10, 20].map((x) => x + names.indexOf(n)),
      );
    }
  }
  assert.equal(got, 3);
  // A built-in name twice is numbered like any repeated name.
  await Deno.writeTextFile(`${cwd}/d.csv`, "__proto__,x,__proto__\n1,2,3\n");
  const dup = await scanInput(`${cwd}/d.csv`, undefined);
  assert.deepEqual(
    dup.columns.map((c) => [c.name, c.sourceName]),
    [["__proto__", undefined], ["__proto___2", "__proto__"], ["x", undefined]],
  );
  await Deno.remove(cwd, { recursive: true });
});
