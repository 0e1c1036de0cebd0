/**
 * `sdp fit <file|dataset@version> --dataset NAME`: learn editable configs
 * (`datasets/NAME/{dataset,schema,evolution}.yaml`) from a real table's
 * training rows, read with the same reader and type rules as `sdp ingest`,
 * or from a finalized version (its data file, after verification). The
 * folder is written under a temporary name and renamed, so it appears whole
 * or not at all; an existing folder is refused unless `--force`.
 *
 * @module
 */
import { ARTIFACTS } from "../../artifacts/mod.ts";
import { checkDatasetName } from "../../config/mod.ts";
import { InputError, IntegrityError, UsageError } from "../../errors.ts";
import {
  DEFAULT_HOLDOUT,
  DEFAULT_MIN_COUNT,
  formatFitSummary,
  learnTable,
  renderConfigs,
} from "../../fit/mod.ts";
import { describeVerify, verifyVersion } from "../../integrity/mod.ts";
import { exists, renamePath } from "../../io/files.ts";
import { baseName, readInputChunks, scanInput } from "../../ingest/mod.ts";
import { checkVersionId } from "../../version/mod.ts";
import { type CommandSpec, type Parsed, str } from "../args.ts";
import { checkAccess, type FileFacts, type Io, isNotFound } from "../io.ts";
import { DIR_FLAGS, dirs, printable } from "../shared.ts";

/** The `sdp fit` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "fit",
  summary:
    "Learn editable configs (datasets/NAME/*.yaml) from a real CSV or Parquet file or a finalized version: marginals, missingness and a Gaussian copula, from the training rows only, never copying a record.",
  positionals: ["file|dataset@version"],
  flags: {
    dataset: { type: "string", help: "Name of the dataset to write (required)", valueName: "NAME" },
    target: {
      type: "string",
      help:
        "Label column whose relation to the others must survive (kept in the copula; checked to have 2+ classes)",
      valueName: "COLUMN",
    },
    holdout: {
      type: "string",
      help: `Share of rows held out for sdp compare, in [0, 1) (default ${DEFAULT_HOLDOUT})`,
      valueName: "F",
    },
    "min-count": {
      type: "string",
      help:
        `K: categories seen fewer times are merged; knots average at least K values (default ${DEFAULT_MIN_COUNT}, at least 2)`,
      valueName: "K",
    },
    force: { type: "boolean", help: "Replace an existing datasets/NAME/ folder" },
    ...DIR_FLAGS,
  },
};

const VERSION_REF = /^([a-z0-9][a-z0-9_-]{0,63})@(.+)$/;

function usage(message: string): never {
  throw new UsageError(`sdp fit: ${message}. Usage: sdp fit <file|dataset@version> --dataset NAME`);
}

/** The file to read: the positional, or a finalized version's data file after verification. */
async function inputPath(io: Io, ref: string, runsDir: string): Promise<string> {
  const m = VERSION_REF.exec(ref);
  if (m !== null && !(await exists(ref))) {
    const [, dataset, version] = m;
    const idProblem = checkVersionId(version);
    if (idProblem) usage(`version "${printable(version)}": ${idProblem}`);
    const dir = `${runsDir}/${dataset}/${version}`;
    checkAccess(io, dir, "read", "--runs-dir");
    if (!(await exists(dir))) {
      throw new InputError(`version ${dataset}@${version} not found (${dir})`);
    }
    const v = await verifyVersion(dir, { dataset, version });
    if (!v.ok) {
      throw new IntegrityError(
        `${dataset}@${version} fails verification (${
          describeVerify(v).join("; ")
        }); fit never learns from corrupted data`,
      );
    }
    for (const f of [ARTIFACTS.parquet, ARTIFACTS.csv]) {
      if (await exists(`${dir}/${f}`)) return `${dir}/${f}`;
    }
    throw new InputError(`${dataset}@${version} has no data file`);
  }
  if (!io.granted({ name: "read", path: ref })) {
    throw new UsageError(
      `input file "${ref}" is outside the working directory, and sdp may only read inside it`,
    );
  }
  let st: FileFacts;
  try {
    st = await io.stat(ref);
  } catch (err) {
    if (isNotFound(err)) throw new InputError(`input file "${ref}" not found`);
    throw err;
  }
  if (!st.isFile) throw new InputError(`input file "${ref}" is not a file`);
  return ref;
}

function fraction(p: Parsed): number {
  const text = str(p, "holdout");
  if (text === undefined) return DEFAULT_HOLDOUT;
  const x = Number(text);
  if (text.trim() === "" || !(x >= 0 && x < 1)) {
    usage(`--holdout must be a share of the rows in [0, 1) such as 0.2, got "${printable(text)}"`);
  }
  return x;
}

function minCount(p: Parsed): number {
  const text = str(p, "min-count");
  if (text === undefined) return DEFAULT_MIN_COUNT;
  if (!/^\d+$/.test(text) || Number(text) < 2 || Number(text) > 1_000_000) {
    usage(`--min-count must be a whole number from 2 to 1000000, got "${printable(text)}"`);
  }
  return Number(text);
}

/** Handle `sdp fit`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [ref] = p.positionals;
  const name = str(p, "dataset");
  if (name === undefined) usage("--dataset NAME is required");
  const nameProblem = checkDatasetName(name);
  if (nameProblem) usage(nameProblem);
  const holdout = fraction(p);
  const k = minCount(p);
  const target = str(p, "target");
  const force = p.values.force === true;
  const d = dirs(p);
  checkAccess(io, d.datasetsDir, "write", "--datasets-dir");
  const outDir = `${d.datasetsDir}/${name}`;
  // Refuse before reading a possibly large file.
  if (!force && await exists(outDir)) {
    throw new UsageError(
      `sdp fit: ${outDir} already exists; pass --force to replace it, or choose another --dataset`,
    );
  }
  const path = await inputPath(io, ref, d.runsDir);
  const scan = await scanInput(path, undefined);
  if (target !== undefined && !scan.columns.some((c) => c.name === target)) {
    usage(
      `--target ${printable(target)} is not a column of ${printable(baseName(path))} (${
        scan.columns.map((c) => c.name).join(", ")
      })`,
    );
  }
  const model = await learnTable(
    {
      columns: scan.columns,
      chunks: () => readInputChunks(path, scan),
      file: baseName(path),
      sha256: scan.provenance.sha256,
      rows: scan.rows,
    },
    { dataset: name, holdout, minCount: k, ...(target === undefined ? {} : { target }) },
  );
  const texts = renderConfigs(model);

  // Written whole under a temporary name, then renamed into place.
  await io.mkdir(d.datasetsDir);
  const tmp = `${d.datasetsDir}/.${name}.fit-${io.token()}.tmp`;
  const old = `${d.datasetsDir}/.${name}.fit-${io.token()}.old`;
  try {
    await io.mkdir(tmp);
    for (const f of ["dataset.yaml", "schema.yaml", "evolution.yaml"] as const) {
      await io.writeNewTextFile(`${tmp}/${f}`, texts[f]);
    }
    const replacing = await exists(outDir);
    if (replacing) {
      if (!force) usage(`${outDir} appeared while fitting; pass --force to replace it`);
      await renamePath(outDir, old);
    }
    await renamePath(tmp, outDir);
    if (replacing) await io.remove(old, { recursive: true });
  } catch (err) {
    await io.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  io.out(
    formatFitSummary(model) +
      `wrote ${outDir}/dataset.yaml, schema.yaml, evolution.yaml; generate with: sdp run ${name}\n`,
  );
  return 0;
}
