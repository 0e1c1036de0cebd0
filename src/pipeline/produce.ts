/**
 * Stage "produce": run the producer into the staging folder and, when it
 * validates and profiles where it encodes, merge its per-chunk parts.
 *
 * @module
 */
import type { DatasetSpec } from "../model/dataset.ts";
import { partProblems, profileLayout, Profiler } from "../profile/mod.ts";
import { Validator } from "../validate/mod.ts";
import { type ChunkFacts, chunkFacts } from "./footer_check.ts";
import type { ChunkStats, ProduceContext, Producer } from "./producer.ts";

/**
 * Validation and profile of a run under way: filled from the producer's
 * per-chunk parts here, or by reading the files back in check.ts.
 */
export interface RunChecks {
  validator: Validator;
  profiler: Profiler;
  /** Per-chunk facts of the merged parts, checked against the Parquet footer. */
  facts: ChunkFacts[];
}

/** What {@link produceData} did. */
export interface Produced {
  rows: number;
  /** The producer's parts were merged into `checks` (no read-back needed). */
  merged: boolean;
  checks: RunChecks;
}

/** Options of {@link produceData}: the context without `stats`, and whether to read back. */
export interface ProduceOptions {
  context: Omit<ProduceContext, "stats">;
  /** Validate and profile by reading the files back even if the producer could merge parts. */
  readBack?: boolean;
}

/** Fresh validation and profile state for `spec` at `rowCount` rows. */
function startChecks(
  spec: DatasetSpec,
  ctx: Pick<ProduceContext, "columns" | "rowCount">,
): RunChecks {
  return {
    validator: new Validator(spec.columns, spec.checks, ctx.rowCount),
    profiler: new Profiler(ctx.columns, { labels: [...spec.evolution.labelRates.keys()] }),
    facts: [],
  };
}

/**
 * Run `producer` (see {@link checkProducedRows} for its row count). Parts are
 * merged only for Parquet output (the footer ties them to the file).
 */
export async function produceData(
  producer: Producer,
  spec: DatasetSpec,
  options: ProduceOptions,
): Promise<Produced> {
  const ctx = options.context;
  const checks = startChecks(spec, ctx);
  const { validator, profiler, facts } = checks;
  const profileNames = profileLayout(ctx.columns).columns.map((c) => c.name);
  const onStats = ctx.parquet && !options.readBack
    ? (s: ChunkStats) => {
      // A part that contradicts itself was not computed from its column: the run fails.
      const chunk = facts.length;
      validator.schemaProblems(
        partProblems(s.profile).map(([j, what]) =>
          `chunk ${chunk} profile part of ${profileNames[j]} is inconsistent: ${what} ` +
          `(an engine fault? sdp needs --v8-flags=--no-maglev-escape-analysis: docs/engine-fault.md)`
        ),
      );
      validator.merge(s.validation);
      profiler.merge(s.profile);
      facts.push(chunkFacts(spec.columns, s.profile));
      return profiler.settled();
    }
    : undefined;
  const produced = await producer.produce({ ...ctx, stats: onStats });
  return {
    rows: produced.rows,
    merged: onStats !== undefined && produced.statsMerged === true,
    checks,
  };
}

/** Throw when the producer wrote another row count than asked. */
export function checkProducedRows(
  producer: Producer,
  produced: Produced,
  options: { rowCount: number },
): void {
  const { rowCount } = options;
  if (produced.rows !== rowCount) {
    throw new Error(`${producer.stage} wrote ${produced.rows} rows, expected ${rowCount}`);
  }
}
