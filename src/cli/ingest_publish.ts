/**
 * `sdp ingest` and `sdp publish`.
 *
 * ## sdp ingest <file> --dataset NAME
 *
 * Which schema is used (first that applies; the one used is printed and
 * stored in the version's configs_snapshot.json):
 * 1. `--schema FILE`: that schema.yaml. dataset.yaml (description, keywords)
 *    comes from the dataset's config when there is one; evolution.yaml is
 *    empty (default drift thresholds).
 * 2. `datasets/NAME/` (or `--datasets-dir`): its schema.yaml, dataset.yaml and
 *    evolution.yaml, as for `sdp run`.
 * 3. A built-in dataset of that name: its three files.
 * 4. The latest finalized version of NAME in the registry: the schema it was
 *    ingested or generated with, so successive ingests stay comparable.
 * 5. Otherwise types are inferred from the file (CSV: src/ingest/infer.ts;
 *    Parquet: the type mapping in src/ingest/parquet_input.ts); a column is
 *    nullable when it holds a null; no constraints.
 * In every case `row_count` in dataset.yaml is replaced by the file's rows.
 *
 * CSV null token: the unquoted empty field (`,,`), for every type. A quoted
 * empty field (`""`) is the empty string in a string column and null in any
 * other. Nothing else (`NA`, `NULL`, `null`, `NaN`) is null.
 *
 * ## sdp publish <dataset> [version] --kaggle owner/slug
 *
 * Publishes a finalized version that passes verification; records the
 * publication in the registry. See src/publish/plan.ts for the files sent.
 *
 * @module
 */
import { parseDocument } from "yaml";
import { ARTIFACTS, type FinalMetadata } from "../artifacts/mod.ts";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import {
  checkDatasetName,
  CONFIG_FILES,
  loadDataset,
  parseDatasetSpec,
  specFromSnapshot,
} from "../config/mod.ts";
import type { ConfigSources, DatasetSpec } from "../config/spec.ts";
import { ConfigError, InputError, IntegrityError, UsageError } from "../errors.ts";
import { formatSummary } from "../evaluate/mod.ts";
import {
  baseName,
  type IngestColumn,
  ingestProducer,
  scanInput,
  schemaYaml,
} from "../ingest/producer.ts";
import { describeVerify, readFinalMetadata, verifyVersion } from "../integrity/verify.ts";
import { exists, hashFile, readTextIfExists } from "../io/files.ts";
import { type OutputFormat, runDataset } from "../pipeline/mod.ts";
import { DEFAULT_BASE_URL, publishDataset, PublishError } from "../publish/client.ts";
import {
  type CredentialIo,
  describeSource,
  resolveCredentials,
  type ResolvedCredentials,
} from "../publish/credentials.ts";
import {
  buildPlan,
  describePlan,
  parseKaggleTarget,
  priorPublications,
  publicationRecord,
  targetName,
} from "../publish/plan.ts";
import { readRegistry, type Registry, versionsOf, withRegistryLock } from "../registry/mod.ts";
import { checkVersionId, versionFromTime } from "../version/mod.ts";
import { str } from "./args.ts";
import { checkAccess, type Io } from "./io.ts";
import { type Command, DIR_FLAGS, dirs, makeLogger, runEnvironment } from "./shared.ts";

// ---------------------------------------------------------------- ingest

function readable(path: string, what: string): void {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new UsageError(
      `${what} "${path}" is outside the working directory, and sdp may only read inside it. ` +
        `Copy or move the file under the working directory (or run sdp from a folder that ` +
        `contains it) and pass a relative path`,
    );
  }
}

async function checkInputFile(path: string, what: string): Promise<void> {
  readable(path, what);
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new InputError(`${what} "${path}" not found`);
    throw err;
  }
  if (!st.isFile) throw new InputError(`${what} "${path}" is not a file`);
}

/** dataset.yaml text with row_count set to `rows` (comments and other keys kept). */
function withRowCount(datasetYaml: string, rows: number): string {
  const doc = parseDocument(datasetYaml);
  if (doc.errors.length > 0 || doc.contents === null) return datasetYaml;
  doc.set("row_count", rows);
  return String(doc);
}

