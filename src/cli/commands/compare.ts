/**
 * `sdp compare <dataset> <version> --real FILE [--target COLUMN] [--holdout F]`:
 * a finalized version measured against a real CSV or Parquet file (read like
 * `sdp ingest` reads it), split into training and holdout rows as `sdp fit`
 * splits it. Writes compare_report.json and compare_report.html into its own
 * immutable folder (src/compare/record.ts); docs/compare.md has the metrics.
 *
 * @module
 */
import { ARTIFACTS, canonicalJson } from "../../artifacts/mod.ts";
import type { ArrowColumn } from "../../arrow/mod.ts";
import {
  COMPARE_FILES,
  type CompareReport,
  compareTables,
  formatCompareSummary,
  matchColumns,
  MAX_CLASSES,
  plansFor,
  readReal,
  readSynthetic,
  recordDir,
  renderCompareHtml,
  sampler,
  skipReason,
  type Table,
  targetLabels,
  withoutColumns,
  writeRecord,
} from "../../compare/mod.ts";
import { specFromSnapshot } from "../../config/mod.ts";
import type { Chunk } from "../../data/mod.ts";
import { InputError, IntegrityError, UsageError } from "../../errors.ts";
import { sha256 } from "../../hash/mod.ts";
import { baseName, readInputChunks, scanInput } from "../../ingest/mod.ts";
import { describeVerify, readFinalMetadata, verifyVersion } from "../../integrity/mod.ts";
import { openFileSource } from "../../io/byte_source.ts";
import { exists, readTextIfExists } from "../../io/files.ts";
import type { ColumnSpec, ConfigSources } from "../../model/mod.ts";
import { readParquetChunks } from "../../parquet/mod.ts";
import { readCsvChunks } from "../../pipeline/csv_readback.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { holdoutSplit } from "../../split/mod.ts";
import { type CommandSpec, type Parsed, str } from "../args.ts";
import { checkAccess, type FileFacts, type Io, isNotFound } from "../io.ts";
import { checkName, checkVersion, DIR_FLAGS, dirs, printable } from "../shared.ts";

