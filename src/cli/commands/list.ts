/**
 * `sdp list`: datasets (built-in and in --datasets-dir) and their finalized versions.
 *
 * @module
 */
import { listDatasetNames } from "../../config/mod.ts";
import { listDirs } from "../../io/files.ts";
import { readRegistry, versionsOf } from "../../registry/mod.ts";
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

/** Handle `sdp list`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const d = dirs(p);
  const names = await listDatasetNames(d.datasetsDir, listDirs);
  const reg = await readRegistry(d.registryFile);
  for (const n of Object.keys(reg.datasets)) if (!names.includes(n)) names.push(n);
  names.sort();
  if (p.values.json) {
    io.out(
      JSON.stringify(
        names.map((n) => ({ dataset: n, versions: versionsOf(reg, n) })),
        null,
        2,
      ) + "\n",
    );
    return 0;
  }
  const lines: string[] = [];
  for (const n of names) {
    const versions = versionsOf(reg, n);
    lines.push(`${n}  (${versions.length} version${versions.length === 1 ? "" : "s"})`);
    for (const v of versions) {
      lines.push(
        `  ${v.version}  ${v.row_count} rows  ${v.formats.join("+")}  ${
          v.content_hash.slice(0, 12)
        }`,
      );
    }
  }
  io.out(lines.join("\n") + "\n");
  return 0;
}
