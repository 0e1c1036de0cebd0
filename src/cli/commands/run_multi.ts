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
  type MultiRunResult,
  type OutputEstimate,
  type OutputFormat,
  runMultiTableDataset,
} from "../../pipeline/mod.ts";
import type { Io } from "../io.ts";
import { type Logger } from "../../log/mod.ts";
import { runEnvironment } from "../shared.ts";
import { driftSummary, type FailOn, gateExitCode, gateMessage } from "../gate.ts";

/**
 * Refuse (UsageError) `--rows` that would give a table more than 2^40 rows:
 * drawing the children counts takes time in proportion to the parents, so
 * the impossible is refused first.
 */
export function checkExpectedRows(spec: DatasetSpec, rows: number | undefined): void {
  for (const [table, n] of expectedRowCounts(spec, rows)) {
    if (n > MAX_ROW_COUNT) {
      throw new UsageError(
        `sdp run: ${spec.name} would give ${table} about ${n} rows, more than the ` +
          `${MAX_ROW_COUNT} (2^40) a table may hold; lower --rows`,
      );
    }
  }
}

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
    /** Print the machine-readable summary instead of the text one. */
    json: boolean;
    /** Exit 3 when any table's drift verdict reaches this level. */
    failOn: FailOn | undefined;
  },
): Promise<number> {
  checkExpectedRows(spec, options.rows);
  const result = await runMultiTableDataset(spec, {
    ...options,
    producer: (table, plan) => parallelGenerationProducer(table, { plan }),
  }, runEnvironment(io, options.log));
  return reportMultiResult(io, result, { ...options, cmd: "run", heading: "" });
}

/**
 * Print a finalized multi-table version's summary (text or --json, one entry
 * per table) and choose the exit code: the worst table decides the drift gate.
 */
export function reportMultiResult(
  io: Io,
  result: MultiRunResult,
  options: {
    cmd: "run" | "assemble" | "ingest";
    json: boolean;
    failOn: FailOn | undefined;
    /** Said after "Finalized <dataset> <version>" (e.g. " from 3 part(s)"). */
    heading: string;
    /** More keys of the --json object (ingest: its inputs and schema). */
    extra?: Record<string, unknown>;
  },
): number {
  const fks = result.relations.tables.flatMap((t) => t.foreign_keys);
  const orphans = fks.reduce((a, f) => a + f.orphans, 0);
  const keysUnique = result.relations.tables.every((t) => t.primary_key.passed);
  // The worst table decides the drift gate.
  const code = Math.max(
    0,
    ...result.tables.map((t) => gateExitCode(t.result.evaluation.drift, options.failOn)),
  );
  if (options.json) {
    io.out(
      JSON.stringify({
        command: options.cmd,
        dataset: result.dataset,
        version: result.version,
        dry_run: false,
        path: result.path,
        rows: result.rows,
        content_hash: result.final.content_hash,
        files: result.final.files,
        tables: Object.fromEntries(result.tables.map((t) => {
          const q = t.result.evaluation.quality;
          return [t.table, {
            rows: t.rows,
            content_hash: t.result.final.content_hash,
            quality: {
              score: q.score,
              components: q.components,
              rates_passed: q.rates_passed,
              validation_passed: t.result.validation.passed,
            },
            drift: driftSummary(t.result.evaluation),
          }];
        })),
        relations: {
          passed: result.relations.passed,
          foreign_keys: fks.length,
          orphans,
          primary_keys_unique: keysUnique,
        },
        fail_on: options.failOn ?? null,
        exit_code: code,
        ...options.extra,
      }) + "\n",
    );
  } else {
    const lines = result.tables.map((t) =>
      `  ${t.table}: ${t.rows} rows, quality ${t.result.evaluation.quality.score.toFixed(1)}, ` +
      `validation ${
        t.result.validation.passed ? "passed" : "failed"
      }, drift ${t.result.evaluation.drift.verdict}`
    );
    io.out(
      `Finalized ${result.dataset} ${result.version}${options.heading}: ${result.tables.length} tables, ${result.rows} rows in ${result.path}\n` +
        `content hash ${result.final.content_hash}\n` +
        `${lines.join("\n")}\n` +
        `relations: ${fks.length} foreign keys, ${orphans} orphans; primary keys unique: ${
          keysUnique ? "yes" : "no"
        }\n`,
    );
  }
  for (const t of result.tables) {
    if (gateExitCode(t.result.evaluation.drift, options.failOn) !== 0) {
      io.err(`${t.table}: ${gateMessage(t.result.evaluation.drift, options.failOn!, options.cmd)}`);
    }
  }
  return code;
}
