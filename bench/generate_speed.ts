/**
 * Generation speed of the built-in datasets on one thread (chunks consumed,
 * nothing written); scaling over workers (with encoding) is measured by
 * bench/bench.ts.
 *
 * `deno run --allow-read --ignore-env=LOG_TOKENS,LOG_STREAM bench/generate_speed.ts [options] [dataset...]`
 *
 * - no dataset: all built-in datasets;
 * - `--rows N` rows per run (default 1000000), `--runs R` timed runs (default 5,
 *   after one warm-up run), the median is printed as ms per 1M rows;
 * - `--columns`: also the cost of each column. Columns are timed incrementally:
 *   the plan restricted to the first k columns of the generation order (a valid
 *   plan, since that order is topological) minus the plan of the first k - 1, so
 *   a column's dependencies are not charged to it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BUILTIN_DATASETS } from "../src/builtin/mod.ts";
import { parseDatasetSpec } from "../src/config/parse.ts";
import { CHUNK_ROWS } from "../src/data/mod.ts";
import { generateChunks } from "../src/generate/mod.ts";
import { type GenerationPlan, planGeneration } from "../src/generate/plan.ts";

/** The generation plan of a built-in dataset (from the one list, src/builtin/mod.ts). */
export function builtinPlan(name: string): GenerationPlan {
  const sources = BUILTIN_DATASETS.get(name);
  if (sources === undefined) {
    throw new Error(`no built-in dataset ${name}; use one of ${[...BUILTIN_DATASETS.keys()]}`);
  }
  const spec = parseDatasetSpec(sources, {
    displayDir: `datasets/${name}/`,
    folderName: name,
    origin: "bench",
  });
  return planGeneration(spec);
}

/** Milliseconds to generate `rows` rows of `plan` on the calling thread. */
export async function timePlan(plan: GenerationPlan, rows: number): Promise<number> {
  const ctx = { seedHex: "bench", rowCount: rows, versionIndex: 0, chunkRows: CHUNK_ROWS };
  const t0 = performance.now();
  let n = 0;
  for await (const c of generateChunks(plan, ctx)) n += c.rows;
  if (n !== rows) throw new Error(`generated ${n} rows, expected ${rows}`);
  return performance.now() - t0;
}

/** The plan restricted to the first `k` columns of its generation order. */
export function prefixPlan(plan: GenerationPlan, k: number): GenerationPlan {
  const order = plan.order.slice(0, k);
  const keep = new Set(order);
  return { ...plan, order, names: plan.names.filter((n) => keep.has(n)) };
}

/** Median of `runs` timings (after one warm-up) of `rows` rows, in ms per 1M rows. */
export async function medianMsPer1M(
  plan: GenerationPlan,
  rows: number,
  runs: number,
): Promise<number> {
  await timePlan(plan, rows);
  const ts: number[] = [];
  for (let r = 0; r < runs; r++) ts.push(await timePlan(plan, rows));
  ts.sort((a, b) => a - b);
  return (ts[Math.floor(ts.length / 2)] * 1e6) / rows;
}

/** Run the benchmark of one dataset; returns rows per second (median run). */
export async function bench(name: string, rows: number, runs = 1): Promise<number> {
  return 1e9 / (await medianMsPer1M(builtinPlan(name), rows, runs));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      rows: { type: "string", default: "1000000" },
      runs: { type: "string", default: "5" },
      columns: { type: "boolean", default: false },
    },
  });
  // Backwards compatible: `bench.ts <dataset> <rows>`.
  let names = positionals.filter((p) => !/^\d+$/.test(p));
  const rowsArg = positionals.find((p) => /^\d+$/.test(p));
  const rows = Number(rowsArg ?? values.rows);
  const runs = Number(values.runs);
  if (names.length === 0) names = [...BUILTIN_DATASETS.keys()];
  for (const name of names) {
    const plan = builtinPlan(name);
    const ms = await medianMsPer1M(plan, rows, runs);
    console.log(
      `${name}: ${ms.toFixed(0)} ms per 1M rows (${
        Math.round(1e9 / ms)
      } rows/s; median of ${runs}, ${rows} rows, one thread)`,
    );
    if (!values.columns) continue;
    let prev = 0;
    for (let k = 1; k <= plan.order.length; k++) {
      const cur = await medianMsPer1M(prefixPlan(plan, k), rows, runs);
      const col = plan.columns[plan.order[k - 1]];
      const kind = col.labelRate !== undefined ? "label" : col.gen.kind;
      const what = `${col.name} (${kind})`;
      console.log(`  ${what.padEnd(40)} ${(cur - prev).toFixed(0).padStart(6)} ms per 1M rows`);
      prev = cur;
    }
  }
}
