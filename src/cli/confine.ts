/**
 * The one place where the CLI confines paths to the working directory (see
 * src/io/sandbox.ts for the rule). {@link main} calls {@link confineCommand}
 * before any command runs, with every path the command may read or write:
 * the datasets, runs and registry locations (given or default), every
 * `DIR`/`FILE` flag, and a `file` argument. A new command's path flags are
 * covered by declaring them with `valueName: "DIR"` or `"FILE"`.
 *
 * @module
 */
import { checkDatasetName } from "../config/mod.ts";
import type { Sandbox } from "../io/sandbox.ts";
import { listFiles } from "../io/files.ts";
import type { CommandSpec, Parsed } from "./args.ts";
import { dirs } from "./shared.ts";

/** Flags handled with their defaults below rather than as plain path flags. */
const DIR_FLAG_NAMES = new Set(["datasets-dir", "runs-dir", "registry"]);

/**
 * Refuse (with a {@link SandboxError}) any path `cmd` would use that resolves
 * outside the sandbox's root. For a named dataset only its own folders are
 * walked (datasets/<name>/, runs/<name>/); otherwise the whole folders.
 */
export async function confineCommand(
  cmd: CommandSpec,
  p: Parsed,
  sandbox: Sandbox,
): Promise<void> {
  const name = datasetName(cmd, p);
  const flags = cmd.flags;
  if ("datasets-dir" in flags || "runs-dir" in flags || "registry" in flags) {
    const d = dirs(p);
    if ("datasets-dir" in flags) {
      await nameTree(sandbox, d.datasetsDir, name, "--datasets-dir");
    }
    if ("runs-dir" in flags) await nameTree(sandbox, d.runsDir, name, "--runs-dir");
    if ("registry" in flags) await registryFiles(sandbox, d.registryFile);
  }
  for (const [flag, spec] of Object.entries(flags)) {
    const kind = spec.valueName === "DIR"
      ? "dir"
      : spec.valueName === "FILE"
      ? "file"
      : spec.valueName?.endsWith("=FILE")
      ? "keyed"
      : undefined;
    if (DIR_FLAG_NAMES.has(flag) || kind === undefined) continue;
    const v = p.values[flag];
    const values = typeof v === "string" ? [v] : Array.isArray(v) ? v : [];
    for (const value of values) {
      if (kind === "dir") await sandbox.checkTree(value, `--${flag}`);
      else if (kind === "file") await sandbox.check(value, `--${flag}`);
      // `--table orders=orders.csv`: the path after the first `=` (a malformed value is the
      // command's to refuse).
      else if (value.includes("=")) {
        await sandbox.check(value.slice(value.indexOf("=") + 1), `--${flag}`);
      }
    }
  }
  // `file`, `[file]` or `file|dataset@version`: a reference that is not a path resolves
  // inside the working directory like any name of a file that does not exist.
  const fileAt = cmd.positionals.findIndex((x) =>
    x.replace(/^\[|\]$/g, "").split("|").includes("file")
  );
  if (fileAt >= 0 && p.positionals[fileAt] !== undefined) {
    await sandbox.check(p.positionals[fileAt], "input file");
  }
}

/** The dataset a command works on, when it names a valid one. */
function datasetName(cmd: CommandSpec, p: Parsed): string | undefined {
  const at = cmd.positionals.findIndex((x) => x === "dataset" || x === "name");
  const name = at >= 0
    ? p.positionals[at]
    : typeof p.values.dataset === "string"
    ? p.values.dataset
    : undefined;
  // An invalid name is the command's to refuse, with its own message.
  return name !== undefined && checkDatasetName(name) === undefined ? name : undefined;
}

async function nameTree(
  sandbox: Sandbox,
  dir: string,
  name: string | undefined,
  flag: string,
): Promise<void> {
  if (name === undefined) return await sandbox.checkTree(dir, flag);
  await sandbox.check(dir, flag);
  await sandbox.checkTree(`${dir}/${name}`, flag);
}

/** The registry file, its folder, and its lock, temporary and set-aside files. */
async function registryFiles(sandbox: Sandbox, file: string): Promise<void> {
  const cut = file.lastIndexOf("/");
  const dir = cut < 0 ? "." : cut === 0 ? "/" : file.slice(0, cut);
  const base = file.slice(cut + 1);
  await sandbox.check(dir, "--registry folder");
  await sandbox.check(file, "--registry");
  await sandbox.check(`${file}.lock`, "--registry lock");
  let names: string[] = [];
  try {
    names = await listFiles(dir);
  } catch {
    return; // a missing folder is created inside the root (checked above)
  }
  for (const n of names) {
    if (n.startsWith(`${base}.`)) await sandbox.check(`${dir}/${n}`, "--registry");
  }
}
