/**
 * The free-space check of `sdp run` (docs/limits.md, Free space): a run whose
 * output cannot fit is refused before anything is written, and the estimate
 * it refuses on never exceeds what a real run writes by more than the stated
 * compression factor.
 */
import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../../src/builtin/mod.ts";
import { loadDataset } from "../../src/config/mod.ts";
import { estimateOutput, MAX_COMPRESSION } from "../../src/pipeline/mod.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

Deno.test("sdp run refuses a run that cannot fit in the free space, writing nothing", async () => {
  const cwd = await tempDir();
  try {
    const before = await listTree(cwd);
    // 2^40 rows (the most a version may have): terabytes even at 50x compression.
    const r = await runCli(["run", "finance_transactions", "--rows", String(2 ** 40)], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /1099511627776 rows: estimated [\d.]+ TiB uncompressed, at least [\d.]+ TiB/,
    );
    assert.match(r.stderr, /free\. Free space, lower --rows, or pass --no-space-check/);
    assert.deepEqual(await listTree(cwd), before);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("the estimate bounds real outputs: at most the stated compression away", async () => {
  const cwd = await tempDir();
  try {
    for (const name of BUILTIN_DATASETS.keys()) {
      // Multi-table datasets have no single data.parquet (their run is not estimated yet).
      if (/^tables\s*:/m.test(BUILTIN_DATASETS.get(name)!["schema.yaml"])) continue;
      const rows = 100_000;
      const r = await runCli(["run", name, "--run-id", "v1", "--rows", String(rows)], { cwd });
      assert.equal(r.code, 0, r.stderr);
      const real = (await Deno.stat(`${cwd}/runs/${name}/v1/data.parquet`)).size;
      const spec = await loadDataset(name, {
        datasetsDir: `${cwd}/datasets`,
        readText: () => Promise.resolve(undefined),
      });
      const e = estimateOutput(spec, { rows, format: "parquet" });
      assert.ok(real <= e.bytes, `${name}: ${real} bytes written, estimate ${e.bytes}`);
      // A run is refused only when even a MAX_COMPRESSION-fold output would not fit:
      // no built-in compresses that well, so none is ever refused while it could fit.
      assert.ok(e.minBytes < real, `${name}: ${real} bytes written, refusal floor ${e.minBytes}`);
      assert.ok(e.bytes / real < MAX_COMPRESSION, name);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
