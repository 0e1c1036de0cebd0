/**
 * `sdp gc`: list, and with --yes remove, what runs leave behind: failed
 * attempts kept in `<dataset>/_failed/` (full data files, for inspection) and
 * staging folders of interrupted runs (`.staging-*`, `.reproduce-*`, e.g.
 * after Ctrl-C). Staging folders younger than STALE_AFTER_MS may belong to a
 * run in progress: they are listed but only removed with --include-recent.
 * Finalized versions and the registry are never touched.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import {
  findLeftovers,
  type Leftover,
  removeLeftover,
  STALE_AFTER_MS,
} from "../../integrity/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import type { Io } from "../io.ts";
import { checkName, DIR_FLAGS, dirs, printable } from "../shared.ts";

/** The `sdp gc` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "gc",
  summary:
    "List (default) or remove (--yes) failed attempts and staging leftovers of interrupted runs.",
  positionals: ["[dataset]"],
  flags: {
    "dry-run": { type: "boolean", help: "Only list what would be removed (the default)" },
    yes: { type: "boolean", short: "y", help: "Remove what is listed" },
    "include-recent": {
      type: "boolean",
      help: "Also remove staging folders younger than 6 hours (only when no run is active)",
    },
    json: { type: "boolean", help: "Print JSON" },
    "runs-dir": DIR_FLAGS["runs-dir"],
  },
};

/** Bytes for people: B, KiB, MiB, GiB with one decimal. */
export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Handle `sdp gc`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [dataset] = p.positionals;
  if (dataset !== undefined) checkName("gc", dataset);
  if (p.values.yes && p.values["dry-run"]) {
    throw new UsageError("sdp gc: give --yes or --dry-run, not both");
  }
  const d = dirs(p);
  const all = (await findLeftovers(d.runsDir, io.now()))
    .filter((l) => dataset === undefined || l.dataset === dataset);
  const removable = (l: Leftover) =>
    l.kind === "failed" || l.age_ms >= STALE_AFTER_MS || p.values["include-recent"] === true;
  const remove = p.values.yes === true;
  const removed: Leftover[] = [];
  for (const l of all) {
    if (remove && removable(l)) {
      await removeLeftover(l.path);
      removed.push(l);
    }
  }
  const total = all.reduce((a, l) => a + l.bytes, 0);
  const freed = removed.reduce((a, l) => a + l.bytes, 0);
  if (p.values.json) {
    io.out(
      JSON.stringify(
        {
          leftovers: all.map((l) => ({ ...l, removed: removed.includes(l) })),
          bytes: total,
          freed,
        },
        null,
        2,
      ) + "\n",
    );
    return 0;
  }
  if (all.length === 0) {
    io.out(`Nothing to collect under ${d.runsDir}.\n`);
    return 0;
  }
  for (const l of all) {
    const state = removed.includes(l)
      ? "removed"
      : removable(l)
      ? (remove ? "kept" : "would remove")
      : "kept (recent: a run may be active; --include-recent)";
    io.out(
      `${l.kind === "failed" ? "failed attempt " : "staging leftover"}  ${
        humanBytes(l.bytes).padStart(10)
      }  ${printable(l.path)}  ${state}\n`,
    );
  }
  io.out(
    remove
      ? `Removed ${removed.length} of ${all.length}, freed ${humanBytes(freed)}.\n`
      : `${all.length} leftover(s), ${humanBytes(total)}. Remove with 'sdp gc --yes'.\n`,
  );
  return 0;
}
