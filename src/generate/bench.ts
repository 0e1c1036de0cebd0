/**
 * Generation speed of a built-in dataset:
 * `deno run --allow-read --ignore-env=LOG_TOKENS,LOG_STREAM src/generate/bench.ts <dataset> <rows>`.
 * Prints rows per second on one thread (chunks consumed, nothing written);
 * scaling over workers (with encoding) is measured by bench/bench.ts.
 *
 * @module
 */
import { parseDatasetSpec } from "../config/parse.ts";
import { CHUNK_ROWS } from "../data/mod.ts";
import { generateChunks } from "./mod.ts";
import { planGeneration } from "./plan.ts";

/** Run the benchmark with command-line arguments; returns rows per second. */
export async function bench(name: string, rows: number): Promise<number> {
  const dir = new URL(`../../datasets/${name}/`, import.meta.url);
  const read = (f: string) => Deno.readTextFileSync(new URL(f, dir));
  const spec = parseDatasetSpec({
    "dataset.yaml": read("dataset.yaml"),
    "schema.yaml": read("schema.yaml"),
    "evolution.yaml": read("evolution.yaml"),
  }, { displayDir: `datasets/${name}/`, folderName: name, origin: "bench" });
  const plan = planGeneration(spec);
  const ctx = { seedHex: "bench", rowCount: rows, versionIndex: 0, chunkRows: CHUNK_ROWS };
  const t0 = performance.now();
  let n = 0;
  for await (const c of generateChunks(plan, ctx)) n += c.rows;
  return n / ((performance.now() - t0) / 1000);
}

if (import.meta.main) {
  const [name = "finance_transactions", rows = "1000000"] = Deno.args;
  const rate = await bench(name, Number(rows));
  console.log(`${name}: ${rows} rows on one thread: ${Math.round(rate)} rows/s`);
}
