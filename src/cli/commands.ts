/**
 * The commands beyond run/list: init, verify, diff, registry.
 */
import { ARTIFACTS } from "../artifacts/mod.ts";
import { checkDatasetName, specFromSnapshot } from "../config/mod.ts";
import type { ConfigSources } from "../config/spec.ts";
import { IntegrityError, UsageError } from "../errors.ts";
import { compareProfiles, formatDriftTable } from "../evaluate/mod.ts";
import { scaffoldDataset } from "../generate/mod.ts";
import {
  describeVerify,
  readFinalMetadata,
  type VerifyResult,
  verifyVersion,
} from "../integrity/verify.ts";
import { exists, hashFile, listDirs, readTextIfExists } from "../io/files.ts";
import { runGeneration as runDataset } from "../parallel/mod.ts";
import { loadPriorProfile } from "../pipeline/mod.ts";
import { parseProfile } from "../profile/mod.ts";
import { rebuildRegistry } from "../integrity/rebuild.ts";
import { readRegistry, versionsOf, withRegistryLock } from "../registry/mod.ts";
import { checkVersionId, DETERMINISM_CONTRACT } from "../version/mod.ts";
import type { Parsed } from "./args.ts";
import { checkAccess, type Io } from "./io.ts";
import { type Command, DIR_FLAGS, dirs, makeLogger, runEnvironment } from "./shared.ts";

function checkName(cmd: string, name: string): void {
  const problem = checkDatasetName(name);
  if (problem) throw new UsageError(`sdp ${cmd}: ${problem}`);
}

function checkVersion(cmd: string, v: string): void {
  const problem = checkVersionId(v);
  if (problem) throw new UsageError(`sdp ${cmd}: version "${v}": ${problem}`);
}

/** The versions of a dataset to act on: from the registry, else from the runs folder. */
async function knownVersions(p: Parsed, dataset: string): Promise<string[]> {
  const d = dirs(p);
  const reg = await readRegistry(d.registryFile);
  const listed = versionsOf(reg, dataset).map((v) => v.version);
  if (listed.length > 0) return listed;
  return (await listDirs(`${d.runsDir}/${dataset}`)).filter((n) => checkVersionId(n) === undefined);
}

