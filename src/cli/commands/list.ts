/**
 * `sdp list`: datasets (built-in and in --datasets-dir) and their finalized
 * versions. A version whose finalization stopped before its registry entry was
 * written is settled first (listed once it verifies, with a note on stderr);
 * versions withheld by 'sdp registry rebuild' are shown apart.
 *
 * @module
 */
import { listDatasetNames } from "../../config/mod.ts";
import { listDirs } from "../../io/files.ts";
import { readRegistry, versionsOf, withheldOf } from "../../registry/mod.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import type { Io } from "../io.ts";
import { DIR_FLAGS, dirs } from "../shared.ts";

/** The `sdp list` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "list",
  summary: "List datasets (built-in and in --datasets-dir) and their finalized versions.",
  positionals: [],
  flags: { json: { type: "boolean", help: "Print JSON" }, ...DIR_FLAGS },
};

/** Text safe for a terminal: control characters (escape sequences) replaced. */
function clean(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/** Handle `sdp list`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const d = dirs(p);
  const names = await listDatasetNames(d.datasetsDir, listDirs);
  const reg = await readRegistry(d.registryFile, {
    pid: io.pid,
    notify: (l) => io.err(`${l}\n`),
  });
  for (const n of [...Object.keys(reg.datasets), ...Object.keys(reg.withheld ?? {})]) {
    if (!names.includes(n)) names.push(n);
  }
  names.sort();
  if (p.values.json) {
    io.out(
      JSON.stringify(
        names.map((n) => ({
          dataset: n,
          versions: versionsOf(reg, n),
          ...(withheldOf(reg, n).length > 0 ? { withheld: withheldOf(reg, n) } : {}),
        })),
        null,
        2,
      ) + "\n",
    );
    return 0;
  }
  const lines: string[] = [];
  for (const n of names) {
    const versions = versionsOf(reg, n);
    lines.push(`${clean(n)}  (${versions.length} version${versions.length === 1 ? "" : "s"})`);
    for (const v of versions) {
      lines.push(
        `  ${clean(v.version)}  ${v.row_count} rows  ${v.formats.join("+")}  ${
          v.content_hash.slice(0, 12)
        }`,
      );
    }
    for (const v of withheldOf(reg, n)) {
      lines.push(
        `  ${clean(v.version)}  WITHHELD (recorded ${v.content_hash.slice(0, 12)}): ${
          clean(v.withheld_because.join("; "))
        }`,
      );
    }
  }
  io.out(lines.join("\n") + "\n");
  return 0;
}
