/**
 * The default producer: generation AND Parquet encoding in parallel workers,
 * one chunk (= one row group) per task, stitched on the main thread into one
 * data.parquet whose bytes equal the one-call / streaming write for every
 * worker count (see `src/parquet/stitch.ts`).
 *
 * The main thread only copies row-group bytes and keeps footer metadata, so
 * encoding (75-90 % of the cost of a run on one core) scales with workers.
 *
 * @module
 */
import { ARTIFACTS } from "../artifacts/mod.ts";
import type { DatasetSpec } from "../model/mod.ts";
import { CHUNK_ROWS } from "../data/mod.ts";
import { generateChunks, type GenerationPlan, planGeneration } from "../generate/mod.ts";
import { ipcSchemaMessage } from "../arrow/schema.ts";
import { csvHeader } from "../csv/write.ts";
import { createWriter } from "../io/files.ts";
import type { ProduceContext, Producer } from "../pipeline/producer.ts";
import { writeDataFiles } from "../pipeline/write_files.ts";
import { runSeed } from "../rng/mod.ts";
import { DISTINCT_EXACT_LIMIT, EXACT_QUANTILE_LIMIT } from "../profile/mod.ts";
import type { EncodedChunk, EncodeJob } from "./encode.ts";
import { encodeChunks, workersAvailable } from "./pool.ts";
import { writeStitched } from "../parquet/stitch_stream.ts";

export type { EncodedChunk, EncodeJob } from "./encode.ts";
export { encodeChunks, type PoolOptions, workersAvailable } from "./pool.ts";
export { emptyParquet, type StitchResult, writeStitched } from "../parquet/stitch_stream.ts";

/** The job (plan + context) of one run, as the workers receive it. */
export async function encodeJob(
  spec: DatasetSpec,
  p: Pick<ProduceContext, "columns" | "rowCount" | "version" | "versionIndex">,
  formats: { parquet: boolean; csv: boolean; stats?: boolean; plan?: GenerationPlan },
): Promise<EncodeJob> {
  return {
    ...(formats.stats
      ? {
        stats: {
          columns: spec.columns,
          checks: spec.checks,
          labels: [...spec.evolution.labelRates.keys()],
          // Sketches pay off only where the profile leaves its exact modes.
          sketches: p.rowCount > Math.min(EXACT_QUANTILE_LIMIT, DISTINCT_EXACT_LIMIT),
        },
      }
      : {}),
    plan: formats.plan ?? planGeneration(spec),
    ctx: {
      seedHex: await runSeed(spec.name, p.version),
      rowCount: p.rowCount,
      versionIndex: p.versionIndex,
      chunkRows: CHUNK_ROWS,
    },
    columns: p.columns,
    ipcSchema: ipcSchemaMessage(p.columns),
    parquet: formats.parquet,
    csv: formats.csv,
  };
}

/** Generate + encode in `p.workers` workers; assemble data.parquet (and data.csv) in order. */
export function parallelGenerationProducer(
  spec: DatasetSpec,
  options: { plan?: GenerationPlan } = {},
): Producer {
  return {
    stage: "generate",
    source: "generated",
    async prepare({ workers, log }) {
      if (workers > 1 && !(await workersAvailable())) {
        log.log("WARNING", "workers_unavailable", {
          requested: workers,
          using: 1,
          reason: "no read access to the worker modules under the current permissions",
          hint:
            "run from the source tree (deno task sdp) or use the release binary; output bytes are the same",
        });
      }
    },
    async produce(p) {
      const stats = p.stats;
      const job = await encodeJob(spec, p, {
        parquet: p.parquet,
        csv: p.csv,
        stats: stats !== undefined,
        plan: options.plan,
      });
      const csv = p.csv ? await createWriter(`${p.stagingDir}/${ARTIFACTS.csv}`) : undefined;
      const out = p.parquet
        ? await createWriter(`${p.stagingDir}/${ARTIFACTS.parquet}`)
        : undefined;
      let done = 0;
      const settled = new Set<number>();
      const chunks = encodeChunks(job, { workers: p.workers, settled });
      // Each chunk's CSV rows are written before its row group is handed to the stitcher.
      async function* files(): AsyncGenerator<Uint8Array> {
        for await (const c of chunks as AsyncIterable<EncodedChunk>) {
          if (csv) await csv.write(c.csv!);
          if (stats) { for (const i of stats(c.stats!) ?? []) settled.add(i); }
          done += c.rows;
          p.progress?.("generate", done, p.rowCount);
          if (out) yield c.file!;
        }
      }
      try {
        if (csv) await csv.write(new TextEncoder().encode(csvHeader(p.columns.map((c) => c.name))));
        if (out) {
          const r = await writeStitched(files(), p.columns, (b) => out.write(b));
          if (r.rows !== done) {
            throw new Error(`stitched ${r.rows} rows into data.parquet, generated ${done}`);
          }
        } else {
          for await (const _ of files()) { /* CSV written in files() */ }
        }
      } finally {
        out?.close();
        csv?.close();
      }
      return { rows: done, statsMerged: stats !== undefined };
    },
  };
}

/**
 * Generation and encoding on the calling thread: the reference path the
 * parallel producer's bytes are tested against.
 */
export function generationProducer(spec: DatasetSpec): Producer {
  return {
    stage: "generate",
    source: "generated",
    async produce(p) {
      const seedHex = await runSeed(spec.name, p.version);
      const plan = planGeneration(spec);
      const ctx = {
        seedHex,
        rowCount: p.rowCount,
        versionIndex: p.versionIndex,
        chunkRows: CHUNK_ROWS,
      };
      return {
        rows: await writeDataFiles(
          generateChunks(plan, ctx),
          p,
          "generate",
        ),
      };
    },
  };
}
