/**
 * The sdp command-line interface: parses arguments, wires the Deno adapters
 * (clock, environment, files, logging, terminal) into the stages, prints
 * results on stdout and one clear message per error on stderr, and chooses
 * the exit code: 0 success, 1 data failed validation or an integrity
 * problem, 2 usage, config or input error, 3 drift at or above `--fail-on`
 * (chosen by the command after finalizing, see gate.ts).
 *
 * @module
 */
import {
  boundMessage,
  ConfigError,
  InputError,
  IntegrityError,
  StorageError,
  UsageError,
  ValidationFailedError,
} from "../errors.ts";
import { DETERMINISM_CONTRACT } from "../version/mod.ts";
import { SDP_VERSION } from "../version/build.ts";
import { commandHelp, parseCommand } from "./args.ts";
import { confineCommand } from "./confine.ts";
import { COMMANDS } from "./commands/mod.ts";
import { type Io, isNotCapable, isPermissionDenied } from "./io.ts";
import { makeLogger, printable } from "./shared.ts";
import { didYouMean } from "../suggest.ts";

export { COMMANDS } from "./commands/mod.ts";
export type { Io } from "./io.ts";

/** The text of `sdp --help`. */
export function mainHelp(): string {
  const lines = [
    "sdp: the Synthetic Data Platform",
    "",
    "Usage: sdp <command> [arguments] [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`),
    "",
    "Options:",
    "  -h, --help      Show help (also: sdp <command> --help)",
    "  -V, --version   Show the sdp, Deno and determinism contract versions",
    "  --log-format F  json or human (default: human on a terminal, else json; also SDP_LOG_FORMAT)",
    "",
    "Exit codes: 0 success, 1 validation or integrity failure, 2 usage or config error,",
    "3 drift at or above --fail-on (the version is finalized).",
  ];
  return lines.join("\n") + "\n";
}

/**
 * Take the global `--log-format json|human` out of `args` (anywhere after the
 * command); it then reads as SDP_LOG_FORMAT through `io.env`.
 */
function takeLogFormat(args: string[], io: Io): { args: string[]; io: Io } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a === "--log-format") {
      if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
        throw new UsageError("--log-format needs a value: json or human");
      }
      value = args[++i];
    } else if (a.startsWith("--log-format=")) value = a.slice("--log-format=".length);
    else rest.push(a);
  }
  if (value === undefined) return { args, io };
  const v = value;
  return { args: rest, io: { ...io, env: (name) => name === "SDP_LOG_FORMAT" ? v : io.env(name) } };
}

/** Run the CLI with `args`; returns the exit code. Never throws. */
export async function main(argv: string[], ioIn: Io): Promise<number> {
  let io = ioIn;
  try {
    const taken = takeLogFormat(argv, ioIn);
    io = taken.io;
    const args = taken.args;
    if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
      if (args[0] === "help" && args[1]) return await main([args[1], "--help"], io);
      // Without arguments it is a usage error: the usage goes to stderr, exit 2.
      if (args.length === 0) io.err(mainHelp());
      else io.out(mainHelp());
      return args.length === 0 ? 2 : 0;
    }
    if (args[0] === "--version" || args[0] === "-V") {
      io.out(
        `sdp ${SDP_VERSION} (deno ${io.denoVersion}, determinism contract ${DETERMINISM_CONTRACT})\n`,
      );
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === args[0]);
    if (!cmd) {
      throw new UsageError(
        `unknown command "${printable(args[0])}".${
          didYouMean(args[0], COMMANDS.map((c) => c.name))
        } Commands: ${COMMANDS.map((c) => c.name).join(", ")}. See 'sdp --help'`,
      );
    }
    const parsed = parseCommand(cmd, args.slice(1));
    makeLogger(io); // rejects bad SDP_LOGGING_ENABLED / SDP_LOG_LEVEL values for every command
    if (parsed.values.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    if (io.sandbox) await confineCommand(cmd, parsed, io.sandbox);
    return await cmd.run(parsed, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/**
 * Print one clear line (or block) for an error and return its exit code.
 * Every message is bounded ({@link boundMessage}: quoted values shortened,
 * control characters escaped, at most 4 KiB), whatever the error quotes.
 */
function reportError(err: unknown, io: Io): number {
  const print = (m: string) => io.err(`${boundMessage(m)}\n`);
  const line = (m: string) => print(m.startsWith("sdp ") ? m : `sdp: ${m}`);
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InputError) {
    line(err.message);
    return 2;
  }
  if (
    err instanceof ValidationFailedError || err instanceof IntegrityError ||
    err instanceof StorageError
  ) {
    line(err.message);
    return 1;
  }
  if (isNotCapable(err)) {
    const path = /"([^"]+)"/.exec(err.message)?.[1];
    print(
      `sdp: no permission to access ${
        path ? `"${path}"` : "a path outside the working directory"
      }: ` +
        "sdp reads and writes only inside the working directory. Run it from a folder that contains " +
        "your datasets/runs/registry, or pass relative --datasets-dir, --runs-dir and --registry paths.",
    );
    return 2;
  }
  if (isPermissionDenied(err)) {
    print(`sdp: the operating system denied access: ${(err as Error).message}`);
    return 1;
  }
  const e = err as Error;
  print(
    `sdp: internal error: ${e?.message ?? String(err)}${
      e?.cause ? ` (cause: ${(e.cause as Error).message})` : ""
    }`,
  );
  return 1;
}
