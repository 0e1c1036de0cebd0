/**
 * Which configs `sdp ingest` uses (first that applies; the one used is
 * printed and stored in the version's configs_snapshot.json):
 * 1. `--schema FILE`: that schema.yaml. dataset.yaml (description, keywords)
 *    comes from the dataset's config when there is one; evolution.yaml is
 *    empty (default drift thresholds).
 * 2. `datasets/NAME/` (or `--datasets-dir`): its schema.yaml, dataset.yaml and
 *    evolution.yaml, as for `sdp run`.
 * 3. A built-in dataset of that name: its three files.
 * 4. The latest finalized version of NAME in the registry: the schema it was
 *    ingested or generated with, so successive ingests stay comparable.
 * 5. Otherwise types are inferred from the file (CSV: src/csv/infer.ts;
 *    Parquet: the type mapping in src/ingest/parquet_input.ts); a column is
 *    nullable when it holds a null; no constraints.
 * In every case `row_count` in dataset.yaml is replaced by the file's rows.
 *
 * @module
 */
import { parse, parseDocument } from "yaml";
import { ARTIFACTS } from "../artifacts/mod.ts";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import { CONFIG_FILES, loadDataset, parseDatasetSpec } from "../config/mod.ts";
import type { ConfigSources, DatasetSpec } from "../model/dataset.ts";
import { ConfigError, IntegrityError } from "../errors.ts";
import { readTextIfExists } from "../io/files.ts";
import { type Registry, versionsOf } from "../registry/mod.ts";

/** dataset.yaml text with row_count set to `rows` (comments and other keys kept). */
export function withRowCount(datasetYaml: string, rows: number): string {
  const doc = parseDocument(datasetYaml);
  if (doc.errors.length > 0 || doc.contents === null) return datasetYaml;
  doc.set("row_count", rows);
  return String(doc);
}

/** The configs chosen for an ingest. */
export interface SchemaChoice {
  /** What the user is told. */
  label: string;
  /** dataset.yaml text (row_count to be replaced), or undefined to generate one. */
  datasetYaml?: string;
  /** schema.yaml text, or undefined to infer. */
  schemaYaml?: string;
  evolutionYaml: string;
  /** Shown before file names in config messages. */
  displayDir: string;
}

/** The dataset's own configs: datasets/NAME/, a built-in, or the latest version's snapshot. */
async function datasetConfig(
  name: string,
  d: { datasetsDir: string; runsDir: string; registryFile: string },
  registry: Registry,
): Promise<(ConfigSources & { label: string; displayDir: string }) | undefined> {
  const dir = `${d.datasetsDir}/${name}/`;
  const texts = await Promise.all(CONFIG_FILES.map((f) => readTextIfExists(dir + f)));
  if (texts.some((t) => t !== undefined)) {
    // loadDataset reports missing or invalid files.
    const spec = await loadDataset(name, {
      datasetsDir: d.datasetsDir,
      readText: readTextIfExists,
    });
    return { ...spec.sources, label: `${dir}schema.yaml`, displayDir: dir };
  }
  const builtin = BUILTIN_DATASETS.get(name);
  if (builtin) return { ...builtin, label: `built-in ${name}`, displayDir: `builtin:${name}/` };
  const latest = versionsOf(registry, name).at(-1);
  if (latest) {
    const path = `${d.runsDir}/${name}/${latest.version}/${ARTIFACTS.configs}`;
    const text = await readTextIfExists(path);
    if (text === undefined) {
      throw new IntegrityError(
        `the latest version ${name} ${latest.version} has no ${ARTIFACTS.configs}; ` +
          `pass --schema, or restore the version`,
      );
    }
    const snap = JSON.parse(text) as { files: ConfigSources };
    return {
      ...snap.files,
      label: `schema of the latest version ${latest.version}`,
      displayDir: `snapshot:${name}@${latest.version}/`,
    };
  }
  return undefined;
}

/** Choose the configs of an ingest (see the module comment); `schemaFlag` was checked by the caller. */
export async function chooseSchema(
  name: string,
  schemaFlag: string | undefined,
  d: { datasetsDir: string; runsDir: string; registryFile: string },
  registry: Registry,
): Promise<SchemaChoice> {
  if (schemaFlag !== undefined) {
    const text = (await readTextIfExists(schemaFlag))!;
    let base: Awaited<ReturnType<typeof datasetConfig>>;
    try {
      base = await datasetConfig(name, d, registry);
    } catch {
      base = undefined;
    }
    return {
      label: schemaFlag,
      datasetYaml: base?.["dataset.yaml"],
      schemaYaml: text,
      evolutionYaml: "",
      displayDir: "",
    };
  }
  const base = await datasetConfig(name, d, registry);
  if (base) {
    return {
      label: base.label,
      datasetYaml: base["dataset.yaml"],
      schemaYaml: base["schema.yaml"],
      evolutionYaml: base["evolution.yaml"],
      displayDir: base.displayDir,
    };
  }
  return { label: "", evolutionYaml: "", displayDir: "" };
}

/** dataset.yaml for an ingest without one. */
export function generatedDatasetYaml(name: string, file: string, rows: number): string {
  return [
    `# Written by sdp ingest.`,
    `name: ${name}`,
    `description: ${JSON.stringify(`Ingested from ${file}`)}`,
    `row_count: ${rows}`,
  ].join("\n") + "\n";
}

/**
 * dataset.yaml for an ingest of a multi-table schema without one: a row
 * count of 1 for each root table (no `per_parent` foreign key), which the
 * files' rows replace. An unreadable schema gets an empty `tables:` and its
 * own problems are reported when it is parsed.
 */
export function multiDatasetYaml(name: string, schemaYaml: string): string {
  let roots: string[] = [];
  try {
    const tables = (parse(schemaYaml) as { tables?: Record<string, unknown> })?.tables ?? {};
    roots = Object.entries(tables).filter(([, t]) => {
      const fks = (t as { foreign_keys?: unknown })?.foreign_keys;
      return !(Array.isArray(fks) &&
        fks.some((f) => f && typeof f === "object" && "per_parent" in f));
    }).map(([n]) => n);
  } catch {
    roots = [];
  }
  return [
    `# Written by sdp ingest.`,
    `name: ${name}`,
    `description: ${JSON.stringify("Ingested tables")}`,
    `tables:`,
    ...roots.map((r) => `  ${JSON.stringify(r)}: 1`),
  ].join("\n") + "\n";
}

/** Parse sources; config messages name the --schema file where it is meant. */
export function parseSources(
  sources: ConfigSources,
  name: string,
  choice: SchemaChoice,
  schemaFlag: string | undefined,
): DatasetSpec {
  try {
    return parseDatasetSpec(sources, {
      displayDir: choice.displayDir,
      folderName: name,
      origin: choice.displayDir === "" ? "ingest" : choice.displayDir,
    });
  } catch (err) {
    if (!(err instanceof ConfigError) || choice.displayDir !== "") throw err;
    const problems = err.problems.map((p) => ({
      ...p,
      loc: {
        ...p.loc,
        file: p.loc.file === "schema.yaml" && schemaFlag !== undefined
          ? schemaFlag
          : `(generated) ${p.loc.file}`,
      },
    }));
    throw new ConfigError(problems);
  }
}
