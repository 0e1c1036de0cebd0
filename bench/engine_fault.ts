/**
 * Reproduces the V8 fault that `--no-maglev-escape-analysis` (permissions.json)
 * works around: `deno task engine-fault [--runs N] [--rows N] [--without-fix]
 * [--v8=FLAGS]` (FLAGS comma-separated).
 *
 * Each run is a fresh `sdp run finance_transactions --workers 1` process
 * (the fault depends on when functions tier up, so it only shows in the first
 * chunks of a process), started with the release flags plus
 * `--concurrent-recompilation-delay=2` and without Deno's code cache, which
 * makes the timing that exposes it common (1 run in 12 to 1 run in 4
 * without the work-around on a 2-core machine: docs/engine-fault.md). The run's
 * own checks are the detectors: a part that contradicts itself ("profile
 * part of ... is inconsistent") or the footer cross-check ("footer ...
 * validated ...").
 * `--without-fix` drops the work-around flag, to show the fault is still
 * there (and so still worked around) after a Deno upgrade.
 *
 * @module
 */
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const FIX = "--no-maglev-escape-analysis";
const permissions = JSON.parse(await Deno.readTextFile(`${ROOT}/permissions.json`)) as {
  flags: string[];
};

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "20" },
    rows: { type: "string", default: "1000000" },
    "without-fix": { type: "boolean" },
    v8: { type: "string", default: "--concurrent-recompilation-delay=2" },
  },
});

/** The release flags with the source tree readable (workers load from it), V8 flags merged. */
function sdpFlags(withoutFix: boolean, extraV8: string): string[] {
  const v8: string[] = [];
  const out: string[] = [];
  for (const f of permissions.flags) {
    if (f.startsWith("--v8-flags=")) v8.push(...f.slice("--v8-flags=".length).split(","));
    else out.push(f === "--allow-read=." ? `--allow-read=.,${ROOT}/src` : f);
  }
  const flags = [...v8.filter((f) => !(withoutFix && f === FIX)), ...extraV8.split(",")]
    .filter((f) => f !== "");
  if (flags.length > 0) out.push(`--v8-flags=${flags.join(",")}`);
  return out;
}

const flags = sdpFlags(values["without-fix"] === true, values.v8);
const runs = Number(values.runs);
let faults = 0, otherFailures = 0;
console.log(`engine fault check: ${runs} runs, ${values.rows} rows, ${flags.at(-1)}`);
for (let i = 1; i <= runs; i++) {
  const cwd = await Deno.makeTempDir({ prefix: "sdp-engine-fault-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        // Compiling from source every time (no V8 code cache) keeps the timing that exposes it.
        "--no-code-cache",
        `--config=${ROOT}/deno.json`,
        ...flags,
        `${ROOT}/main.ts`,
        "run",
        "finance_transactions",
        "--rows",
        values.rows,
        "--run-id",
        "fault",
        "--workers",
        "1",
      ],
      cwd,
      env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) continue;
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const line = text.split("\n").find((l) =>
      /profile part of .* is inconsistent|row group \d+ column .*validated/.test(l)
    );
    if (line) faults++;
    else otherFailures++;
    console.log(`  run ${i}: ${line?.trim() ?? text.trim().split("\n").slice(-3).join(" | ")}`);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}
console.log(`${faults} of ${runs} runs had wrong profile parts; ${otherFailures} other failures`);
if (faults + otherFailures > 0) Deno.exit(1);
