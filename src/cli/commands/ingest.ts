/**
 * `sdp ingest <file> --dataset NAME`: a CSV, JSON or Parquet file as a new
 * finalized version (validated, profiled, drift vs the prior version). The
 * configs it uses are chosen in src/ingest/schema_choice.ts. A multi-table
 * dataset takes one file per table instead, `--table TABLE=FILE` each
 * (ingest_multi.ts).
 *
 * CSV nulls: the unquoted empty field (`,,`), for every type. A quoted
 * empty field (`""`) is the empty string in a string column and null in any
 * other. The tokens `NA`, `N/A`, `NULL`, `null`, `NaN`, `nan`, `None`, `#N/A`
 * (or those given with `--null-values`) are null in every column that is not
 * a string column; a string column keeps them as text. CSV timestamps without
 * an offset are read as UTC (see src/csv/infer.ts for every rule).
 *
 * CSV separator: detected among `,` `;` tab `|` from the header and up to
 * 50 records (src/csv/read.ts `detectSeparator`), or `--delimiter`; printed
 * as `separator: ";" (detected)` and kept in the provenance when not `,`.
 *
 * After the version is finalized, a table shows per column what was decided
 * (name and source name, type, nullable, null count, first value, notes);
 * `--json` prints it with the summary as one JSON object instead.
 *
 * @module
 */
import { checkDatasetName } from "../../config/mod.ts";
import { separatorName, separatorProblem } from "../../csv/mod.ts";
import { InputError, IntegrityError, UsageError } from "../../errors.ts";
import { formatSummary } from "../../evaluate/mod.ts";
import { exists } from "../../io/files.ts";
import { type OutputFormat, runDataset } from "../../pipeline/mod.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { checkVersionId, versionFromTime } from "../../version/mod.ts";
import { type CommandSpec, type Parsed, str } from "../args.ts";
import { checkAccess, type FileFacts, type Io, isNotFound } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, printable, runEnvironment } from "../shared.ts";
import { FAIL_ON_FLAG, failOn, gateExitCode, gateMessage, runSummary } from "../gate.ts";
import { PRIOR_FLAGS, priorChoice } from "./run.ts";
import { ingestMultiTable, parseTableFlags } from "./ingest_multi.ts";
import {
  baseName,
  chooseSchema,
  type ColumnReport,
  detectFormat,
  generatedDatasetYaml,
  type IngestColumn,
  ingestProducer,
  parseSources,
  scanInput,
  schemaYaml,
  withRowCount,
} from "../../ingest/mod.ts";