const initCommand: Command = {
  name: "init",
  summary: "Scaffold datasets/<name>/ with commented dataset.yaml, schema.yaml and evolution.yaml.",
  positionals: ["name"],
  flags: { "datasets-dir": DIR_FLAGS["datasets-dir"] },
  async run(p, io) {
    const [name] = p.positionals;
    checkName("init", name);
    const dir = `${dirs(p).datasetsDir}/${name}`;
    checkAccess(dir, "write", "--datasets-dir");
    if (await exists(dir)) {
      throw new UsageError(`sdp init: ${dir} already exists; choose another name or remove it`);
    }
    const files = scaffoldDataset(name);
    await Deno.mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${file}`, text, { createNew: true });
    }
    io.out(`Created ${dir}/ (dataset.yaml, schema.yaml, evolution.yaml). Next: sdp run ${name}\n`);
    return 0;
  },
};

const verifyCommand: Command = {
  name: "verify",
  summary:
    "Check a finalized version's files against final_metadata.json (default: latest); --reproduce regenerates and compares bytes.",
  positionals: ["dataset", "[version]"],
  flags: {
    all: { type: "boolean", help: "Verify every version of the dataset" },
    json: { type: "boolean", help: "Print JSON" },
    reproduce: {
      type: "boolean",
      help: "Regenerate the version from its configs_snapshot.json and compare bytes",
    },
    ...DIR_FLAGS,
  },
  async run(p, io) {
    const [dataset, given] = p.positionals;
    checkName("verify", dataset);
    if (given) checkVersion("verify", given);
    const d = dirs(p);
    let versions: string[];
    if (p.values.all) {
      if (given) throw new UsageError("sdp verify: give a version or --all, not both");
      versions = await knownVersions(p, dataset);
    } else if (given) versions = [given];
    else {
      const all = await knownVersions(p, dataset);
      if (all.length === 0) {
        throw new UsageError(`sdp verify: ${dataset} has no finalized versions`);
      }
      versions = [all[all.length - 1]];
    }
    if (versions.length === 0) {
      throw new UsageError(`sdp verify: ${dataset} has no finalized versions`);
    }
    if (p.values.reproduce) {
      if (versions.length !== 1) throw new UsageError("sdp verify --reproduce: give one version");
      return await reproduce(dataset, versions[0], p, io);
    }
    const results: VerifyResult[] = [];
    for (const v of versions) {
      results.push(await verifyVersion(`${d.runsDir}/${dataset}/${v}`, { dataset, version: v }));
    }
    if (p.values.json) io.out(JSON.stringify(results, null, 2) + "\n");
    else {
      for (const r of results) {
        io.out(
          r.ok
            ? `ok       ${dataset} ${r.version}  ${r.content_hash}\n`
            : `MISMATCH ${dataset} ${r.version}\n`,
        );
        for (const line of describeVerify(r)) io.out(`  ${line}\n`);
      }
    }
    return results.every((r) => r.ok) ? 0 : 1;
  },
};

async function reproduce(dataset: string, version: string, p: Parsed, io: Io): Promise<number> {
  const d = dirs(p);
  const dir = `${d.runsDir}/${dataset}/${version}`;
  // Verification problems are reported, but reproduction still runs: an
  // auditor wants to know which artifact the stored configs no longer produce.
  const v = await verifyVersion(dir, { dataset, version });
  const { meta, problem } = await readFinalMetadata(dir);
  if (!meta) throw new IntegrityError(`cannot reproduce ${dataset} ${version}: ${problem}`);
  if (meta.source !== "generated") {
    throw new UsageError(
      `sdp verify --reproduce: ${dataset} ${version} was ingested, not generated`,
    );
  }
  if (meta.contract !== DETERMINISM_CONTRACT) {
    throw new UsageError(
      `sdp verify --reproduce: ${dataset} ${version} was generated under determinism contract ${meta.contract}; ` +
        `this sdp implements contract ${DETERMINISM_CONTRACT} and would give other bytes. ` +
        `Reproduce it with an sdp release of contract ${meta.contract} (\`sdp --version\` shows it)`,
    );
  }
  const snapText = await readTextIfExists(`${dir}/${ARTIFACTS.configs}`);
  if (snapText === undefined) {
    throw new IntegrityError(
      `cannot reproduce ${dataset} ${version}: configs_snapshot.json is missing`,
    );
  }
  const snap = JSON.parse(snapText) as { files: ConfigSources };
  const spec = specFromSnapshot(dataset, snap.files);
  const priorText = await readTextIfExists(`${dir}/${ARTIFACTS.priorProfile}`);
  const prior = meta.prior_version && priorText
    ? {
      version: meta.prior_version,
      profile: parseProfile(priorText, `${dir}/${ARTIFACTS.priorProfile}`),
    }
    : null;
  const token = io.token();
  const out = `${d.runsDir}/${dataset}/.reproduce-${version}-${token}`;
  try {
    await runDataset(spec, {
      version,
      rows: meta.row_count,
      format: meta.formats.length === 2 ? "both" : (meta.formats[0] as "parquet" | "csv"),
      workers: Math.max(1, io.cores),
      runsDir: d.runsDir,
      registryFile: d.registryFile,
      versionIndex: meta.version_index,
      prior,
      outputDir: out,
    }, { ...runEnvironment(io, makeLogger(io), token), progress: undefined });
    const names = Object.keys(meta.files).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
    let first: { name: string; expected: string; actual: string | null } | undefined;
    for (const name of [...names, ARTIFACTS.final]) {
      const stored = await hashFile(`${dir}/${name}`).catch(() => undefined);
      const got = await hashFile(`${out}/${name}`).catch(() => undefined);
      if (!got || !stored || got.sha256 !== stored.sha256) {
        first = { name, expected: stored?.sha256 ?? "(missing)", actual: got?.sha256 ?? null };
        break;
      }
    }
    const reproduced = first === undefined && v.ok;
    const result = {
      dataset,
      version,
      reproduced,
      verification: { ok: v.ok, problems: describeVerify(v) },
      first_difference: first ?? null,
      content_hash: meta.content_hash,
    };
    if (p.values.json) io.out(JSON.stringify(result, null, 2) + "\n");
    else if (reproduced) {
      io.out(
        `reproduced ${dataset} ${version}: all ${
          names.length + 1
        } deterministic artifacts byte-identical (${meta.content_hash})\n`,
      );
    } else {
      if (first) io.out(`DIFFERS  ${dataset} ${version}: first differing artifact ${first.name}\n`);
      for (const line of describeVerify(v)) io.out(`  stored version: ${line}\n`);
    }
    return reproduced ? 0 : 1;
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
    await Deno.remove(`${out}.failed`, { recursive: true }).catch(() => {});
    await Deno.remove(`${out}.staging-${token}`, { recursive: true }).catch(() => {});
  }
}

