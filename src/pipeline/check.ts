/**
 * Stage "validate": check the files as written. The Parquet footer must state
 * the expected columns, rows and row groups (and, when the producer's parts
 * were merged, the per-row-group facts of footer_check.ts); otherwise the
 * data is read back and validated and profiled in one pass. Unique columns
 * too large for memory get extra passes; data.csv next to data.parquet is
 * validated on its own read-back.
 *
 * @module
 */
import { ARTIFACTS } from "../artifacts/mod.ts";
import type { DatasetSpec } from "../model/dataset.ts";
import { type Chunk, CHUNK_ROWS } from "../data/mod.ts";
import type { ArrowColumn } from "../arrow/table.ts";
import { openFileSource } from "../io/byte_source.ts";
import { readParquetChunks, readParquetFooter } from "../parquet/codec.ts";
import { readFooter } from "../parquet/stitch.ts";
import type { DatasetProfile } from "../profile/mod.ts";
import { describeFailures, type ValidationReport, Validator } from "../validate/mod.ts";
import { readCsvChunks } from "./csv_readback.ts";
import { footerProblems } from "./footer_check.ts";
import type { Produced } from "./produce.ts";
import type { Progress } from "./producer.ts";

/** Where the files are and what they should hold. */
export interface WrittenFiles {
  stagingDir: string;
  columns: ArrowColumn[];
  rowCount: number;
  parquet: boolean;
  csv: boolean;
}

/** The validation report and profile of the data as written. */
export interface CheckResult {
  validation: ValidationReport;
  profile: DatasetProfile;
}

/** Validate and profile the written files, finishing what {@link Produced} started. */
export async function checkWrittenFiles(
  spec: DatasetSpec,
  files: WrittenFiles,
  options: { produced: Produced; progress?: Progress },
): Promise<CheckResult> {
  const { stagingDir, columns, rowCount } = files;
  const { validator, profiler, facts } = options.produced.checks;
  const merged = options.produced.merged;
  const progress = options.progress;
  const read = (): AsyncIterable<Chunk> =>
    files.parquet
      ? readParquetFile(`${stagingDir}/${ARTIFACTS.parquet}`, columns)
      : readCsvChunks(`${stagingDir}/${ARTIFACTS.csv}`, spec.columns);
  if (files.parquet) {
    const src = await openFileSource(`${stagingDir}/${ARTIFACTS.parquet}`);
    try {
      const footer = await readParquetFooter(src);
      validator.schemaProblems(footerShapeProblems(footer, columns, rowCount));
      if (merged) {
        // The file must hold what the workers validated: its footer says so per row group.
        const stats = await readFooter((o, n) => src.read(o, n), src.size);
        validator.schemaProblems(footerProblems(stats, facts));
      }
    } finally {
      src.close();
    }
  }
  if (!merged) {
    let done = 0;
    progress?.("validate", 0, rowCount);
    for await (const chunk of read()) {
      validator.add(chunk);
      profiler.add(chunk);
      done += chunk.rows;
      progress?.("validate", done, rowCount);
    }
  }
  for (const p of validator.pendingUnique()) {
    for (let i = 0; i < p.partitions; i++) {
      await validator.uniquePass(p.column, { index: i, of: p.partitions }, read());
    }
  }
  if (files.parquet && files.csv) {
    validator.schemaProblems(await csvProblems(spec, `${stagingDir}/${ARTIFACTS.csv}`, rowCount));
  }
  return { validation: validator.finish(), profile: profiler.finish() };
}

/**
 * Problems of a Parquet footer's shape: columns, row count, and one row group
 * per chunk (CHUNK_ROWS rows each, the last one possibly fewer).
 */
export function footerShapeProblems(
  footer: { columns: string[]; rows: number; rowGroups: number[] },
  columns: readonly ArrowColumn[],
  rowCount: number,
): string[] {
  const problems: string[] = [];
  const want = columns.map((c) => c.name).join(",");
  if (footer.columns.join(",") !== want) {
    problems.push(`data.parquet columns are [${footer.columns.join(", ")}], expected [${want}]`);
  }
  if (footer.rows !== rowCount) {
    problems.push(`data.parquet footer states ${footer.rows} rows, ${rowCount} were generated`);
  }
  const last = footer.rowGroups.length - 1;
  const bad = footer.rowGroups.findIndex((n, i) =>
    i < last ? n !== CHUNK_ROWS : n === 0 || n > CHUNK_ROWS
  );
  if (bad >= 0) {
    problems.push(
      `data.parquet row group ${bad} holds ${
        footer.rowGroups[bad]
      } rows; chunks are ${CHUNK_ROWS} rows`,
    );
  }
  return problems;
}

/** The CSV is validated too: same checks on its own read-back, failures prefixed "data.csv: ". */
async function csvProblems(spec: DatasetSpec, path: string, rowCount: number): Promise<string[]> {
  const csvValidator = new Validator(spec.columns, spec.checks, rowCount);
  for await (const chunk of readCsvChunks(path, spec.columns)) csvValidator.add(chunk);
  const report = csvValidator.finish();
  return report.passed ? [] : describeFailures(report).map((l) => `data.csv: ${l}`);
}

async function* readParquetFile(path: string, columns: ArrowColumn[]): AsyncGenerator<Chunk> {
  const src = await openFileSource(path);
  try {
    yield* readParquetChunks(src, columns);
  } finally {
    src.close();
  }
}