/** The decision table: one line per column, in name order. */
function formatColumnTable(report: readonly ColumnReport[]): string {
  const head = ["column", "source name", "type", "nullable", "nulls", "example", "notes"];
  const rows = report.map((c) => [
    c.name,
    c.sourceName === c.name ? "" : c.sourceName === "" ? '""' : printable(c.sourceName, 40),
    c.type,
    c.nullable ? "yes" : "no",
    String(c.nullCount),
    c.example === null ? "-" : printable(c.example, 40),
    c.notes.join("; "),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((x, i) => (i === cells.length - 1 ? x : x.padEnd(widths[i]))).join("  ").trimEnd() +
    "\n";
  return line(head) + rows.map(line).join("");
}

function readable(io: Io, path: string, what: string): void {
  if (!io.granted({ name: "read", path })) {
    throw new UsageError(
      `${what} "${path}" is outside the working directory, and sdp may only read inside it. ` +
        `Copy or move the file under the working directory (or run sdp from a folder that ` +
        `contains it) and pass a relative path`,
    );
  }
}

/** Refuse an input file outside the permission set, missing, or not a file. */
async function checkInputFile(io: Io, path: string, what: string): Promise<void> {
  readable(io, path, what);
  let st: FileFacts;
  try {
    st = await io.stat(path);
  } catch (err) {
    if (isNotFound(err)) throw new InputError(`${what} "${path}" not found`);
    throw err;
  }
  if (!st.isFile) throw new InputError(`${what} "${path}" is not a file`);
}

/** The `sdp ingest` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "ingest",
  summary:
    "Ingest a CSV, JSON (array or JSON Lines) or Parquet file as a new finalized version of a dataset (validated, profiled, drift vs the prior version).",
  positionals: ["[file]"],
  flags: {
    dataset: { type: "string", help: "Dataset name (required)", valueName: "NAME" },
    table: {
      type: "string",
      multiple: true,
      help:
        "Multi-table dataset: the file of one table, repeated for every table the schema declares (instead of <file>)",
      valueName: "TABLE=FILE",
    },
    "run-id": {
      type: "string",
      help: "Version id (default: UTC now as YYYY-MM-DDTHH-MM-SSZ)",
      valueName: "ID",
    },
    schema: {
      type: "string",
      help:
        "schema.yaml declaring the columns (default: the dataset's config, else the latest version's schema, else inferred)",
      valueName: "FILE",
    },
    format: { type: "string", help: "Output: parquet (default), csv or both", valueName: "FMT" },
    "null-values": {
      type: "string",
      help:
        "CSV tokens read as null in non-string columns, comma-separated (default: NA,N/A,NULL,null,NaN,nan,None,#N/A; the empty field is always null)",
      valueName: "A,B,...",
    },
    "null-in-strings": {
      type: "boolean",
      help:
        "CSV: the null tokens are null in string columns too (R's NA and pandas' NaN for missing text; default: text columns keep them as text)",
    },
    delimiter: {
      type: "string",
      help:
        "CSV field separator: , ; tab | or any single character (default: detected among , ; tab | from the first lines, else ,)",
      valueName: "C",
    },
    "nested-as-json": {
      type: "boolean",
      help:
        "JSON input: keep nested objects and arrays as JSON text in a string column (default: they are an error)",
    },
    json: {
      type: "boolean",
      help: "Print the result (columns as decided, version, paths, summary) as one JSON object",
    },
    "allow-missing-prior": {
      type: "boolean",
      help: "Evaluate without a prior when the prior version is missing or corrupt",
    },
    ...PRIOR_FLAGS,
    ...FAIL_ON_FLAG,
    ...DIR_FLAGS,
  },
};

/** Handle `sdp ingest`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [positional] = p.positionals;
  const name = str(p, "dataset");
  if (name === undefined) {
    throw new UsageError(
      "sdp ingest: --dataset NAME is required. Usage: sdp ingest <file> --dataset NAME",
    );
  }
  const tableFlags = p.values.table as string[] | undefined;
  const tableFiles = tableFlags === undefined ? undefined : parseTableFlags(tableFlags);
  if (tableFiles !== undefined && positional !== undefined) {
    throw new UsageError(
      `sdp ingest: give <file> (one table) or --table TABLE=FILE for every table, not both`,
    );
  }
  if (tableFiles === undefined && positional === undefined) {
    throw new UsageError(
      "sdp ingest: missing <file>. Usage: sdp ingest <file> --dataset NAME, or " +
        "sdp ingest --dataset NAME --table TABLE=FILE ... for a multi-table dataset",
    );
  }
  const path = positional ?? tableFiles![0][1];
  const nameProblem = checkDatasetName(name);
  if (nameProblem) throw new UsageError(`sdp ingest: ${nameProblem}`);
  const version = str(p, "run-id") ?? versionFromTime(io.now());
  const idProblem = checkVersionId(version);
  if (idProblem) {
    throw new UsageError(`sdp ingest: --run-id "${printable(version)}": ${idProblem}`);
  }
  const format = str(p, "format", "parquet") as OutputFormat;
  if (!["parquet", "csv", "both"].includes(format)) {
    throw new UsageError(`sdp ingest: --format must be parquet, csv or both, got "${format}"`);
  }
  const gate = failOn(p, "ingest");
  const prior = priorChoice(p, "ingest");
  const delimiterFlag = str(p, "delimiter");
  let separator: string | undefined;
  if (delimiterFlag !== undefined) {
    separator = delimiterFlag === "tab" ? "\t" : delimiterFlag;
    const problem = separatorProblem(separator);
    if (problem) {
      throw new UsageError(
        `sdp ingest: --delimiter ${
          JSON.stringify(printable(delimiterFlag))
        }: ${problem} (, ; tab | or any single character)`,
      );
    }
  }
  const d = dirs(p);
  checkAccess(io, d.datasetsDir, "read", "--datasets-dir");
  checkAccess(io, d.runsDir, "write", "--runs-dir");
  checkAccess(io, d.registryFile, "write", "--registry");
  if (tableFiles) {
    for (const [t, f] of tableFiles) await checkInputFile(io, f, `file of table ${printable(t)}`);
  } else await checkInputFile(io, path, "input file");
  const schemaFlag = str(p, "schema");

  // Refuse an existing version before reading a possibly large file.
  const registry = await readRegistry(d.registryFile);
  const finalDir = `${d.runsDir}/${name}/${version}`;
  if (
    await exists(finalDir) || versionsOf(registry, name).some((v) => v.version === version)
  ) {
    throw new IntegrityError(
      `version ${version} of ${name} already exists (${finalDir}); finalized versions are immutable: choose another --run-id`,
    );
  }

  if (schemaFlag !== undefined) await checkInputFile(io, schemaFlag, "--schema");
  const choice = await chooseSchema(name, schemaFlag, d, registry);
  const multi = choice.schemaYaml !== undefined && /^tables\s*:/m.test(choice.schemaYaml);
  if (multi && !tableFiles) {
    throw new UsageError(
      `sdp ingest: ${name} is a multi-table dataset (schema.yaml tables:); ingest one file ` +
        `per table: sdp ingest --dataset ${name} --table TABLE=FILE ... (every table)`,
    );
  }
  if (!multi && tableFiles) {
    throw new UsageError(
      `sdp ingest: --table applies to multi-table datasets (schema.yaml tables:); ${name}'s ` +
        `schema is ${choice.schemaYaml === undefined ? "inferred" : "single-table"}: ` +
        `pass the file as <file>`,
    );
  }
  const nullFlag = str(p, "null-values");
  const nullValues = nullFlag === undefined
    ? undefined
    : nullFlag.split(",").filter((t) => t !== "");
  const nestedAsJson = p.values["nested-as-json"] === true;
  const nullsInStrings = p.values["null-in-strings"] === true;
  if (tableFiles) {
    if (prior.priorVersion !== undefined || prior.noPrior) {
      throw new UsageError(
        "sdp ingest: --prior and --no-prior are not supported for multi-table datasets yet",
      );
    }
    return await cleanOnError(io, d.runsDir, name, () =>
      ingestMultiTable(io, {
        name,
        version,
        format,
        files: tableFiles,
        choice,
        schemaFlag,
        read: {
          ...(nullValues === undefined ? {} : { nullValues }),
          ...(separator === undefined ? {} : { separator }),
          nestedAsJson,
          nullsInStrings,
        },
        runsDir: d.runsDir,
        registryFile: d.registryFile,
        allowMissingPrior: p.values["allow-missing-prior"] === true,
        json: p.values.json === true,
        failOn: gate,
        log: makeLogger(io, { dataset: name, version }),
      }));
  }
  const file = baseName(path);
  const shownFile = printable(file);
  let declared: IngestColumn[] | undefined;
  if (choice.schemaYaml !== undefined) {
    // Parse once with a provisional row count to learn the declared columns.
    const provisional = parseSources(
      {
        "dataset.yaml": choice.datasetYaml !== undefined
          ? withRowCount(choice.datasetYaml, 1)
          : generatedDatasetYaml(name, file, 1),
        "schema.yaml": choice.schemaYaml,
        "evolution.yaml": choice.evolutionYaml,
      },
      name,
      choice,
      schemaFlag,
    );
    declared = provisional.columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      ...(c.sourceName === undefined ? {} : { sourceName: c.sourceName }),
    }));
  }

  const inputFormat = await detectFormat(path);
  const onlyFor = (flag: string, used: boolean, wanted: string) => {
    if (used && inputFormat !== wanted) {
      throw new UsageError(
        `sdp ingest: ${flag} applies to ${wanted.toUpperCase()} input; ${shownFile} is ` +
          `${inputFormat === "parquet" ? "Parquet" : inputFormat.toUpperCase()}`,
      );
    }
  };
  onlyFor("--delimiter", separator !== undefined, "csv");
  onlyFor("--null-values", nullValues !== undefined, "csv");
  onlyFor("--nested-as-json", nestedAsJson, "json");
  onlyFor("--null-in-strings", nullsInStrings, "csv");
  const scan = await scanInput(path, declared, {
    schemaName: choice.label || "the schema",
    format: inputFormat,
    ...(nullValues === undefined ? {} : { nullValues }),
    ...(separator === undefined ? {} : { separator }),
    ...(nestedAsJson ? { nestedAsJson } : {}),
    ...(nullsInStrings ? { nullsInStrings } : {}),
  });
  const schemaText = choice.schemaYaml ??
    schemaYaml(
      scan.columns,
      `Inferred by sdp ingest from ${file} (${scan.format}).\n` +
        `Rules: src/csv/infer.ts (CSV), src/json/convert.ts (JSON), ` +
        `src/ingest/parquet_input.ts (Parquet), src/ingest/names.ts (column names).`,
    );
  const label = choice.label || `inferred from ${file}`;
  const spec = parseSources(
    {
      "dataset.yaml": choice.datasetYaml !== undefined
        ? withRowCount(choice.datasetYaml, scan.rows)
        : generatedDatasetYaml(name, file, scan.rows),
      "schema.yaml": schemaText,
      "evolution.yaml": choice.evolutionYaml,
    },
    name,
    choice,
    schemaFlag,
  );

  const runsExisted = await exists(d.runsDir);
  const datasetDirExisted = await exists(`${d.runsDir}/${name}`);
  const log = makeLogger(io, { dataset: name, version });
  try {
    const result = await runDataset(spec, {
      version,
      rows: scan.rows,
      format,
      workers: 1,
      runsDir: d.runsDir,
      registryFile: d.registryFile,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      ...prior,
      producer: ingestProducer(path, scan),
    }, runEnvironment(io, log));
    // --fail-on is judged after finalizing, whatever the output form.
    const code = gateExitCode(result.evaluation.drift, gate);
    if (code !== 0) io.err(gateMessage(result.evaluation.drift, gate!, "ingest"));
    if (p.values.json === true) {
      // The summary of run and assemble (src/cli/gate.ts), plus what ingest decided.
      const summary = runSummary("ingest", result, { failOn: gate });
      io.out(
        JSON.stringify(
          {
            ...summary,
            input: {
              format: scan.format,
              ...scan.provenance,
              ...(scan.separator ? { separator_how: scan.separator.how } : {}),
            },
            schema: label,
            columns: scan.report.map((c) => ({
              name: c.name,
              source_name: c.sourceName,
              type: c.type,
              nullable: c.nullable,
              null_count: c.nullCount,
              example: c.example,
              notes: c.notes,
            })),
          },
          null,
          2,
        ) + "\n",
      );
      return code;
    }
    io.out(
      `Ingested ${shownFile} (${scan.format}, ${scan.provenance.bytes} bytes, sha256 ${scan.provenance.sha256})\n` +
        (scan.separator
          ? `separator: ${printable(separatorName(scan.separator.separator))} (${
            scan.separator.how === "given" ? "--delimiter" : "detected"
          })\n`
          : "") +
        `schema: ${printable(label, 300)}\n` +
        formatColumnTable(scan.report) +
        `Finalized ${result.dataset} ${result.version}: ${result.rows} rows in ${result.path}\n` +
        `content hash ${result.final.content_hash}\n` +
        formatSummary(result.evaluation),
    );
    return code;
  } catch (err) {
    // Leave no empty folders behind (reports of failed validation are kept).
    if (!datasetDirExisted) await io.remove(`${d.runsDir}/${name}`).catch(() => {});
    if (!runsExisted) await io.remove(d.runsDir).catch(() => {});
    throw err;
  }
}

/** Run `body`; on an error, remove the runs folders it created (reports of failed validation are kept). */
async function cleanOnError(
  io: Io,
  runsDir: string,
  name: string,
  body: () => Promise<number>,
): Promise<number> {
  const runsExisted = await exists(runsDir);
  const datasetDirExisted = await exists(`${runsDir}/${name}`);
  try {
    return await body();
  } catch (err) {
    if (!datasetDirExisted) await io.remove(`${runsDir}/${name}`).catch(() => {});
    if (!runsExisted) await io.remove(runsDir).catch(() => {});
    throw err;
  }
}
