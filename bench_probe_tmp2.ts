import { BUILTIN_DATASETS } from "./src/builtin/mod.ts";
import { parseDatasetSpec } from "./src/config/parse.ts";
import { encodeChunks, encodeJob } from "./src/parallel/mod.ts";
import { arrowColumns } from "./src/pipeline/run.ts";
const name = Deno.args[0] ?? "finance_transactions";
const spec = parseDatasetSpec(BUILTIN_DATASETS.get(name)!, { displayDir: "", folderName: name, origin: "builtin" });
for (const rows of [2_000_000]) {
  const job = await encodeJob(spec, { columns: arrowColumns(spec), rowCount: rows, version: "v1", versionIndex: 0 }, { parquet: true, csv: false });
  for (const w of [1, 2, 1, 2]) {
    const t = performance.now();
    let first = 0;
    for await (const c of encodeChunks(job, { workers: w })) { if (!first) first = performance.now() - t; void c; }
    console.log(rows, "workers", w, Math.round(performance.now() - t), "ms; first chunk", Math.round(first));
  }
}
