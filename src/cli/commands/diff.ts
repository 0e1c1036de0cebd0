/**
 * `sdp diff <dataset> <version-a> <version-b>`: drift report between two
 * finalized versions.
 *
 * @module
 */
import { ARTIFACTS } from "../../artifacts/mod.ts";
import { specFromSnapshot } from "../../config/mod.ts";
import type { ConfigSources } from "../../model/dataset.ts";
import { compareProfiles, driftOptions, formatDriftTable } from "../../evaluate/mod.ts";
import { readTextIfExists } from "../../io/files.ts";
import { loadPrior } from "../../pipeline/mod.ts";
import { FAIL_ON_FLAG, failOn, gateExitCode, gateMessage } from "../gate.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import type { Io } from "../io.ts";
import { readRegistry } from "../../registry/mod.ts";
import { checkName, checkVersion, DIR_FLAGS, dirs, requireExisting } from "../shared.ts";

/** The `sdp diff` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "diff",
  summary: "Drift report between two finalized versions of a dataset (a = reference, b = current).",
  positionals: ["dataset", "version-a", "version-b"],
  flags: {
    json: { type: "boolean", help: "Print the drift report as JSON" },
    ...FAIL_ON_FLAG,
    ...DIR_FLAGS,
  },
};

/** Handle `sdp diff`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [dataset, a, b] = p.positionals;
  checkName("diff", dataset);
  checkVersion("diff", a);
  checkVersion("diff", b);
  const gate = failOn(p, "diff");
  const d = dirs(p);
  const reg = await readRegistry(d.registryFile, { pid: io.pid, notify: (l) => io.err(`${l}\n`) });
  await requireExisting("diff", { dataset, versions: [a, b] }, { runsDir: d.runsDir, reg });
  const ref = await loadPrior(d.runsDir, dataset, { version: a, position: null });
  const cur = await loadPrior(d.runsDir, dataset, { version: b, position: null });
  const snap = JSON.parse(
    (await readTextIfExists(`${d.runsDir}/${dataset}/${b}/${ARTIFACTS.configs}`))!,
  ) as { files: ConfigSources };
  // Identifiers and declared drift as version b was configured; declared
  // drift applies between the two versions' recorded indexes.
  const spec = specFromSnapshot(dataset, snap.files);
  const report = compareProfiles(
    ref.profile,
    cur.profile,
    driftOptions(spec, {
      reference: cur.versionIndex === null ? null : ref.versionIndex,
      current: cur.versionIndex ?? 0,
    }),
  );
  if (p.values.json) io.out(JSON.stringify(report, null, 2) + "\n");
  else io.out(`Drift ${dataset}: ${a} (reference) -> ${b}\n${formatDriftTable(report)}\n`);
  const code = gateExitCode(report, gate);
  if (code !== 0) io.err(gateMessage(report, gate!, "diff"));
  return code;
}