interface SchemaChoice {
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

async function chooseSchema(
  name: string,
  schemaFlag: string | undefined,
  d: { datasetsDir: string; runsDir: string; registryFile: string },
  registry: Registry,
): Promise<SchemaChoice> {
  if (schemaFlag !== undefined) {
    await checkInputFile(schemaFlag, "--schema");
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

function generatedDatasetYaml(name: string, file: string, rows: number): string {
  return [
    `# Written by sdp ingest.`,
    `name: ${name}`,
    `description: ${JSON.stringify(`Ingested from ${file}`)}`,
    `row_count: ${rows}`,
  ].join("\n") + "\n";
}

/** Parse sources; config messages name the --schema file where it is meant. */
function parseSources(
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

const ingestCommand: Command = {
  name: "ingest",
  summary:
    "Ingest a CSV or Parquet file as a new finalized version of a dataset (validated, profiled, drift vs the prior version).",
  positionals: ["file"],
  flags: {
    dataset: { type: "string", help: "Dataset name (required)", valueName: "NAME" },
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
    "allow-missing-prior": {
      type: "boolean",
      help: "Evaluate without a prior when the prior version is missing or corrupt",
    },
    ...DIR_FLAGS,
  },
  async run(p, io) {
    const [path] = p.positionals;
    const name = str(p, "dataset");
    if (name === undefined) {
      throw new UsageError(
        "sdp ingest: --dataset NAME is required. Usage: sdp ingest <file> --dataset NAME",
      );
    }
    const nameProblem = checkDatasetName(name);
    if (nameProblem) throw new UsageError(`sdp ingest: ${nameProblem}`);
    const version = str(p, "run-id") ?? versionFromTime(io.now());
    const idProblem = checkVersionId(version);
    if (idProblem) throw new UsageError(`sdp ingest: --run-id "${version}": ${idProblem}`);
    const format = str(p, "format", "parquet") as OutputFormat;
    if (!["parquet", "csv", "both"].includes(format)) {
      throw new UsageError(`sdp ingest: --format must be parquet, csv or both, got "${format}"`);
    }
    const d = dirs(p);
    checkAccess(d.datasetsDir, "read", "--datasets-dir");
    checkAccess(d.runsDir, "write", "--runs-dir");
    checkAccess(d.registryFile, "write", "--registry");
    await checkInputFile(path, "input file");
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

    const choice = await chooseSchema(name, schemaFlag, d, registry);
    const file = baseName(path);
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
      }));
    }

    const scan = await scanInput(path, declared, {
      schemaName: choice.label || "the schema",
    });
    const schemaText = choice.schemaYaml ??
      schemaYaml(
        scan.columns,
        `Inferred by sdp ingest from ${file} (${scan.format}).\n` +
          `Rules: src/ingest/infer.ts (CSV), src/ingest/parquet_input.ts (Parquet).`,
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
        producer: ingestProducer(path, scan),
      }, runEnvironment(io, log));
      io.out(
        `Ingested ${file} (${scan.format}, ${scan.provenance.bytes} bytes, sha256 ${scan.provenance.sha256})\n` +
          `schema: ${label}\n` +
          `Finalized ${result.dataset} ${result.version}: ${result.rows} rows in ${result.path}\n` +
          `content hash ${result.final.content_hash}\n` +
          formatSummary(result.evaluation),
      );
      return 0;
    } catch (err) {
      // Leave no empty folders behind (reports of failed validation are kept).
      if (!datasetDirExisted) await Deno.remove(`${d.runsDir}/${name}`).catch(() => {});
      if (!runsExisted) await Deno.remove(d.runsDir).catch(() => {});
      throw err;
    }
  },
};

// ---------------------------------------------------------------- publish

/** Credential I/O inside sdp's permission set: unreadable places are noted, not fatal. */
function credentialIo(io: Io, blocked: string[]): CredentialIo {
  return {
    env: (name) =>
      Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? io.env(name)
        : undefined,
    readTextFile: (path) => {
      if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
        blocked.push(path);
        return Promise.reject(new Deno.errors.NotFound(`not readable by sdp: ${path}`));
      }
      return Deno.readTextFile(path);
    },
    fileMode: async (path) => Deno.build.os === "windows" ? null : (await Deno.stat(path)).mode,
  };
}

