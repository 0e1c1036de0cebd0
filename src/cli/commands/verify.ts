/**
 * `sdp verify <dataset> [version]`: check a finalized version against every
 * independent record of it: its files against final_metadata.json, the seal
 * and final_metadata.json hash in run_metadata.json, and the content hash,
 * data hash and row count the registry recorded at finalization (a swapped
 * file with recomputed manifests still differs from the registry). A version
 * the registry withheld, or does not list while listing others of the
 * dataset, fails. --reproduce regenerates and compares bytes.
 *
 * @module
 */
import { ARTIFACTS, type FinalMetadata } from "../../artifacts/mod.ts";
import { specFromSnapshot } from "../../config/mod.ts";
import type { ConfigSources, DatasetSpec } from "../../model/dataset.ts";
import { IntegrityError, UsageError } from "../../errors.ts";
import {
  describeVerify,
  readFinalMetadata,
  type VerifyResult,
  verifyVersion,
} from "../../integrity/verify.ts";
import { hashFile } from "../../hash/mod.ts";
import { listDirs, readTextIfExists } from "../../io/files.ts";
import { parallelGenerationProducer } from "../../parallel/mod.ts";
import { type PriorInput, runDataset, runMultiTableDataset } from "../../pipeline/mod.ts";
import { driverOf } from "../../generate/mod.ts";
import { parseProfile } from "../../profile/mod.ts";
import { readRegistry, type Registry, versionsOf, withheldOf } from "../../registry/mod.ts";
import { checkVersionId, DETERMINISM_CONTRACT } from "../../version/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import type { Io } from "../io.ts";
import {
  checkName,
  checkVersion,
  DIR_FLAGS,
  dirs,
  makeLogger,
  requireExisting,
  runEnvironment,
} from "../shared.ts";

/** A line safe for a terminal: control characters replaced (never shortened: hashes matter). */
function shown(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u0080-\u009f]/g, "?");
}

/** The versions of a dataset to act on: from the registry, else from the runs folder. */
async function knownVersions(p: Parsed, reg: Registry, dataset: string): Promise<string[]> {
  const d = dirs(p);
  const listed = versionsOf(reg, dataset).map((v) => v.version);
  const withheld = withheldOf(reg, dataset).map((v) => v.version);
  if (listed.length > 0) return [...listed, ...withheld.filter((v) => !listed.includes(v))];
  return (await listDirs(`${d.runsDir}/${dataset}`)).filter((n) => checkVersionId(n) === undefined);
}

/** Verify one version against its folder's records and the registry's. */
async function verifyAgainstRegistry(
  p: Parsed,
  reg: Registry,
  names: { dataset: string; version: string },
): Promise<VerifyResult> {
  const d = dirs(p);
  const { dataset, version } = names;
  const listed = versionsOf(reg, dataset).find((v) => v.version === version);
  const withheld = withheldOf(reg, dataset).find((v) => v.version === version);
  const recorded = listed ?? withheld;
  const r = await verifyVersion(
    `${d.runsDir}/${dataset}/${version}`,
    names,
    recorded ? { recorded } : {},
  );
  if (withheld && !listed) {
    r.problems.push(
      `withheld from ${d.registryFile} by 'sdp registry rebuild': ${
        withheld.withheld_because.join("; ")
      }`,
    );
  } else if (!recorded && versionsOf(reg, dataset).length > 0) {
    r.problems.push(`not listed in ${d.registryFile}, which lists other versions of ${dataset}`);
  }
  r.ok = r.ok && r.problems.length === 0;
  return r;
}

