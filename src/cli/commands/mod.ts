/**
 * Every sdp command, one file each: a file exports its `spec` (name,
 * arguments, options and summary, from which `--help` and docs/cli.md are
 * printed) and its `handle` function. A new command is a new file here plus
 * one line in {@link COMMANDS}.
 *
 * @module
 */
import type { CommandSpec, Parsed } from "../args.ts";
import type { Io } from "../io.ts";
import type { Command } from "../shared.ts";
import * as assemble from "./assemble.ts";
import * as compare from "./compare.ts";
import * as diff from "./diff.ts";
import * as fit from "./fit.ts";
import * as gc from "./gc.ts";
import * as ingest from "./ingest.ts";
import * as init from "./init.ts";
import * as list from "./list.ts";
import * as publish from "./publish.ts";
import * as registry from "./registry.ts";
import * as run from "./run.ts";
import * as verify from "./verify.ts";

interface CommandModule {
  spec: CommandSpec;
  handle(p: Parsed, io: Io): Promise<number>;
}

const MODULES: CommandModule[] = [
  run,
  list,
  init,
  verify,
  diff,
  registry,
  assemble,
  ingest,
  fit,
  compare,
  publish,
  gc,
];

/** All commands, in the order `sdp --help` lists them. */
export const COMMANDS: Command[] = MODULES.map((m) => ({ ...m.spec, run: m.handle }));

/** The specs alone (for docs/cli.md). */
export const COMMAND_SPECS: CommandSpec[] = MODULES.map((m) => m.spec);