async function findCredentials(io: Io): Promise<ResolvedCredentials> {
  const blocked: string[] = [];
  try {
    return await resolveCredentials(credentialIo(io, blocked));
  } catch (err) {
    if (err instanceof ConfigError && blocked.length > 0) {
      throw new UsageError(
        `no Kaggle credentials available to sdp: KAGGLE_API_TOKEN and KAGGLE_USERNAME/KAGGLE_KEY ` +
          `are not set, and sdp may not read ${blocked.join(", ")} (it reads only inside the ` +
          `working directory). Set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY, or put ` +
          `kaggle.json in a folder under the working directory and set KAGGLE_CONFIG_DIR to it ` +
          `(e.g. KAGGLE_CONFIG_DIR=./.kaggle)`,
      );
    }
    throw err;
  }
}

function baseUrlOf(io: Io): string {
  const raw = io.env("SDP_KAGGLE_BASE_URL");
  const base = raw === undefined || raw === "" ? DEFAULT_BASE_URL : raw;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`SDP_KAGGLE_BASE_URL must be an http(s) URL, got "${base}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`SDP_KAGGLE_BASE_URL must be an http(s) URL, got "${base}"`);
  }
  if (Deno.permissions.querySync({ name: "net", host: url.host }).state !== "granted") {
    throw new UsageError(
      `SDP_KAGGLE_BASE_URL host "${url.host}" is not in sdp's network allow-list ` +
        `(www.kaggle.com, kaggle.com, storage.googleapis.com); unset it to publish to Kaggle`,
    );
  }
  return base;
}

