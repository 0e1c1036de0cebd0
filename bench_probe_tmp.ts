import * as pw from "parquet-wasm";
import { BUILTIN_DATASETS } from "./src/builtin/mod.ts";
import { parseDatasetSpec } from "./src/config/parse.ts";
import { generateChunk, planGeneration } from "./src/generate/mod.ts";
import { chunkToIpc } from "./src/io/arrow.ts";
import { writerProperties } from "./src/io/parquet.ts";
import { arrowColumns } from "./src/pipeline/run.ts";
import { runSeed } from "./src/rng/mod.ts";
const name = "finance_transactions";
const spec = parseDatasetSpec(BUILTIN_DATASETS.get(name)!, { displayDir: "", folderName: name, origin: "builtin" });
console.log(spec.columns.map((c) => `${c.name}:${c.type}`).join(" "));
const plan = planGeneration(spec);
const ctx = { seedHex: await runSeed(name, "v1"), rowCount: 1_048_576, versionIndex: 0, chunkRows: 65536 };
const cols = arrowColumns(spec);
let tg = 0, ti = 0, tw = 0, tf = 0, bytes = 0;
for (let i = 0; i < 16; i++) {
  let t = performance.now();
  const c = await generateChunk(plan, ctx, i);
  tg += performance.now() - t; t = performance.now();
  const ipc = chunkToIpc(c, cols);
  ti += performance.now() - t; t = performance.now();
  const tab = pw.Table.fromIPCStream(ipc);
  tf += performance.now() - t; t = performance.now();
  const f = pw.writeParquet(tab, writerProperties());
  tw += performance.now() - t;
  bytes += f.length;
}
console.log({ gen: tg | 0, ipc: ti | 0, fromIpc: tf | 0, write: tw | 0, bytes });
