/**
 * Command-line parsing on node:util parseArgs in strict mode, turning every
 * problem into a {@link UsageError} (exit code 2) with the command's usage.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";

/** Option declaration for one flag. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  help: string;
  valueName?: string;
}

/** A command: name, positionals, flags, help text. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional names, `[x]` for optional, `x...` for many. */
  positionals: string[];
  flags: Record<string, FlagSpec>;
}

/** Parsed arguments of a command. */
export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** The usage line of a command, e.g. `sdp diff <dataset> <version-a> <version-b> [options]`. */
export function usageLine(cmd: CommandSpec): string {
  return `sdp ${cmd.name} ${
    cmd.positionals.map((p) => p.startsWith("[") ? p : `<${p}>`).join(" ")
  } [options]`.replace(/\s+\[options\]$/, " [options]");
}

/** A command's options as printed by --help: `[left column, help]`, --help last. */
export function optionRows(cmd: CommandSpec): [string, string][] {
  const flags = Object.entries({
    ...cmd.flags,
    help: { type: "boolean", help: "Show this help" } as FlagSpec,
  });
  return flags.map(([name, f]) => [
    `${f.short ? `-${f.short}, ` : ""}--${name}${
      f.type === "string" ? ` ${f.valueName ?? "VALUE"}` : ""
    }`,
    f.help,
  ]);
}

/** Usage text of a command. */
export function commandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: ${usageLine(cmd)}`, "", cmd.summary, "", "Options:"];
  for (const [left, help] of optionRows(cmd)) lines.push(`  ${left}`.padEnd(30) + help);
  return lines.join("\n") + "\n";
}

/** Parse `args` for `cmd`; throws UsageError naming the problem. */
export function parseCommand(cmd: CommandSpec, args: string[]): Parsed {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, f] of Object.entries(cmd.flags)) {
    options[name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    const unknown = /^Unknown option '--([^'=]+)/.exec(msg)?.[1];
    const hint = unknown === undefined
      ? ""
      : didYouMean(unknown, [...Object.keys(cmd.flags), "help"], "--");
    throw new UsageError(`sdp ${cmd.name}: ${msg}.${hint} See 'sdp ${cmd.name} --help'`);
  }
  const values = parsed.values as Parsed["values"];
  if (values.help) return { positionals: parsed.positionals, values };
  const required = cmd.positionals.filter((p) => !p.startsWith("[") && !p.endsWith("..."));
  const many = cmd.positionals.some((p) => p.endsWith("..."));
  if (parsed.positionals.length < required.length) {
    throw new UsageError(
      `sdp ${cmd.name}: missing <${required[parsed.positionals.length]}>. Usage: sdp ${cmd.name} ${
        cmd.positionals.join(" ")
      }`,
    );
  }
  if (!many && parsed.positionals.length > cmd.positionals.length) {
    throw new UsageError(
      `sdp ${cmd.name}: unexpected argument "${
        parsed.positionals[cmd.positionals.length]
      }". Usage: sdp ${cmd.name} ${cmd.positionals.join(" ")}`,
    );
  }
  return { positionals: parsed.positionals, values };
}

/** A string flag's value, or `fallback`. */
export function str(p: Parsed, name: string, fallback?: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : fallback;
}

/** A positive integer flag (or undefined when absent). */
export function positiveInt(
  p: Parsed,
  name: string,
  cmd: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new UsageError(
      `sdp ${cmd}: --${name} must be a whole number between 1 and ${max}, got "${v}"`,
    );
  }
  return Number(v);
}
