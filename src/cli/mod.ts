/**
 * The sdp command-line interface: parses arguments, wires the Deno adapters
 * (clock, environment, files, logging, terminal) into the stages, prints
 * results on stdout and one clear message per error on stderr, and chooses
 * the exit code: 0 success, 1 data failed validation or an integrity
 * problem, 2 usage, config or input error.
 *
 * @module
 */
import { chunkCount } from "../data/mod.ts";
import { checkDatasetName, listDatasetNames, loadDataset } from "../config/mod.ts";
import {
  ConfigError,
  InputError,
  IntegrityError,
  UsageError,
  ValidationFailedError,
} from "../errors.ts";
import { listDirs, readTextIfExists } from "../io/files.ts";
import { formatSummary } from "../evaluate/mod.ts";
import { runGeneration as runDataset } from "../parallel/mod.ts";
import type { OutputFormat } from "../pipeline/mod.ts";
import { readRegistry, versionsOf } from "../registry/mod.ts";
import { checkVersionId, DETERMINISM_CONTRACT, versionFromTime } from "../version/mod.ts";
import { SDP_VERSION } from "../version/build.ts";
import { commandHelp, parseCommand, positiveInt, str } from "./args.ts";
import { EXTRA_COMMANDS } from "./commands.ts";
import { INGEST_PUBLISH_COMMANDS } from "./ingest_publish.ts";
import { runShard, SHARD_COMMANDS } from "./shard_commands.ts";
import { checkAccess, type Io } from "./io.ts";
import {
  type Command,
  DIR_FLAGS,
  dirs,
  makeLogger,
  runEnvironment,
  workerCount,
} from "./shared.ts";

export type { Io } from "./io.ts";

const runCommand: Command = {
  name: "run",
  summary:
    "Generate, validate, evaluate and finalize a new version of a dataset, then record it in the registry.",
  positionals: ["dataset"],
  flags: {
    "run-id": {
      type: "string",
      help: "Version id (default: UTC now as YYYY-MM-DDTHH-MM-SSZ)",
      valueName: "ID",
    },
    rows: { type: "string", help: "Override dataset.yaml row_count", valueName: "N" },
    format: { type: "string", help: "parquet (default), csv or both", valueName: "FMT" },
    workers: {
      type: "string",
      help:
        "Generate/encode/validate workers (default: SDP_WORKERS, else CPU cores, one per 24 chunks at most)",
      valueName: "N",
    },
    shard: {
      type: "string",
      help: "Generate only shard i of n (e.g. 2/5) into --parts-dir",
      valueName: "I/N",
    },
    "parts-dir": {
      type: "string",
      help: "Where --shard writes its part and manifest",
      valueName: "DIR",
    },
    "version-index": {
      type: "string",
      help:
        "With --shard: the version's position among the dataset's versions (default: local registry)",
      valueName: "N",
    },
    "allow-missing-prior": {
      type: "boolean",
      help:
        "Run without a prior when the prior version is missing or corrupt (recorded in the report)",
    },
    readback: {
      type: "boolean",
      help:
        "Validate and profile by decoding data.parquet again, not in the workers (slower; same reports)",
    },
    ...DIR_FLAGS,
  },
  async run(p, io) {
    const [name] = p.positionals;
    const nameProblem = checkDatasetName(name);
    if (nameProblem) throw new UsageError(`sdp run: ${nameProblem}`);
    if (p.values.shard !== undefined || p.values["parts-dir"] !== undefined) {
      return await runShard(p, io);
    }
    if (p.values["version-index"] !== undefined) {
      throw new UsageError("sdp run: --version-index is only for --shard runs");
    }
    const version = str(p, "run-id") ?? versionFromTime(io.now());
    const idProblem = checkVersionId(version);
    if (idProblem) throw new UsageError(`sdp run: --run-id "${printable(version)}": ${idProblem}`);
    const format = str(p, "format", "parquet") as OutputFormat;
    if (!["parquet", "csv", "both"].includes(format)) {
      throw new UsageError(`sdp run: --format must be parquet, csv or both, got "${format}"`);
    }
    const rows = positiveInt(p, "rows", "run");
    const d = dirs(p);
    checkAccess(d.datasetsDir, "read", "--datasets-dir");
    checkAccess(d.runsDir, "write", "--runs-dir");
    checkAccess(d.registryFile, "write", "--registry");
    const spec = await loadDataset(name, {
      datasetsDir: d.datasetsDir,
      readText: readTextIfExists,
    });
    const workers = workerCount(p, io, "run", { chunks: chunkCount(rows ?? spec.rowCount) });
    const log = makeLogger(io, { dataset: name, version });
    const result = await runDataset(spec, {
      version,
      rows,
      format,
      workers,
      runsDir: d.runsDir,
      registryFile: d.registryFile,
      allowMissingPrior: p.values["allow-missing-prior"] === true,
      readBack: p.values.readback === true,
    }, runEnvironment(io, log));
    io.out(
      `Finalized ${result.dataset} ${result.version}: ${result.rows} rows in ${result.path}\n` +
        `content hash ${result.final.content_hash}\n` +
        formatSummary(result.evaluation),
    );
    return 0;
  },
};

