/**
 * `sdp run` of a multi-table dataset (schema.yaml `tables:`): every table
 * generated, validated and evaluated, the relations validated on the written
 * files, one version finalized and registered (src/pipeline/multi_run.ts).
 *
 * @module
 */
import type { DatasetSpec } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import { expectedRowCounts } from "../../generate/mod.ts";
import { MAX_ROW_COUNT } from "../../model/mod.ts";
import { parallelGenerationProducer } from "../../parallel/mod.ts";
import {
  type OutputEstimate,
  type OutputFormat,
  runMultiTableDataset,
} from "../../pipeline/mod.ts";
import type { Io } from "../io.ts";
import { type Logger } from "../../log/mod.ts";
import { runEnvironment } from "../shared.ts";

/** Run a multi-table dataset and print what was finalized. */
export async function runMultiTable(
  spec: DatasetSpec,
  io: Io,
  options: {
    version: string;
    rows?: number;
    format: OutputFormat;
    workers: number;
    runsDir: string;
    registryFile: string;
    allowMissingPrior: boolean;
    readBack: boolean;
    log: Logger;
    /** The CLI's free-space check, given the estimate of all tables. */
    checkSpace: (estimate: OutputEstimate) => Promise<void>;
  },
): Promise<number> {
  // Drawing the children counts takes time in proportion to the parents: refuse the impossible first.
  for (const [table, rows] of expectedRowCounts(spec, options.rows)) {
    if (rows > MAX_ROW_COUNT) {
      throw new UsageError(
        `sdp run: ${spec.name} would give ${table} about ${rows} rows, more than the ` +
          `${MAX_ROW_COUNT} (2^40) a table may hold; lower --rows`,
      );
    }
  }
  const result = await runMultiTableDataset(spec, {
    ...options,
    producer: (table, plan) => parallelGenerationProducer(table, { plan }),
  }, runEnvironment(io, options.log));
  const lines = result.tables.map((t) =>
    `  ${t.table}: ${t.rows} rows, quality ${t.result.evaluation.quality.score.toFixed(1)}, ` +
    `validation ${
      t.result.validation.passed ? "passed" : "failed"
    }, drift ${t.result.evaluation.drift.verdict}`
  );
  const fks = result.relations.tables.flatMap((t) => t.foreign_keys);
  io.out(
    `Finalized ${result.dataset} ${result.version}: ${result.tables.length} tables, ${result.rows} rows in ${result.path}\n` +
      `content hash ${result.final.content_hash}\n` +
      `${lines.join("\n")}\n` +
      `relations: ${fks.length} foreign keys, ${
        fks.reduce((a, f) => a + f.orphans, 0)
      } orphans; primary keys unique: ${
        result.relations.tables.every((t) => t.primary_key.passed) ? "yes" : "no"
      }\n`,
  );
  return 0;
}