/** The `sdp compare` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "compare",
  summary:
    "Measure a finalized version against a real CSV/Parquet file: fidelity (SDMetrics' column shapes and pair trends), privacy (exact copies, distance to closest record) and, with --target, train-on-synthetic utility; each beside an independent-columns baseline.",
  positionals: ["dataset", "version"],
  flags: {
    real: { type: "string", help: "The real CSV or Parquet file (required)", valueName: "FILE" },
    target: {
      type: "string",
      help: `Label column for utility: 2 to ${MAX_CLASSES} classes (string, boolean or integer)`,
      valueName: "COLUMN",
    },
    holdout: {
      type: "string",
      help: "Share of real rows held out, as sdp fit splits them (default 0.2; in (0, 1))",
      valueName: "F",
    },
    out: {
      type: "string",
      help: "Folder of comparison records (default ./comparisons)",
      valueName: "DIR",
    },
    json: { type: "boolean", help: "Print compare_report.json instead of the summary" },
    ...DIR_FLAGS,
  },
};

function holdoutFlag(p: Parsed): number {
  const text = str(p, "holdout", "0.2")!;
  const f = /^\d*\.?\d+(e-?\d+)?$/i.test(text) ? Number(text) : NaN;
  if (!(f > 0 && f < 1)) {
    throw new UsageError(
      `sdp compare: --holdout must be a number strictly between 0 and 1, got "${printable(text)}"`,
    );
  }
  return f;
}

async function checkRealFile(io: Io, path: string): Promise<void> {
  if (!io.granted({ name: "read", path })) {
    throw new UsageError(
      `--real "${path}" is outside the working directory, and sdp may only read inside it. ` +
        `Copy or move the file under the working directory and pass a relative path`,
    );
  }
  let st: FileFacts;
  try {
    st = await io.stat(path);
  } catch (err) {
    if (isNotFound(err)) throw new InputError(`--real "${path}" not found`);
    throw err;
  }
  if (!st.isFile) throw new InputError(`--real "${path}" is not a file`);
}

/** The version's columns, rows and a reader of its data (after verifying its folder). */
async function openVersion(
  runsDir: string,
  registryFile: string,
  names: { dataset: string; version: string },
): Promise<{ columns: ColumnSpec[]; rows: number; chunks: () => AsyncGenerator<Chunk> }> {
  const dir = `${runsDir}/${names.dataset}/${names.version}`;
  const registry = await readRegistry(registryFile);
  const recorded = versionsOf(registry, names.dataset).find((v) => v.version === names.version);
  if (!recorded && !(await exists(`${dir}/${ARTIFACTS.final}`))) {
    const known = versionsOf(registry, names.dataset).map((v) => v.version);
    throw new UsageError(
      `sdp compare: no finalized version ${names.version} of dataset ${names.dataset}` +
        (known.length > 0 ? ` (known: ${known.slice(-5).join(", ")})` : "") +
        `; list versions with 'sdp list'`,
    );
  }
  const v = await verifyVersion(dir, names, recorded ? { recorded } : {});
  if (!v.ok) {
    throw new IntegrityError(
      `version ${names.dataset}/${names.version} fails verification (${
        describeVerify(v).join("; ")
      }); nothing is compared against changed data`,
    );
  }
  const { meta } = await readFinalMetadata(dir);
  const snap = JSON.parse((await readTextIfExists(`${dir}/${ARTIFACTS.configs}`))!) as {
    files: ConfigSources;
  };
  const columns = specFromSnapshot(names.dataset, snap.files).columns;
  const rows = meta!.row_count;
  if (meta!.formats.includes("parquet")) {
    const arrowCols: ArrowColumn[] = columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
    }));
    return {
      columns,
      rows,
      chunks: async function* () {
        const src = await openFileSource(`${dir}/${ARTIFACTS.parquet}`);
        try {
          yield* readParquetChunks(src, arrowCols);
        } finally {
          src.close();
        }
      },
    };
  }
  return { columns, rows, chunks: () => readCsvChunks(`${dir}/${ARTIFACTS.csv}`, columns) };
}