function rank(name: string): number {
  return name.startsWith("data.") ? 0 : name === ARTIFACTS.configs ? 1 : 2;
}

const diffCommand: Command = {
  name: "diff",
  summary: "Drift report between two finalized versions of a dataset (a = reference, b = current).",
  positionals: ["dataset", "version-a", "version-b"],
  flags: { json: { type: "boolean", help: "Print the drift report as JSON" }, ...DIR_FLAGS },
  async run(p, io) {
    const [dataset, a, b] = p.positionals;
    checkName("diff", dataset);
    checkVersion("diff", a);
    checkVersion("diff", b);
    const d = dirs(p);
    const ref = await loadPriorProfile(d.runsDir, dataset, a);
    const cur = await loadPriorProfile(d.runsDir, dataset, b);
    const snap = JSON.parse(
      (await readTextIfExists(`${d.runsDir}/${dataset}/${b}/${ARTIFACTS.configs}`))!,
    ) as { files: ConfigSources };
    const thresholds = specFromSnapshot(dataset, snap.files).evolution.thresholds;
    const report = compareProfiles(ref, cur, thresholds);
    if (p.values.json) io.out(JSON.stringify(report, null, 2) + "\n");
    else io.out(`Drift ${dataset}: ${a} (reference) -> ${b}\n${formatDriftTable(report)}\n`);
    return 0;
  },
};

const registryCommand: Command = {
  name: "registry",
  summary:
    "Registry maintenance: 'sdp registry rebuild' reconstructs it from verified version folders.",
  positionals: ["action"],
  flags: { json: { type: "boolean", help: "Print JSON" }, ...DIR_FLAGS },
  async run(p, io) {
    const [action] = p.positionals;
    if (action !== "rebuild") {
      throw new UsageError(`sdp registry: unknown action "${action}"; use: sdp registry rebuild`);
    }
    const d = dirs(p);
    checkAccess(d.registryFile, "write", "--registry");
    const log = makeLogger(io);
    const outcome = await withRegistryLock(d.registryFile, async (current) => {
      const r = await rebuildRegistry(d.runsDir, current);
      return { registry: r.registry, result: r };
    }, { pid: io.pid, log });
    if (p.values.json) io.out(JSON.stringify(outcome, null, 2) + "\n");
    else {
      io.out(`Rebuilt ${d.registryFile}: ${outcome.listed} version(s) listed\n`);
      for (const r of outcome.rejected) {
        io.out(`  not listed: ${r.dataset} ${r.version}: ${r.reasons.join("; ")}\n`);
      }
    }
    return outcome.rejected.length > 0 ? 1 : 0;
  },
};

/** Commands defined here. */
export const EXTRA_COMMANDS: Command[] = [initCommand, verifyCommand, diffCommand, registryCommand];
