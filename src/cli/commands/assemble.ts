/**
 * `sdp assemble <dataset>`: stitch the parts written by `sdp run --shard i/n`
 * into one version, then validate, evaluate and finalize it.
 *
 * @module
 */
import { checkDatasetName, loadDataset } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import { formatSummary } from "../../evaluate/mod.ts";
import { readTextIfExists } from "../../io/files.ts";
import { runDataset } from "../../pipeline/mod.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
import { assembleProducer, collectParts } from "../../shard/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, runEnvironment } from "../shared.ts";
import { requireRunId } from "./run_shard.ts";
import { PRIOR_FLAGS, priorChoice, reportResult } from "./run.ts";
import { FAIL_ON_FLAG, failOn } from "../gate.ts";

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
    throw new UsageError(
      `sdp assemble: ${name} is a multi-table dataset; ` +
        "sharding is not supported for multi-table datasets yet: run it whole with sdp run " +
        "(--workers parallelizes it, with the same bytes for every worker count)",
    );
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
