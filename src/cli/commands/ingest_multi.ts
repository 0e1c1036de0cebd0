/**
 * `sdp ingest --dataset NAME --table T=FILE ...`: one real file per table of
 * a multi-table dataset (schema.yaml `tables:`) as one version. Each file is
 * read with ingest's readers and type rules against its table's declared
 * columns (src/ingest), written as that table's data files, validated,
 * profiled and evaluated per table; then the relations (primary keys,
 * foreign keys, children per parent, cross checks) are validated on the
 * written files exactly as for a generated version (src/pipeline/multi_run.ts).
 * A file that breaks a key fails the ingest (exit 1) and finalizes nothing.
 *
 * @module
 */
import type { DatasetSpec } from "../../config/mod.ts";
import { UsageError, ValidationFailedError } from "../../errors.ts";
import {
  detectFormat,
  ingestProducer,
  type InputFormat,
  multiDatasetYaml,
  parseSources,
  scanInput,
  type ScanResult,
  type SchemaChoice,
} from "../../ingest/mod.ts";
import type { Logger } from "../../log/mod.ts";
import { type OutputFormat, type Producer, runMultiTableDataset } from "../../pipeline/mod.ts";
import type { Io } from "../io.ts";
import { printable, runEnvironment } from "../shared.ts";
import type { FailOn } from "../gate.ts";
import { reportMultiResult } from "./run_multi.ts";

/** Parse `--table TABLE=FILE` values; a malformed or repeated table is a UsageError. */
export function parseTableFlags(values: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) {
      throw new UsageError(
        `sdp ingest: --table ${JSON.stringify(printable(v))}: expected TABLE=FILE, ` +
          `e.g. --table customers=customers.csv`,
      );
    }
    const table = v.slice(0, eq);
    if (out.some(([t]) => t === table)) {
      throw new UsageError(
        `sdp ingest: --table ${printable(table)} is given twice; pass one file per table`,
      );
    }
    out.push([table, v.slice(eq + 1)]);
  }
  return out;
}

/** CSV/JSON reading options shared by every table's file (each applies to its format only). */
export interface ReadFlags {
  nullValues?: string[];
  separator?: string;
  nestedAsJson: boolean;
  nullsInStrings: boolean;
}

/** Ingest one file per table of a multi-table dataset as one version; returns the exit code. */
export async function ingestMultiTable(
  io: Io,
  input: {
    name: string;
    version: string;
    format: OutputFormat;
    files: Array<[string, string]>;
    choice: SchemaChoice;
    schemaFlag: string | undefined;
    read: ReadFlags;
    runsDir: string;
    registryFile: string;
    allowMissingPrior: boolean;
    json: boolean;
    failOn: FailOn | undefined;
    log: Logger;
  },
): Promise<number> {
  const { name, choice } = input;
  const schemaText = choice.schemaYaml!;
  // Root counts of dataset.yaml do not matter here: every table's rows are its file's.
  const spec: DatasetSpec = parseSources(
    {
      // A single-table dataset.yaml (row_count, when --schema names a multi-table schema) is replaced.
      "dataset.yaml": choice.datasetYaml !== undefined && /^tables\s*:/m.test(choice.datasetYaml)
        ? choice.datasetYaml
        : multiDatasetYaml(name, schemaText),
      "schema.yaml": schemaText,
      "evolution.yaml": choice.evolutionYaml,
    },
    name,
    choice,
    input.schemaFlag,
  );
  const tables = spec.tables ?? [];
  const declared = tables.map((t) => t.name);
  const given = new Map(input.files);
  for (const [table] of input.files) {
    if (!declared.includes(table)) {
      throw new UsageError(
        `sdp ingest: --table ${printable(table)}: ${name} declares no table ${
          printable(table)
        } (its tables: ${declared.join(", ")})`,
      );
    }
  }
  const missing = declared.filter((t) => !given.has(t));
  if (missing.length > 0) {
    throw new UsageError(
      `sdp ingest: no file for table(s) ${missing.join(", ")} of ${name}; pass one file per ` +
        `table: ${missing.map((t) => `--table ${t}=FILE`).join(" ")}`,
    );
  }

  const formats = new Map<string, InputFormat>();
  for (const [table, path] of input.files) formats.set(table, await detectFormat(path));
  const onlyFor = (flag: string, used: boolean, wanted: InputFormat) => {
    if (used && ![...formats.values()].includes(wanted)) {
      throw new UsageError(
        `sdp ingest: ${flag} applies to ${wanted.toUpperCase()} input; no --table file is ` +
          wanted.toUpperCase(),
      );
    }
  };
  const r = input.read;
  onlyFor("--delimiter", r.separator !== undefined, "csv");
  onlyFor("--null-values", r.nullValues !== undefined, "csv");
  onlyFor("--nested-as-json", r.nestedAsJson, "json");
  onlyFor("--null-in-strings", r.nullsInStrings, "csv");

  // Every file is read whole (and every value typed) before anything is written.
  const scans = new Map<string, { path: string; scan: ScanResult }>();
  for (const t of tables) {
    const path = given.get(t.name)!;
    const format = formats.get(t.name)!;
    const csv = format === "csv";
    const scan = await scanInput(
      path,
      t.spec.columns.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: c.nullable,
        ...(c.sourceName === undefined ? {} : { sourceName: c.sourceName }),
      })),
      {
        schemaName: `table ${t.name} of ${choice.label || "the schema"}`,
        format,
        ...(csv && r.nullValues !== undefined ? { nullValues: r.nullValues } : {}),
        ...(csv && r.separator !== undefined ? { separator: r.separator } : {}),
        ...(format === "json" && r.nestedAsJson ? { nestedAsJson: true } : {}),
        ...(csv && r.nullsInStrings ? { nullsInStrings: true } : {}),
      },
    );
    scans.set(t.name, { path, scan });
  }
  const producers = new Map<string, { rows: number; producer: Producer }>();
  for (const [table, { path, scan }] of scans) {
    producers.set(table, { rows: scan.rows, producer: ingestProducer(path, scan) });
  }

  let result;
  try {
    result = await runMultiTableDataset(spec, {
      version: input.version,
      format: input.format,
      workers: 1,
      runsDir: input.runsDir,
      registryFile: input.registryFile,
      allowMissingPrior: input.allowMissingPrior,
      given: producers,
    }, runEnvironment(io, input.log));
  } catch (err) {
    if (err instanceof ValidationFailedError) {
      // Rows in the relations report are positions in each table's file.
      const files = input.files.map(([t, p]) => `${t}: ${printable(p)}`).join(", ");
      throw new ValidationFailedError(
        `${err.message}\n  (rows are 0-based positions in each table's file, the first data ` +
          `row being 0; files: ${files})`,
        err.reportDir,
      );
    }
    throw err;
  }
  if (!input.json) {
    for (const t of tables) {
      const { scan } = scans.get(t.name)!;
      io.out(
        `Ingested ${t.name} from ${printable(scan.provenance.file_name)} (${scan.format}, ` +
          `${scan.provenance.bytes} bytes, sha256 ${scan.provenance.sha256})\n`,
      );
    }
    io.out(`schema: ${printable(choice.label, 300)}\n`);
  }
  return reportMultiResult(io, result, {
    cmd: "ingest",
    json: input.json,
    failOn: input.failOn,
    heading: "",
    extra: {
      schema: choice.label,
      inputs: Object.fromEntries(
        tables.map((t) => {
          const { scan } = scans.get(t.name)!;
          return [t.name, { format: scan.format, ...scan.provenance }];
        }),
      ),
    },
  });
}