/** The `sdp verify` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
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
};

/** Handle `sdp verify`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [dataset, given] = p.positionals;
  checkName("verify", dataset);
  if (given) checkVersion("verify", given);
  const d = dirs(p);
  const reg = await readRegistry(d.registryFile, {
    pid: io.pid,
    notify: (l) => io.err(`${l}\n`),
  });
  await requireExisting("verify", { dataset, versions: given ? [given] : [] }, {
    runsDir: d.runsDir,
    reg,
  });
  let versions: string[];
  if (p.values.all) {
    if (given) throw new UsageError("sdp verify: give a version or --all, not both");
    versions = await knownVersions(p, reg, dataset);
  } else if (given) versions = [given];
  else {
    const all = versionsOf(reg, dataset).length > 0
      ? versionsOf(reg, dataset).map((v) => v.version)
      : await knownVersions(p, reg, dataset);
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
    return await reproduce(dataset, versions[0], p, io, reg);
  }
  const results: VerifyResult[] = [];
  for (const v of versions) {
    results.push(await verifyAgainstRegistry(p, reg, { dataset, version: v }));
  }
  if (p.values.json) io.out(JSON.stringify(results, null, 2) + "\n");
  else {
    for (const r of results) {
      io.out(
        r.ok
          ? `ok       ${dataset} ${r.version}  ${r.content_hash}\n`
          : `MISMATCH ${dataset} ${shown(r.version)}\n`,
      );
      for (const line of describeVerify(r)) io.out(`  ${shown(line)}\n`);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

async function reproduce(
  dataset: string,
  version: string,
  p: Parsed,
  io: Io,
  reg: Registry,
): Promise<number> {
  const d = dirs(p);
  const dir = `${d.runsDir}/${dataset}/${version}`;
  // Verification problems are reported, but reproduction still runs: an
  // auditor wants to know which artifact the stored configs no longer produce.
  const v = await verifyAgainstRegistry(p, reg, { dataset, version });
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
      // Declared drift was applied from the prior's index the run recorded.
      versionIndex: await storedPriorIndex(`${dir}/${ARTIFACTS.evaluation}`),
    }
    : null;
  const token = io.token();
  const out = `${d.runsDir}/${dataset}/.reproduce-${version}-${token}`;
  try {
    if (spec.tables) {
      await reproduceTables(spec, { meta, dir, out, d, io, token });
    } else {
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
        producer: parallelGenerationProducer(spec),
      }, { ...runEnvironment(io, makeLogger(io), token), progress: undefined });
    }
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
      for (const line of describeVerify(v)) io.out(`  stored version: ${shown(line)}\n`);
    }
    return reproduced ? 0 : 1;
  } finally {
    await io.remove(out, { recursive: true }).catch(() => {});
    await io.remove(`${out}.failed`, { recursive: true }).catch(() => {});
    await io.remove(`${out}.staging-${token}`, { recursive: true }).catch(() => {});
  }
}

/** The prior's version index recorded in a stored evaluation_report.json (null when absent). */
async function storedPriorIndex(file: string): Promise<number | null> {
  const text = await readTextIfExists(file);
  if (text === undefined) return null;
  try {
    const v = (JSON.parse(text) as { prior_version_index?: unknown }).prior_version_index;
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
  } catch {
    return null;
  }
}

function rank(name: string): number {
  return name.startsWith("data.") ? 0 : name === ARTIFACTS.configs ? 1 : 2;
}

/**
 * Regenerate a multi-table version into `out`: every table with the
 * version's index and each table's stored prior profile, root tables at
 * their recorded row counts (children follow from them).
 */
async function reproduceTables(
  spec: DatasetSpec,
  a: {
    meta: FinalMetadata;
    dir: string;
    out: string;
    d: ReturnType<typeof dirs>;
    io: Io;
    token: string;
  },
): Promise<void> {
  const { meta, dir } = a;
  const tables = new Map<string, PriorInput>();
  for (const t of spec.tables ?? []) {
    const path = `${dir}/tables/${t.name}/${ARTIFACTS.priorProfile}`;
    const text = meta.prior_version ? await readTextIfExists(path) : undefined;
    if (text !== undefined) {
      tables.set(t.name, {
        version: meta.prior_version!,
        profile: parseProfile(text, path),
        // Declared drift was applied from the prior's index the run recorded.
        versionIndex: await storedPriorIndex(`${dir}/tables/${t.name}/${ARTIFACTS.evaluation}`),
      });
    }
  }
  const roots = (spec.tables ?? []).filter((t) => !driverOf(t)).map((t) =>
    meta.tables?.[t.name]?.row_count ?? t.spec.rowCount
  );
  await runMultiTableDataset(spec, {
    version: meta.version,
    rows: Math.max(...roots),
    format: meta.formats.length === 2 ? "both" : (meta.formats[0] as "parquet" | "csv"),
    workers: Math.max(1, a.io.cores),
    runsDir: a.d.runsDir,
    registryFile: a.d.registryFile,
    versionIndex: meta.version_index,
    prior: { version: meta.prior_version, tables },
    outputDir: a.out,
    producer: (table, plan) => parallelGenerationProducer(table, { plan }),
  }, { ...runEnvironment(a.io, makeLogger(a.io), a.token), progress: undefined });
}
