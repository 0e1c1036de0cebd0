/**
 * sdp benchmark: `deno task bench` (= deno run --allow-all bench/bench.ts).
 *
 * Runs, alternating the order of the cases in every round, at 1M and 10M rows:
 *   - sdp      `sdp run finance_transactions` end to end (generate + encode,
 *              validate the data as written, profile, evaluate, hash, finalize),
 *              default workers (cores, at most one per 24 chunks) and `--workers 1`;
 *   - duckdb   the same columns generated with SQL and COPY ... TO parquet (ZSTD), in
 *              each form of bench/duckdb_gen.ts: `duckdb-range` (FROM range(N), which
 *              DuckDB runs on one thread), `duckdb-table` (an id table first, so every
 *              core works) and `duckdb-unordered` (the same with
 *              preserve_insertion_order = false; rows not in id order);
 *   - faker    a faker-js row-oriented baseline written through parquet-wasm.
 * Every run is a fresh process in a fresh folder, timed by wall clock, peak RSS
 * from /usr/bin/time (%M). Prints medians, min-max, peak RSS and the ratios; the
 * sdp / DuckDB ratio is taken against the DuckDB form with the lowest median.
 *
 * sdp runs from source with the release permission flags, plus read access to
 * src/ so that the encoder workers can load (a compiled binary embeds them).
 *
 * Options:
 *   --quick            1M rows only, 3 rounds (development)
 *   --runs N           rounds per size (default 5)
 *   --sizes A,B        row counts (default 1000000,10000000)
 *   --faker-runs N     rounds of the faker case at >= 10M rows (default: --runs)
 *   --no-faker         skip the faker baseline
 *   --huge             also run sdp once at 100M rows (RSS check)
 *   --out FILE         JSON results (default bench/out/latest.json)
 */
import { parseArgs } from "node:util";
import { ROOT, sdpFlags } from "./common.ts";

const SDP_FLAGS = await sdpFlags();

const { values } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    runs: { type: "string" },
    sizes: { type: "string" },
    "faker-runs": { type: "string" },
    "no-faker": { type: "boolean" },
    huge: { type: "boolean" },
    out: { type: "string" },
  },
});
const runs = Number(values.runs ?? (values.quick ? 3 : 5));
const sizes = values.quick
  ? [1_000_000]
  : (values.sizes ?? "1000000,10000000").split(",").map(Number);
const fakerRuns = Number(values["faker-runs"] ?? runs);

interface Sample {
  seconds: number;
  rssMB: number;
  stages?: Record<string, number>;
}

const DUCKDB_FORMS = ["range", "table", "unordered"] as const;
type DuckdbCase = `duckdb-${typeof DUCKDB_FORMS[number]}`;
type CaseName = "sdp" | "sdp-w1" | DuckdbCase | "faker";
const DUCKDB_CASES: DuckdbCase[] = DUCKDB_FORMS.map((f) => `duckdb-${f}` as const);

async function timed(cmd: string[], cwd: string, env: Record<string, string> = {}) {
  const timeFile = `${cwd}/.time`;
  const t0 = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", "-o", timeFile, ...cmd],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  const kb = Number((await Deno.readTextFile(timeFile)).trim().split("\n").pop());
  const failed = out.success
    ? undefined
    : `${cmd.join(" ")} failed:\n${dec.decode(out.stderr)}${dec.decode(out.stdout)}`;
  return { seconds, rssMB: kb / 1024, stdout: dec.decode(out.stdout), failed };
}

