/**
 * `sdp publish <dataset> [version] --kaggle owner/slug`: publish a finalized
 * version that passes verification; records the publication in the
 * registry. See src/publish/plan.ts for the files sent.
 *
 * @module
 */
import { ARTIFACTS, type FinalMetadata } from "../../artifacts/mod.ts";
import { checkDatasetName, specFromSnapshot } from "../../config/mod.ts";
import type { ConfigSources } from "../../model/dataset.ts";
import {
  boundMessage,
  ConfigError,
  IntegrityError,
  SandboxError,
  UsageError,
} from "../../errors.ts";
import { describeVerify, readFinalMetadata, verifyVersion } from "../../integrity/verify.ts";
import { hashFile } from "../../hash/mod.ts";
import { readTextIfExists } from "../../io/files.ts";
import {
  buildPlan,
  type CredentialIo,
  DEFAULT_BASE_URL,
  describePlan,
  describeSource,
  parseKaggleTarget,
  priorPublications,
  publicationRecord,
  publishDataset,
  PublishError,
  resolveCredentials,
  type ResolvedCredentials,
  targetName,
} from "../../publish/mod.ts";
import { readRegistry, versionsOf, withRegistryLock } from "../../registry/mod.ts";
import { checkVersionId } from "../../version/mod.ts";
import { type CommandSpec, type Parsed, str } from "../args.ts";
import { checkAccess, type Io, notFoundError } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, printable } from "../shared.ts";

/** Credential I/O inside sdp's permission set: unreadable places are noted, not fatal. */
function credentialIo(io: Io, blocked: string[]): CredentialIo {
  return {
    env: (name) => io.granted({ name: "env", variable: name }) ? io.env(name) : undefined,
    readTextFile: async (path) => {
      if (!io.granted({ name: "read", path })) {
        blocked.push(path);
        throw notFoundError(`not readable by sdp: ${path}`);
      }
      // A kaggle.json link to anything but another kaggle.json is refused unread.
      await io.sandbox?.checkCredentialsFile(path);
      return await io.readTextFile(path);
    },
    fileMode: async (path) => io.os.startsWith("windows-") ? null : (await io.stat(path)).mode,
  };
}

async function findCredentials(io: Io): Promise<ResolvedCredentials> {
  const blocked: string[] = [];
  try {
    return await resolveCredentials(credentialIo(io, blocked));
  } catch (err) {
    if (err instanceof ConfigError && err.cause instanceof SandboxError) throw err.cause;
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
  if (!io.granted({ name: "net", host: url.host })) {
    throw new UsageError(
      `SDP_KAGGLE_BASE_URL host "${url.host}" is not in sdp's network allow-list ` +
        `(www.kaggle.com, kaggle.com, storage.googleapis.com); unset it to publish to Kaggle`,
    );
  }
  return base;
}

/** The `sdp publish` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
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
};

/** Handle `sdp publish`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
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
  if (!dryRun) checkAccess(io, d.registryFile, "write", "--registry");

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
      `${dataset} ${version} was already published to ${tname} at ${earlier.at(-1)!.published_at}` +
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
  // A multi-table version: each table's manifest (verified above with the version).
  const tables = meta.tables
    ? await Promise.all(
      Object.keys(meta.tables).sort().map(async (table) => ({
        table,
        meta: (await readFinalMetadata(`${dir}/tables/${table}`)).meta as FinalMetadata,
      })),
    )
    : undefined;
  const built = await buildPlan({
    dataset,
    version,
    dir,
    meta,
    ...(tables ? { tables } : {}),
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
      for (const w of c.warnings) io.err(`${boundMessage(`sdp: warning: ${w}`)}\n`);
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
  for (const w of warnings) io.err(`${boundMessage(`sdp: warning: ${w}`)}\n`);
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
        if (!p.values.json) io.err(`${boundMessage(`sdp: kaggle: ${m}`)}\n`);
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
      `Published ${dataset} ${version} to ${printable(result.url, 300)} (${
        result.created ? "new dataset" : "new version"
      }${result.versionNumber !== undefined ? `, Kaggle version ${result.versionNumber}` : ""}, ` +
        `status ${result.status})\n` +
        built.files.map((f) => `  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}\n`).join("") +
        `Recorded in ${d.registryFile}\n`,
    );
  }
  return 0;
}
