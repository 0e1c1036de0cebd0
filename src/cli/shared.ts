/**
 * Pieces shared by the CLI commands: folder flags, logger, runtime facts.
 */
import { checkDatasetName } from "../config/mod.ts";
import { listDirs } from "../io/files.ts";
import { type Registry, versionsOf, withheldOf } from "../registry/mod.ts";
import { didYouMean } from "../suggest.ts";
import { escapeControls, MESSAGE_BYTES, UsageError } from "../errors.ts";
import {
  humanLogger,
  jsonLogger,
  logFormat,
  type Logger,
  loggerSettings,
  silentLogger,
} from "../log/mod.ts";
import { SDP_VERSION } from "../version/build.ts";
import { checkVersionId, DETERMINISM_CONTRACT } from "../version/mod.ts";
import { type CommandSpec, type FlagSpec, type Parsed, positiveInt, str } from "./args.ts";
import { type Io, progressReporter } from "./io.ts";
import { defaultWorkers } from "./warm_start.ts";
import type { RunEnvironment } from "../pipeline/mod.ts";

export { CHUNKS_PER_WORKER } from "./warm_start.ts";

/** Folder flags shared by most commands. */
export const DIR_FLAGS: Record<"datasets-dir" | "runs-dir" | "registry", FlagSpec> = {
  "datasets-dir": {
    type: "string",
    help: "Dataset configs folder (default ./datasets)",
    valueName: "DIR",
  },
  "runs-dir": { type: "string", help: "Runs folder (default ./runs)", valueName: "DIR" },
  registry: {
    type: "string",
    help: "Registry file (default ./registry/datasets.json)",
    valueName: "FILE",
  },
};

/** A command with its handler. */
export interface Command extends CommandSpec {
  run(p: Parsed, io: Io): Promise<number>;
}

/** Default locations, relative to the working directory. */
export interface Dirs {
  datasetsDir: string;
  runsDir: string;
  registryFile: string;
}

/** Resolve the folder flags shared by most commands. */
export function dirs(p: Parsed): Dirs {
  return {
    datasetsDir: trimSlash(str(p, "datasets-dir", "datasets")!),
    runsDir: trimSlash(str(p, "runs-dir", "runs")!),
    registryFile: str(p, "registry", "registry/datasets.json")!,
  };
}

function trimSlash(s: string): string {
  return s.length > 1 ? s.replace(/\/+$/, "") : s;
}

/** Build the logger from SDP_LOGGING_ENABLED / SDP_LOG_LEVEL / SDP_LOG_FORMAT (or --log-format). */
export function makeLogger(io: Io, context: Record<string, unknown> = {}): Logger {
  const settings = loggerSettings({
    enabled: io.env("SDP_LOGGING_ENABLED"),
    level: io.env("SDP_LOG_LEVEL"),
  });
  if (typeof settings === "string") throw new UsageError(settings);
  if (!settings.enabled) return silentLogger;
  const format = logFormat(io.env("SDP_LOG_FORMAT"), io.isTerminal);
  if (format !== "json" && format !== "human") {
    throw new UsageError(`SDP_LOG_FORMAT or --log-format: ${format}`);
  }
  if (format === "human") {
    return humanLogger({ level: settings.level, write: (line) => io.err(line) });
  }
  const write = (line: string) => io.err(boundLogLine(line));
  return jsonLogger({ level: settings.level, now: io.now, write, context });
}

/**
 * A JSON log line whose long string values (an error message quoting a file,
 * a hostile name) are cut to a short excerpt, so a log line stays bounded and
 * still parses. Short lines pass unchanged.
 */
export function boundLogLine(line: string): string {
  if (line.length <= MESSAGE_BYTES) return line;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return `${printable(line, MESSAGE_BYTES)}\n`;
  }
  const cut = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.length > 300 ? `${v.slice(0, 300)}… (${v.length - 300} more chars)` : v;
    }
    if (Array.isArray(v)) {
      return v.length > 50 ? [...v.slice(0, 50).map(cut), `… (${v.length - 50} more)`] : v.map(cut);
    }
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).slice(0, 100).map(([k, x]) => [k, cut(x)]));
    }
    return v;
  };
  return `${JSON.stringify(cut(record))}\n`;
}

