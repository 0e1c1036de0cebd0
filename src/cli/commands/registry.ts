/**
 * `sdp registry rebuild`: reconstruct the registry from verified version
 * folders. Works on a corrupt registry too: the unreadable file is kept aside
 * (`datasets.json.corrupt-<attempt>`) and whatever entries can still be read
 * from it count as recorded hashes.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import {
  keepAside,
  listIntents,
  rebuildRegistry,
  salvageEntries,
  withRegistryLock,
} from "../../registry/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { DIR_FLAGS, dirs, makeLogger, printable } from "../shared.ts";

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
    throw new UsageError(
      `sdp registry: unknown action "${printable(action ?? "")}"; use: sdp registry rebuild`,
    );
  }
  const d = dirs(p);
  checkAccess(io, d.registryFile, "write", "--registry");
  checkAccess(io, d.runsDir, "read", "--runs-dir");
  const log = makeLogger(io);
  const outcome = await withRegistryLock(d.registryFile, async (current, state) => {
    let keptAside: string | null = null;
    let salvaged: ReturnType<typeof salvageEntries> | undefined;
    if (state.corrupt !== undefined) {
      // A copy, not a move: if the new registry cannot be written, the old file stays in place.
      keptAside = await keepAside(d.registryFile, state.token);
      salvaged = salvageEntries(state.text ?? "");
    }
    const r = await rebuildRegistry(d.runsDir, current, { salvaged });
    return {
      registry: r.registry,
      result: { ...r, corrupt: state.corrupt ?? null, kept_aside: keptAside },
      // Every version folder was just examined: no intent is left to settle.
      done: await listIntents(d.registryFile),
    };
  }, {
    pid: io.pid,
    log,
    tolerateCorrupt: true,
    notify: (l) => io.err(`${l}\n`),
    token: io.token(),
  });
  if (p.values.json) io.out(JSON.stringify(outcome, null, 2) + "\n");
  else {
    if (outcome.corrupt) {
      io.out(`${outcome.corrupt.replace(/; restore it or run .*$/, "")}\n`);
      io.out(`  kept aside as ${outcome.kept_aside}; rebuilt from the version folders\n`);
    }
    io.out(`Rebuilt ${d.registryFile}: ${outcome.listed} version(s) listed\n`);
    for (const a of outcome.added) {
      io.out(`  added: ${printable(a.dataset)} ${printable(a.version)}\n`);
    }
    for (const r of outcome.rejected) {
      io.out(
        `  not listed: ${printable(r.dataset)} ${printable(r.version)}: ${
          r.reasons.map(printable).join("; ")
        } (kept as withheld; its version index stays reserved)\n`,
      );
    }
  }
  return outcome.rejected.length > 0 ? 1 : 0;
}
