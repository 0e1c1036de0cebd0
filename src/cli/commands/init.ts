/**
 * `sdp init <name>`: scaffold datasets/<name>/ with commented configs.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import { scaffoldDataset } from "../../generate/mod.ts";
import { exists } from "../../io/files.ts";
import type { CommandSpec, Parsed } from "../args.ts";
import { checkAccess, type Io } from "../io.ts";
import { checkName, DIR_FLAGS, dirs } from "../shared.ts";

/** The `sdp init` command: arguments and options, from which --help and docs/cli.md are printed. */
export const spec: CommandSpec = {
  name: "init",
  summary: "Scaffold datasets/<name>/ with commented dataset.yaml, schema.yaml and evolution.yaml.",
  positionals: ["name"],
  flags: { "datasets-dir": DIR_FLAGS["datasets-dir"] },
};

/** Handle `sdp init`; returns the exit code. */
export async function handle(p: Parsed, io: Io): Promise<number> {
  const [name] = p.positionals;
  checkName("init", name);
  const dir = `${dirs(p).datasetsDir}/${name}`;
  checkAccess(io, dir, "write", "--datasets-dir");
  if (await exists(dir)) {
    throw new UsageError(`sdp init: ${dir} already exists; choose another name or remove it`);
  }
  const files = scaffoldDataset(name);
  await io.mkdir(dir);
  for (const [file, text] of Object.entries(files)) {
    await io.writeNewTextFile(`${dir}/${file}`, text);
  }
  io.out(`Created ${dir}/ (dataset.yaml, schema.yaml, evolution.yaml). Next: sdp run ${name}\n`);
  io.out(await kaggleHint(io));
  return 0;
}

/**
 * `sdp publish` suggests credentials in `./.kaggle` (sdp reads only inside
 * the working directory), so in a git working tree `.kaggle/` is added to
 * `.gitignore` (once) before anyone puts a key there.
 */
async function kaggleHint(io: Io): Promise<string> {
  const hint = "To publish: put kaggle.json in ./.kaggle and set KAGGLE_CONFIG_DIR=./.kaggle";
  const inGit = (await exists(".git")) || (await exists(".gitignore"));
  if (!inGit || !io.granted({ name: "write", path: ".gitignore" })) {
    return `${hint} (keep .kaggle/ out of version control).\n`;
  }
  const current = (await exists(".gitignore")) ? await io.readTextFile(".gitignore") : "";
  const listed = current.split(/\r?\n/).some((l) => /^\/?\.kaggle\/?\s*$/.test(l));
  if (listed) return `${hint} (.gitignore already lists .kaggle/).\n`;
  const sep = current === "" || current.endsWith("\n") ? "" : "\n";
  await io.appendTextFile(".gitignore", `${sep}# Kaggle credentials (sdp publish)\n.kaggle/\n`);
  return `${hint}; added .kaggle/ to .gitignore so the key stays out of git.\n`;
}