/** Handle `sdp compare`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [dataset, version] = p.positionals;
  checkName("compare", dataset);
  checkVersion("compare", version);
  const realPath = str(p, "real");
  if (realPath === undefined) {
    throw new UsageError(
      "sdp compare: --real FILE is required. Usage: sdp compare <dataset> <version> --real FILE",
    );
  }
  const fraction = holdoutFlag(p);
  const target = str(p, "target") ?? null;
  const out = str(p, "out", "comparisons")!.replace(/\/+$/, "") || ".";
  const d = dirs(p);
  checkAccess(io, d.runsDir, "read", "--runs-dir");
  checkAccess(io, out, "write", "--out");
  await checkRealFile(io, realPath);

  const ver = await openVersion(d.runsDir, d.registryFile, { dataset, version });
  const scan = await scanInput(realPath, undefined);
  const file = baseName(realPath);
  const match = matchColumns(scan.columns, ver.columns);
  if (match.mismatches.length > 0) {
    throw new InputError(
      `${file} and ${dataset} ${version} disagree on column types (integer and float match; ` +
        `other types must be equal):\n  ${match.mismatches.join("\n  ")}`,
    );
  }
  if (match.compared.length === 0) {
    throw new InputError(
      `${file} has no column in common with ${dataset} ${version} (matched by name): ` +
        `real [${scan.columns.map((c) => c.name).join(", ")}], version [${
          ver.columns.map((c) => c.name).join(", ")
        }]`,
    );
  }
  if (target !== null) {
    const t = match.compared.find((c) => c.name === target);
    if (t === undefined) {
      throw new UsageError(
        `sdp compare: --target "${printable(target)}" is not a column of both ${file} and ` +
          `${dataset} ${version}`,
      );
    }
    const real = scan.columns.find((c) => c.name === target)!;
    if (real.type === "float" || real.type === "datetime") {
      throw new UsageError(
        `sdp compare: --target ${target} is a ${real.type} column (continuous); utility needs ` +
          `a label with 2 to ${MAX_CLASSES} classes (string, boolean or integer)`,
      );
    }
  }

  const split = await holdoutSplit(scan.provenance.sha256, fraction);
  const plans = plansFor(match.compared);
  const key = `${scan.provenance.sha256}:${fraction}`;
  const real = await readReal(readInputChunks(realPath, scan), plans, {
    split,
    training: await sampler(`${key}:training`, Math.round(scan.rows * (1 - fraction))),
    holdout: await sampler(`${key}:holdout`, Math.round(scan.rows * fraction)),
  });
  if (real.holdoutRows === 0 || real.trainingRows === 0) {
    throw new UsageError(
      `sdp compare: --holdout ${fraction} leaves ${real.trainingRows} training and ` +
        `${real.holdoutRows} holdout rows of ${scan.rows}; both sides need rows. ` +
        `Use a fraction that fits the file's size`,
    );
  }
  const syn = await readSynthetic(ver.chunks(), plans, await sampler(`${key}:synthetic`, ver.rows));

  // Columns with nothing to compare are skipped and listed, never scored.
  const drop = new Set<string>();
  const decisions = match.decisions.map((dc) => {
    if (dc.status !== "compared") return dc;
    const why = skipReason(real.training, dc.column);
    if (why === null) return dc;
    if (dc.column === target) {
      throw new UsageError(`sdp compare: --target ${target} cannot be a label: ${why}`);
    }
    drop.add(dc.column);
    return { ...dc, status: "skipped" as const, reason: why };
  });
  if (drop.size === match.compared.length) {
    throw new InputError(
      `no column of ${file} can be compared: ${
        decisions.map((x) => `${x.column} (${x.reason})`).join(", ")
      }`,
    );
  }
  const training = withoutColumns(real.training, drop);
  const holdout = withoutColumns(real.holdout, drop);
  const synthetic = withoutColumns(syn.table, drop);
  if (target !== null) checkTarget(target, training, holdout);

  const seed = new Uint32Array(4);
  const digest = await sha256(`compare:${key}`);
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  for (let i = 0; i < 4; i++) seed[i] = view.getUint32(i * 4, false);
  const report: CompareReport = compareTables({
    dataset,
    version,
    real: { ...scan.provenance, file_name: file, rows: scan.rows },
    holdoutFraction: fraction,
    target,
    training,
    holdout,
    synthetic,
    rows: { training: real.trainingRows, holdout: real.holdoutRows, synthetic: syn.rows },
    columns: decisions,
    seed,
  });
  const json = canonicalJson(report);
  const dir = recordDir(out, { dataset, version, sha256: scan.provenance.sha256 }, {
    holdout: fraction,
    target,
  });
  const outcome = await writeRecord(dir, {
    [COMPARE_FILES.report]: json,
    [COMPARE_FILES.html]: renderCompareHtml(report, { training, synthetic }),
  }, io.token());
  if (p.values.json) io.out(json);
  else {
    io.out(
      formatCompareSummary(report) +
        `\n${outcome === "written" ? "Wrote" : "Unchanged (same bytes)"} ${dir}/` +
        `{${COMPARE_FILES.report},${COMPARE_FILES.html}}\n`,
    );
  }
  return 0;
}

function checkTarget(target: string, training: Table, holdout: Table): void {
  const labels = targetLabels([training], target);
  if (labels.length < 2) {
    throw new UsageError(
      `sdp compare: --target ${target} has ${labels.length} class${
        labels.length === 1 ? ` (${printable(labels[0], 60)})` : "es"
      } in the training rows; utility needs at least 2`,
    );
  }
  if (labels.length > MAX_CLASSES) {
    throw new UsageError(
      `sdp compare: --target ${target} has ${labels.length} distinct values in the training ` +
        `rows (continuous or an identifier?); utility needs 2 to ${MAX_CLASSES} classes`,
    );
  }
  const inHoldout = targetLabels([holdout], target);
  if (inHoldout.length < 2) {
    throw new UsageError(
      `sdp compare: --target ${target} has ${inHoldout.length} class(es) in the holdout rows, ` +
        `so no AUC can be measured; use a larger --holdout`,
    );
  }
}