const publishCommand: Command = {
  name: "publish",
  summary:
    "Publish a verified finalized version (default: latest) to Kaggle and record it in the registry.",
  positionals: ["dataset", "[version]"],
  flags: {
    kaggle: { type: "string", help: "Kaggle dataset <owner>/<slug> (required)", valueName: "REF" },
    public: { type: "boolean", help: "Make the dataset public when it is created" },
    title: {
      type: "string",
      help: "Title (default: the dataset name in title case)",
      valueName: "T",
    },
    license: { type: "string", help: "Kaggle license name (default CC0-1.0)", valueName: "L" },
    "dry-run": {
      type: "boolean",
      help: "Verify and print the upload plan and dataset-metadata.json; no network",
    },
    force: {
      type: "boolean",
      help: "Publish even if this version was already published to this target",
    },
    json: { type: "boolean", help: "Print JSON" },
    ...DIR_FLAGS,
  },
  async run(p, io) {
    const [dataset, given] = p.positionals;
    const nameProblem = checkDatasetName(dataset);
    if (nameProblem) throw new UsageError(`sdp publish: ${nameProblem}`);
    if (given !== undefined) {
      const problem = checkVersionId(given);
      if (problem) throw new UsageError(`sdp publish: version "${given}": ${problem}`);
    }
    const ref = str(p, "kaggle");
    if (ref === undefined) {
      throw new UsageError("sdp publish: --kaggle <owner>/<slug> is required");
    }
    const target = parseKaggleTarget(ref);
    const tname = targetName(target);
    const d = dirs(p);
    const dryRun = p.values["dry-run"] === true;
    const force = p.values.force === true;
    if (!dryRun) checkAccess(d.registryFile, "write", "--registry");

    const registry = await readRegistry(d.registryFile);
    const versions = versionsOf(registry, dataset);
    if (versions.length === 0) {
      throw new UsageError(
        `sdp publish: ${dataset} has no finalized versions in ${d.registryFile}`,
      );
    }
    const entry = given === undefined
      ? versions[versions.length - 1]
      : versions.find((v) => v.version === given);
    if (!entry) {
      throw new UsageError(
        `sdp publish: ${dataset} ${given} is not in ${d.registryFile}; only finalized versions ` +
          `can be published (known: ${versions.map((v) => v.version).join(", ")})`,
      );
    }
    const version = entry.version;
    const dir = `${d.runsDir}/${dataset}/${version}`;
    const check = await verifyVersion(dir, { dataset, version });
    if (!check.ok) {
      throw new IntegrityError(
        `${dataset} ${version} fails verification; only intact versions can be published:\n  ` +
          describeVerify(check).join("\n  "),
      );
    }
    const meta = (await readFinalMetadata(dir)).meta as FinalMetadata;
    if (meta.content_hash !== entry.content_hash) {
      throw new IntegrityError(
        `${dataset} ${version}: the registry lists content hash ${entry.content_hash}, the ` +
          `folder has ${meta.content_hash}; run 'sdp registry rebuild'`,
      );
    }
    const earlier = priorPublications(entry, tname);
    if (earlier.length > 0 && !force) {
      throw new IntegrityError(
        `${dataset} ${version} was already published to ${tname} at ${
          earlier.at(-1)!.published_at
        }` +
          `${
            earlier.at(-1)!.url ? ` (${earlier.at(-1)!.url})` : ""
          }; pass --force to publish it again`,
      );
    }
    const snapText = await readTextIfExists(`${dir}/${ARTIFACTS.configs}`);
    const spec = specFromSnapshot(
      dataset,
      (JSON.parse(snapText!) as { files: ConfigSources }).files,
    );
    const built = await buildPlan({
      dataset,
      version,
      dir,
      meta,
      finalDigest: await hashFile(`${dir}/${ARTIFACTS.final}`),
      spec,
      target,
      title: str(p, "title"),
      license: str(p, "license"),
      isPublic: p.values.public === true,
    });

    if (dryRun) {
      let credentials: string;
      try {
        const c = await findCredentials(io);
        credentials = describeSource(c.credentials.source);
        for (const w of c.warnings) io.err(`sdp: warning: ${w}\n`);
      } catch (err) {
        credentials = `none usable (${(err as Error).message.split("\n")[0]})`;
      }
      if (p.values.json) {
        io.out(
          JSON.stringify(
            {
              dry_run: true,
              dataset,
              version,
              target: tname,
              title: built.plan.title,
              license: built.plan.license,
              public: built.plan.isPublic,
              version_notes: built.plan.versionNotes,
              credentials,
              files: built.files,
              dataset_metadata: JSON.parse(built.metadataText),
            },
            null,
            2,
          ) + "\n",
        );
      } else {
        io.out(
          describePlan(built, { dataset, version, target: tname, credentials }) +
            "Dry run: nothing was sent.\n",
        );
      }
      return 0;
    }

    const { credentials, warnings } = await findCredentials(io);
    for (const w of warnings) io.err(`sdp: warning: ${w}\n`);
    const baseUrl = baseUrlOf(io);
    const log = makeLogger(io, { dataset, version, target: tname });
    let result;
    try {
      result = await publishDataset(built.plan, {
        credentials,
        baseUrl,
        now: () => io.now().getTime(),
        log: (m) => {
          log.log("INFO", "kaggle", { message: m });
          if (!p.values.json) io.err(`sdp: kaggle: ${m}\n`);
        },
      });
    } catch (err) {
      if (err instanceof PublishError) {
        throw new IntegrityError(
          `publishing ${dataset} ${version} to ${tname} failed: ${err.message}. ` +
            `Nothing was recorded in the registry`,
        );
      }
      throw err;
    }
    const record = publicationRecord(tname, result, built.files, io.now());
    await withRegistryLock(d.registryFile, (current) => {
      const list = versionsOf(current, dataset);
      const i = list.findIndex((v) => v.version === version);
      if (i < 0) {
        throw new IntegrityError(
          `${dataset} ${version} was published to ${result.url} but is no longer in ` +
            `${d.registryFile}; the publication was not recorded`,
        );
      }
      const updated = list.map((v, k) =>
        k === i ? { ...v, publications: [...(v.publications ?? []), record] } : v
      );
      return Promise.resolve({
        registry: {
          ...current,
          datasets: { ...current.datasets, [dataset]: { versions: updated } },
        },
        result: undefined,
      });
    }, { pid: io.pid, log });
    if (p.values.json) {
      io.out(
        JSON.stringify(
          { dataset, version, ...record, status: result.status, created: result.created },
          null,
          2,
        ) + "\n",
      );
    } else {
      io.out(
        `Published ${dataset} ${version} to ${result.url} (${
          result.created ? "new dataset" : "new version"
        }${
          result.versionNumber !== undefined ? `, Kaggle version ${result.versionNumber}` : ""
        }, ` +
          `status ${result.status})\n` +
          built.files.map((f) => `  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}\n`).join("") +
          `Recorded in ${d.registryFile}\n`,
      );
    }
    return 0;
  },
};

/** Ingest and publish commands. */
export const INGEST_PUBLISH_COMMANDS: Command[] = [ingestCommand, publishCommand];
