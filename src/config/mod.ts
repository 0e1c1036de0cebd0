/**
 * Config stage: find a dataset's three YAML files (working-directory
 * `datasets/<name>/` first, then the built-ins) and parse them into a
 * {@link DatasetSpec}.
 *
 * @module
 */
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import { ConfigError } from "../errors.ts";
import { parseDatasetSpec } from "./parse.ts";
import type { ConfigSources, DatasetSpec } from "../model/mod.ts";

export { parseDatasetSpec } from "./parse.ts";
export type * from "../model/mod.ts";
export { DEFAULT_THRESHOLDS } from "../model/mod.ts";

/** The three file names, in a fixed order. */
export const CONFIG_FILES = ["dataset.yaml", "schema.yaml", "evolution.yaml"] as const;

/** Reads a text file; returns undefined when it does not exist. Injected by the CLI. */
export type ReadText = (path: string) => Promise<string | undefined>;

/** Lists sub-folder names of a folder (empty when missing). Injected by the CLI. */
export type ListDirs = (path: string) => Promise<string[]>;

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Check that a dataset name is safe to use as a folder name. */
export function checkDatasetName(name: string): string | undefined {
  return DATASET_NAME.test(name)
    ? undefined
    : `dataset name "${name}" must be 1-64 lowercase letters, digits, _ or -, starting with a letter or digit`;
}

/**
 * Load a dataset by name. A `datasets/<name>/` folder under `datasetsDir`
 * overrides the built-in of the same name; it must contain all three files.
 */
export async function loadDataset(
  name: string,
  options: { datasetsDir: string; readText: ReadText },
): Promise<DatasetSpec> {
  const dir = `${options.datasetsDir.replace(/\/+$/, "")}/${name}/`;
  const texts = await Promise.all(CONFIG_FILES.map((f) => options.readText(dir + f)));
  if (texts.some((t) => t !== undefined)) {
    const missing = CONFIG_FILES.filter((_, i) => texts[i] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((f) => ({
        loc: { file: dir + f, line: 0, col: 0 },
        field: "",
        message: `is missing; a dataset folder needs dataset.yaml, schema.yaml and evolution.yaml`,
      })));
    }
    const sources = Object.fromEntries(
      CONFIG_FILES.map((f, i) => [f, texts[i]]),
    ) as unknown as ConfigSources;
    return parseDatasetSpec(sources, { displayDir: dir, folderName: name, origin: dir });
  }
  const builtin = BUILTIN_DATASETS.get(name);
  if (!builtin) {
    const known = [...BUILTIN_DATASETS.keys()].join(", ");
    throw new ConfigError([{
      loc: { file: dir, line: 0, col: 0 },
      field: "",
      message:
        `no dataset "${name}": not a built-in (${known}) and no such folder; create ${dir} (sdp init ${name}) or pass --datasets-dir`,
    }]);
  }
  return parseDatasetSpec(builtin, {
    displayDir: `builtin:${name}/`,
    folderName: name,
    origin: "builtin",
  });
}

/** Parse a configs snapshot (as stored in configs_snapshot.json) back into a spec. */
export function specFromSnapshot(name: string, sources: ConfigSources): DatasetSpec {
  return parseDatasetSpec(sources, {
    displayDir: `snapshot:${name}/`,
    folderName: name,
    origin: "snapshot",
  });
}

/** Names of every available dataset: built-ins plus folders under `datasetsDir`, sorted. */
export async function listDatasetNames(datasetsDir: string, listDirs: ListDirs): Promise<string[]> {
  const names = new Set(BUILTIN_DATASETS.keys());
  for (const d of await listDirs(datasetsDir)) if (checkDatasetName(d) === undefined) names.add(d);
  return [...names].sort();
}