/** Facts about the program for run_metadata.json and --version. */
function runtimeFacts(io: Io): Record<string, string> {
  return {
    sdp: SDP_VERSION,
    deno: io.denoVersion,
    os: io.os,
    determinism_contract: String(DETERMINISM_CONTRACT),
  };
}

/**
 * `--workers N`, else SDP_WORKERS, else the machine's cores (1 to 64), but no
 * more than one per {@link CHUNKS_PER_WORKER} chunks when `chunks` is given.
 */
export function workerCount(
  p: Parsed,
  io: Io,
  cmd: string,
  options: { chunks?: number } = {},
): number {
  const flag = positiveInt(p, "workers", cmd, 64);
  if (flag !== undefined) return flag;
  const env = io.env("SDP_WORKERS");
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env) || Number(env) < 1 || Number(env) > 64) {
      throw new UsageError(`SDP_WORKERS must be a whole number between 1 and 64, got "${env}"`);
    }
    return Number(env);
  }
  // Bytes never depend on the worker count.
  return defaultWorkers(io.cores, options.chunks);
}

/** The run environment of this process: clock, pid, attempt token, logger, progress, facts. */
export function runEnvironment(io: Io, log: Logger, token: string = io.token()): RunEnvironment {
  return {
    now: io.now,
    pid: io.pid,
    token,
    log,
    progress: progressReporter(io),
    runtime: runtimeFacts(io),
  };
}

/**
 * A value safe to echo in a message (an id, a name, a slug, a path): control
 * characters, C1 codes and bidi overrides shown escaped (`\x1b`, `\u202e`),
 * at most `max` characters. The process's output is escaped once more at
 * its choke point (terminalSafe in io.ts); this keeps in-process output safe too.
 */
export function printable(s: string, max = 140): string {
  const safe = escapeControls(s, { keepLayout: false });
  return safe.length <= max ? safe : `${safe.slice(0, max)}… (${safe.length - max} more chars)`;
}

/** UsageError when `name` is not a valid dataset name. */
export function checkName(cmd: string, name: string): void {
  const problem = checkDatasetName(name);
  if (problem) throw new UsageError(`sdp ${cmd}: ${problem}`);
}

/** UsageError when `v` is not a valid version id. */
export function checkVersion(cmd: string, v: string): void {
  const problem = checkVersionId(v);
  if (problem) throw new UsageError(`sdp ${cmd}: version "${v}": ${problem}`);
}

/**
 * UsageError (exit 2) when `dataset`, or `version` of it, exists neither as a
 * folder under `runsDir` nor in the registry `reg`: the message names what
 * exists and the nearest name when it looks like a typo.
 */
export async function requireExisting(
  cmd: string,
  names: { dataset: string; versions?: readonly string[] },
  where: { runsDir: string; reg: Registry },
): Promise<void> {
  const { dataset } = names;
  const { runsDir, reg } = where;
  const folders = (await listDirs(runsDir)).filter((n) => checkDatasetName(n) === undefined);
  const datasets = [...new Set([...folders, ...Object.keys(reg.datasets)])].sort();
  if (!datasets.includes(dataset)) {
    throw new UsageError(
      `sdp ${cmd}: no dataset "${printable(dataset)}" in ${runsDir} or the registry (${
        datasets.length === 0 ? "there are none yet" : `datasets: ${datasets.join(", ")}`
      }).${didYouMean(dataset, datasets)}`,
    );
  }
  const versions = [
    ...new Set([
      ...(await listDirs(`${runsDir}/${dataset}`)).filter((n) => checkVersionId(n) === undefined),
      ...versionsOf(reg, dataset).map((v) => v.version),
      ...withheldOf(reg, dataset).map((v) => v.version),
    ]),
  ].sort();
  for (const v of names.versions ?? []) {
    if (versions.includes(v)) continue;
    const shown = versions.length > 12
      ? `${versions.slice(-12).join(", ")} and ${versions.length - 12} older`
      : versions.join(", ");
    throw new UsageError(
      `sdp ${cmd}: ${dataset} has no version "${printable(v)}" (${
        versions.length === 0 ? "no finalized versions" : `versions: ${shown}`
      }).${didYouMean(v, versions)}`,
    );
  }
}