const listCommand: Command = {
  name: "list",
  summary: "List datasets (built-in and in --datasets-dir) and their finalized versions.",
  positionals: [],
  flags: { json: { type: "boolean", help: "Print JSON" }, ...DIR_FLAGS },
  async run(p, io) {
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
  },
};

/** All commands, by name. */
export const COMMANDS: Command[] = [
  runCommand,
  listCommand,
  ...EXTRA_COMMANDS,
  ...SHARD_COMMANDS,
  ...INGEST_PUBLISH_COMMANDS,
];

function printable(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 140);
}

function mainHelp(): string {
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
    "",
    "Exit codes: 0 success, 1 validation or integrity failure, 2 usage or config error.",
  ];
  return lines.join("\n") + "\n";
}

/** Run the CLI with `args`; returns the exit code. Never throws. */
export async function main(args: string[], io: Io): Promise<number> {
  try {
    if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
      if (args[0] === "help" && args[1]) return await main([args[1], "--help"], io);
      io.out(mainHelp());
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
        `unknown command "${printable(args[0])}"; commands: ${
          COMMANDS.map((c) => c.name).join(", ")
        }. See 'sdp --help'`,
      );
    }
    const parsed = parseCommand(cmd, args.slice(1));
    makeLogger(io); // rejects bad SDP_LOGGING_ENABLED / SDP_LOG_LEVEL values for every command
    if (parsed.values.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(parsed, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** Print one clear line (or block) for an error and return its exit code. */
export function reportError(err: unknown, io: Io): number {
  const line = (m: string) => io.err(m.startsWith("sdp ") ? `${m}\n` : `sdp: ${m}\n`);
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InputError) {
    line(err.message);
    return 2;
  }
  if (err instanceof ValidationFailedError || err instanceof IntegrityError) {
    line(err.message);
    return 1;
  }
  if (err instanceof Deno.errors.NotCapable) {
    const path = /"([^"]+)"/.exec(err.message)?.[1];
    io.err(
      `sdp: no permission to access ${
        path ? `"${path}"` : "a path outside the working directory"
      }: ` +
        "sdp reads and writes only inside the working directory. Run it from a folder that contains " +
        "your datasets/runs/registry, or pass relative --datasets-dir, --runs-dir and --registry paths.\n",
    );
    return 2;
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    io.err(`sdp: the operating system denied access: ${(err as Error).message}\n`);
    return 1;
  }
  const e = err as Error;
  io.err(
    `sdp: internal error: ${e?.message ?? String(err)}${
      e?.cause ? ` (cause: ${(e.cause as Error).message})` : ""
    }\n`,
  );
  return 1;
}