async function runCase(name: CaseName, rows: number): Promise<Sample> {
  const cwd = await Deno.makeTempDir({ prefix: `sdp-bench-${name}-` });
  let keep = false;
  try {
    const deno = Deno.execPath();
    if (name === "sdp" || name === "sdp-w1") {
      const r = await timed(
        [
          deno,
          "run",
          "--quiet",
          `--config=${ROOT}/deno.json`,
          ...SDP_FLAGS,
          `${ROOT}/main.ts`,
          "run",
          "finance_transactions",
          "--rows",
          String(rows),
          "--run-id",
          "bench",
          ...(name === "sdp-w1" ? ["--workers", "1"] : []),
        ],
        cwd,
        { SDP_LOGGING_ENABLED: "false" },
      );
      if (r.failed) {
        // Kept for the post-mortem: the run's reports (runs/<dataset>/_failed/...).
        keep = true;
        throw new Error(`${r.failed} (run folder kept: ${cwd})`);
      }
      const meta = JSON.parse(
        await Deno.readTextFile(`${cwd}/runs/finance_transactions/bench/run_metadata.json`),
      );
      return { seconds: r.seconds, rssMB: r.rssMB, stages: meta.stage_durations_ms };
    }
    const duckdb = name.startsWith("duckdb-");
    const script = duckdb ? "duckdb_gen.ts" : "faker_gen.ts";
    const r = await timed([
      deno,
      "run",
      "--quiet",
      "--no-lock",
      "--allow-all",
      `--config=${ROOT}/deno.json`,
      `${ROOT}/bench/${script}`,
      String(rows),
      "out.parquet",
      ...(duckdb ? [name.slice("duckdb-".length)] : []),
    ], cwd);
    if (r.failed) throw new Error(r.failed);
    return { seconds: r.seconds, rssMB: r.rssMB };
  } finally {
    if (!keep) await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f2 = (x: number) => x.toFixed(2);

async function facts(): Promise<Record<string, string>> {
  const sh = async (c: string) => {
    try {
      const o = await new Deno.Command("sh", { args: ["-c", c], stdout: "piped" }).output();
      return new TextDecoder().decode(o.stdout).trim();
    } catch {
      return "";
    }
  };
  return {
    date: new Date().toISOString(),
    cpu: await sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
    cores: String(navigator.hardwareConcurrency),
    memory: await sh("free -g | awk '/Mem:/ {print $2 \" GiB\"}'"),
    os: await sh("uname -sr"),
    deno: Deno.version.deno,
    load_before: await sh("cut -d' ' -f1-3 /proc/loadavg"),
  };
}

const results: Record<string, Record<string, Sample[]>> = {};
const failures: { rows: number; round: number; case: string; message: string }[] = [];
const info = await facts();
console.log(`sdp bench ${info.date}  ${info.cpu} x${info.cores}  deno ${info.deno}`);
console.log(`rounds: ${runs}; sizes: ${sizes.join(", ")}; load before: ${info.load_before}\n`);

for (const rows of sizes) {
  const cases: CaseName[] = ["sdp", ...DUCKDB_CASES, "sdp-w1"];
  if (!values["no-faker"]) cases.push("faker");
  const samples: Record<string, Sample[]> = Object.fromEntries(cases.map((c) => [c, []]));
  for (let round = 0; round < runs; round++) {
    // Rotate the order each round so no case always runs first (or after the slowest).
    const order = cases.map((_, k) => cases[(k + round) % cases.length]);
    for (const c of order) {
      if (c === "faker" && rows >= 10_000_000 && round >= fakerRuns) continue;
      let s: Sample;
      try {
        s = await runCase(c, rows);
      } catch (e) {
        // A failed run is a finding, not noise: report it, keep its folder, go on.
        const message = e instanceof Error ? e.message : String(e);
        failures.push({ rows, round: round + 1, case: c, message });
        console.log(`  ${rows} rows  round ${round + 1}  ${c.padEnd(16)} FAILED: ${message}`);
        continue;
      }
      samples[c].push(s);
      console.log(
        `  ${rows} rows  round ${round + 1}  ${c.padEnd(16)} ${f2(s.seconds)} s  ${
          s.rssMB.toFixed(0)
        } MB`,
      );
    }
  }
  results[String(rows)] = samples;
}

let huge: Sample | undefined;
if (values.huge) {
  try {
    huge = await runCase("sdp", 100_000_000);
    console.log(`  100000000 rows  sdp ${f2(huge.seconds)} s  ${huge.rssMB.toFixed(0)} MB`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    failures.push({ rows: 100_000_000, round: 1, case: "sdp", message });
    console.log(`  100000000 rows  sdp FAILED: ${message}`);
  }
}

console.log("\nSummary (wall seconds: median [min-max], peak RSS MB: median / max)");
const summary: Record<string, unknown> = {};
for (const [rows, samples] of Object.entries(results)) {
  const med: Record<string, number> = {};
  console.log(`\n${Number(rows).toLocaleString("en")} rows`);
  for (const [c, xs] of Object.entries(samples)) {
    if (xs.length === 0) continue;
    const t = xs.map((x) => x.seconds);
    const m = xs.map((x) => x.rssMB);
    med[c] = median(t);
    console.log(
      `  ${c.padEnd(16)} ${f2(median(t)).padStart(7)} s [${f2(Math.min(...t))}-${
        f2(Math.max(...t))
      }]  n=${xs.length}  RSS ${median(m).toFixed(0)} / ${Math.max(...m).toFixed(0)} MB`,
    );
    if (xs[0].stages) {
      const stages = Object.keys(xs[0].stages!);
      console.log(
        `                   stages (median ms): ${
          stages.map((s) => `${s} ${median(xs.map((x) => x.stages![s] ?? 0))}`).join(", ")
        }`,
      );
    }
  }
  // The peer is DuckDB at its fastest: the form with the lowest median.
  const fastest = DUCKDB_CASES.filter((c) => med[c] !== undefined)
    .sort((a, b) => med[a] - med[b])[0];
  const ratios = {
    [`sdp/duckdb (fastest form: ${fastest})`]: med.sdp / med[fastest],
    "sdp/duckdb-range (one thread)": med.sdp / med["duckdb-range"],
    "faker/sdp": med.faker / med.sdp,
    "speedup workers 1 -> default": med["sdp-w1"] / med.sdp,
  };
  for (const [k, v] of Object.entries(ratios)) {
    if (Number.isFinite(v)) console.log(`  ${k}: ${f2(v)}x`);
  }
  summary[rows] = { medians_s: med, duckdb_fastest: fastest, ratios };
}
if (huge) {
  console.log(
    `\n100,000,000 rows (once): sdp ${f2(huge.seconds)} s, peak RSS ${
      huge.rssMB.toFixed(0)
    } MB, stages ${JSON.stringify(huge.stages)}`,
  );
}

if (failures.length > 0) {
  console.log(`\n${failures.length} run(s) FAILED (excluded from the medians; see above).`);
}
const outFile = values.out ?? `${ROOT}/bench/out/latest.json`;
await Deno.mkdir(outFile.slice(0, outFile.lastIndexOf("/")), { recursive: true });
await Deno.writeTextFile(
  outFile,
  JSON.stringify({ info, runs, sizes, results, huge, summary, failures }, null, 2) + "\n",
);
console.log(`\nwrote ${outFile}`);
