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
import { type Chunk, CHUNK_ROWS, type ColumnValues, compareNames, isValid } from "../data/mod.ts";
import { valueText } from "../csv/write.ts";
import type { FailingCheck } from "../evaluate/mod.ts";
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
  /** Failed checks with the values of their first offending rows (empty when it passed). */
  failures: FailingCheck[];
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
  const validation = validator.finish();
  const failures = validation.passed ? [] : await failingRows(validation, spec, read());
  return { validation, profile: profiler.finish(), failures };
}

/**
 * The values of the first offending rows of every failed check, read back
 * from the written data (only when validation failed): one more pass over the
 * file, stopping after the last row needed.
 */
async function failingRows(
  validation: ValidationReport,
  spec: DatasetSpec,
  chunks: AsyncIterable<Chunk>,
): Promise<FailingCheck[]> {
  const failures: Array<FailingCheck & { want: number[] }> = [];
  for (const column of Object.keys(validation.columns).sort(compareNames)) {
    const checks = validation.columns[column].checks;
    for (const name of Object.keys(checks).sort(compareNames)) {
      const r = checks[name];
      if (r.violations === 0) continue;
      failures.push({
        check: `${column}.${name}`,
        column,
        violations: r.violations,
        rows: [],
        want: r.first_rows,
      });
    }
  }
  for (const name of Object.keys(validation.checks).sort(compareNames)) {
    const r = validation.checks[name];
    if (r.violations > 0) {
      failures.push({
        check: name,
        column: null,
        violations: r.violations,
        rows: [],
        want: r.first_rows,
      });
    }
  }
  const wanted = new Set(failures.flatMap((f) => f.want));
  if (wanted.size === 0) return failures.map(({ want: _, ...f }) => f);
  const last = Math.max(...wanted);
  const values = new Map<number, Record<string, string>>();
  let start = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.rows; i++) {
      if (!wanted.has(start + i)) continue;
      const rec: Record<string, string> = {};
      for (const c of spec.columns) {
        const col = chunk.columns.get(c.name);
        rec[c.name] = col === undefined ? "" : cellText(col, i);
      }
      values.set(start + i, rec);
    }
    start += chunk.rows;
    if (start > last) break;
  }
  return failures.map(({ want, ...f }) => ({
    ...f,
    rows: want.filter((r) => values.has(r)).map((row) => ({ row, values: values.get(row)! })),
  }));
}

/** One cell as text: null as "null", else as data.csv writes it. */
function cellText(col: ColumnValues, i: number): string {
  return isValid(col, i) ? valueText(col, i) : "null";
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
