/**
 * `sdp registry rebuild`: reconstruct the registry from verified version folders.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import { rebuildRegistry } from "../../integrity/rebuild.ts";
import { withRegistryLock } from "../../registry/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger } from "../shared.ts";

/** The `sdp registry` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "registry",
  summary:
    "Registry maintenance: 'sdp registry rebuild' reconstructs it from verified version folders.",
  positionals: ["action"],
  flags: { json: { type: "boolean", help: "Print JSON" }, ...DIR_FLAGS },
};

/** Handle `sdp registry`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [action] = p.positionals;
  if (action !== "rebuild") {
    throw new UsageError(`sdp registry: unknown action "${action}"; use: sdp registry rebuild`);
  }
  const d = dirs(p);
  checkAccess(io, d.registryFile, "write", "--registry");
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
}
