/**
 * `sdp assemble <dataset>`: stitch the parts written by `sdp run --shard i/n`
 * into one version, then validate, evaluate and finalize it.
 *
 * @module
 */
import { checkDatasetName, type DatasetSpec, loadDataset } from "../../config/mod.ts";
import { IntegrityError, UsageError } from "../../errors.ts";
import { formatSummary } from "../../evaluate/mod.ts";
import { readTextIfExists } from "../../io/files.ts";
import { runDataset, runMultiTableDataset } from "../../pipeline/mod.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { assembleProducer, collectParts, type PartSet } from "../../shard/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, runEnvironment } from "../shared.ts";
import { requireRunId } from "./run_shard.ts";
import { PRIOR_FLAGS, priorChoice, reportResult } from "./run.ts";
import { FAIL_ON_FLAG, type FailOn, failOn } from "../gate.ts";
import { reportMultiResult } from "./run_multi.ts";

/** The `sdp assemble` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "assemble",
  summary:
    "Stitch the parts written by 'sdp run --shard i/n' into one version, then validate, evaluate and finalize it.",
  positionals: ["dataset"],
  flags: {
    "run-id": { type: "string", help: "Version id the shards were run with", valueName: "ID" },
    "parts-dir": {
      type: "string",
      multiple: true,
      help: "Folder holding parts and manifests (repeat for several)",
      valueName: "DIR",
    },
    "allow-missing-prior": {
      type: "boolean",
      help: "Run without a prior when the prior version is missing or corrupt",
    },
    ...PRIOR_FLAGS,
    ...FAIL_ON_FLAG,
    json: {
      type: "boolean",
      help: "Print the summary (paths, hashes, quality, drift verdict) as one JSON object",
    },
    ...DIR_FLAGS,
  },
};

/** Handle `sdp assemble`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [name] = p.positionals;
  const nameProblem = checkDatasetName(name);
  if (nameProblem) throw new UsageError(`sdp assemble: ${nameProblem}`);
  const version = requireRunId(p, "assemble");
  const partsDirs = ((p.values["parts-dir"] as string[] | undefined) ?? [])
    .map((x) => x.replace(/(.)\/+$/, "$1"));
  if (partsDirs.length === 0) {
    throw new UsageError("sdp assemble: give at least one --parts-dir DIR");
  }
  const gate = failOn(p, "assemble");
  const prior = priorChoice(p, "assemble");
  const d = dirs(p);
  checkAccess(io, d.datasetsDir, "read", "--datasets-dir");
  for (const dir of partsDirs) checkAccess(io, dir, "read", "--parts-dir");
  checkAccess(io, d.runsDir, "write", "--runs-dir");
  checkAccess(io, d.registryFile, "write", "--registry");
  const spec = await loadDataset(name, {
    datasetsDir: d.datasetsDir,
    readText: readTextIfExists,
  });
  if (spec.tables) {
    if (prior.priorVersion !== undefined || prior.noPrior) {
      throw new UsageError(
        `sdp assemble: --prior and --no-prior are not supported for multi-table datasets yet (${name} has tables)`,
      );
    }
    return await assembleMulti(spec, io, {
      version,
      partsDirs,
      ...d,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      json: p.values.json === true,
      failOn: gate,
    });
  }
  const set = await collectParts(spec, version, partsDirs);
  const known = versionsOf(await readRegistry(d.registryFile), name).length;
  if (known !== set.versionIndex) {
    io.err(
      `sdp assemble: note: the parts were generated with version index ${set.versionIndex}; ` +
        `this registry holds ${known} version(s) of ${name}. The assembled version keeps index ${set.versionIndex}.\n`,
    );
  }
  const result = await runDataset(spec, {
    version,
    rows: set.rowCount,
    format: "parquet",
    workers: 1,
    runsDir: d.runsDir,
    registryFile: d.registryFile,
    allowMissingPrior: p.values["allow-missing-prior"] === true,
    ...prior,
    versionIndex: set.versionIndex,
    producer: assembleProducer(set),
  }, runEnvironment(io, makeLogger(io, { dataset: name, version })));
  return reportResult(io, result, {
    cmd: "assemble",
    json: p.values.json === true,
    failOn: gate,
    text:
      `Finalized ${result.dataset} ${result.version} from ${set.count} part(s): ${result.rows} rows in ${result.path}\n` +
      `content hash ${result.final.content_hash}\n` + formatSummary(result.evaluation),
  });
}

/**
 * Assemble a multi-table dataset: every table's parts are collected and
 * checked like one table's, and must agree with the other tables' on the
 * version index, the shard count and the `--rows` of the shards. Then the
 * multi-table pipeline runs as `sdp run` does, each table's data.parquet
 * stitched from its parts instead of generated, so every table's files and
 * the version's content hash are those of a one-machine run.
 */
async function assembleMulti(
  spec: DatasetSpec,
  io: Io,
  o: {
    version: string;
    partsDirs: string[];
    runsDir: string;
    registryFile: string;
    allowMissingPrior: boolean;
    json: boolean;
    failOn: FailOn | undefined;
  },
): Promise<number> {
  const name = spec.name;
  const sets = new Map<string, PartSet>();
  for (const t of spec.tables ?? []) {
    sets.set(t.spec.name, await collectParts(t.spec, o.version, o.partsDirs, spec));
  }
  const all = [...sets.values()];
  const first = all[0];
  for (const s of all) {
    for (
      const [what, a, b] of [
        ["version_index", s.versionIndex, first.versionIndex],
        ["shard count", s.count, first.count],
        ["root_rows (--rows)", s.rootRows, first.rootRows],
      ] as const
    ) {
      if (a !== b) {
        throw new IntegrityError(
          `parts of ${name} ${o.version} disagree on ${what}: ${s.dataset} has ${
            JSON.stringify(a)
          }, ` +
            `${first.dataset} has ${JSON.stringify(b)}; all shards must be run with the same ` +
            "configs, --rows, --run-id and version index",
        );
      }
    }
  }
  if (first.rootRows === undefined) {
    throw new IntegrityError(
      `the parts of ${name} ${o.version} were not written as parts of a multi-table dataset`,
    );
  }
  const known = versionsOf(await readRegistry(o.registryFile), name).length;
  if (known !== first.versionIndex) {
    io.err(
      `sdp assemble: note: the parts were generated with version index ${first.versionIndex}; ` +
        `this registry holds ${known} version(s) of ${name}. The assembled version keeps index ${first.versionIndex}.\n`,
    );
  }
  const result = await runMultiTableDataset(spec, {
    version: o.version,
    rows: first.rootRows ?? undefined,
    format: "parquet",
    workers: 1,
    runsDir: o.runsDir,
    registryFile: o.registryFile,
    allowMissingPrior: o.allowMissingPrior,
    versionIndex: first.versionIndex,
    producer: (table) => assembleProducer(sets.get(table.name)!),
  }, runEnvironment(io, makeLogger(io, { dataset: name, version: o.version })));
  return reportMultiResult(io, result, {
    cmd: "assemble",
    json: o.json,
    failOn: o.failOn,
    heading: ` from ${first.count} part(s)`,
  });
}
