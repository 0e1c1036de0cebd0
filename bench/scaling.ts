/**
 * How far can 1 -> 2 workers go on this machine? `deno task bench-scaling`.
 *
 * `deno task bench` measures what sdp achieves; this measures the ceiling any
 * implementation of the same per-chunk work would hit here, from three
 * readings taken in one script:
 *
 *   1. one   : one encoder worker (the real src/parallel/worker.ts) produces
 *              chunks 0..N-1 one after the other: its first (cold) chunk and
 *              its warm cost per 1M rows;
 *   2. two   : two fresh workers produce the even and the odd chunks at the
 *              same time: the same readings while both cores are busy;
 *   3. cli   : `sdp run finance_transactions --rows R --workers 1` end to end
 *              (release flags), split into its generate stage and the rest
 *              (start-up, validation, evaluation, finalize); and the same
 *              run with `--workers 2`, the real thing to compare with.
 *
 * The phases rotate, with fresh workers and processes every round. A round
 * where two busy workers each seem faster than one alone was disturbed by
 * other load on the host; the medians leave such rounds out. The bound assumes a
 * perfect parallel run: the rest of the CLI run unchanged, the cold chunk
 * paid once (both workers at the same time), every warm chunk split evenly
 * at the two-worker cost, and nothing for merging, transfers or V8's
 * compiler and GC threads:
 *
 *   best(2) = rest + cold(two) + (generate(1) - cold(one)) / 2 * warm(two) / warm(one)
 *
 * and prints speed-up = wall(1) / best(2), and the faker / sdp ratio that
 * best(2) would give against `--faker S` (seconds of the faker baseline at
 * the same row count, from `deno task bench`).
 *
 * Options: --chunks N (per phase, default 48), --rounds N (default 3),
 * --rows R (CLI run, default 10000000), --faker S, --out FILE (JSON).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadDataset } from "../src/config/mod.ts";
import { readTextIfExists } from "../src/io/files.ts";
import { encodeJob } from "../src/parallel/producer.ts";
import { WORKER_URL } from "../src/parallel/warm.ts";
import type { FromEncoder, ToEncoder } from "../src/parallel/worker.ts";
import { arrowColumns } from "../src/pipeline/mod.ts";
import { profileLayout } from "../src/profile/partial.ts";
import { ROOT, sdpFlags } from "./common.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    chunks: { type: "string" },
    rounds: { type: "string" },
    rows: { type: "string" },
    faker: { type: "string" },
    out: { type: "string" },
  },
});
const CHUNKS = Number(values.chunks ?? 48);
// Each of two workers needs a few warm chunks after its first four (see `warm`).
if (!(CHUNKS >= 12)) throw new Error("--chunks must be at least 12");
const ROUNDS = Number(values.rounds ?? 3);
const ROWS = Number(values.rows ?? 10_000_000);
const FAKER = values.faker === undefined ? undefined : Number(values.faker);

const spec = await loadDataset("finance_transactions", {
  datasetsDir: `${ROOT}/datasets`,
  readText: readTextIfExists,
});
const columns = arrowColumns(spec);
// The job of a large run (sketches on), with every profile column settled:
// a worker's steady state in a 10M run.
const job = await encodeJob(
  spec,
  { columns, rowCount: Math.max(ROWS, CHUNKS * 65536), version: "scaling", versionIndex: 0 },
  { parquet: true, csv: false, stats: true },
);
const settled = profileLayout(spec.columns).columns.map((_, i) => i);
const rowsPerChunk = job.ctx.chunkRows;

/** Per-chunk milliseconds of one worker producing `indexes` in order. */
async function produce(worker: Worker, indexes: number[]): Promise<number[]> {
  const times: number[] = [];
  for (const index of indexes) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<FromEncoder>) => {
        if (ev.data.type === "chunk") resolve();
        else if (ev.data.type === "error") reject(new Error(ev.data.message));
      };
      worker.postMessage({ type: "chunk", index, settled } satisfies ToEncoder);
    });
    times.push(performance.now() - t);
  }
  return times;
}

async function startWorker(): Promise<Worker> {
  const w = new Worker(WORKER_URL.href, { type: "module" });
  await new Promise<void>((resolve) => {
    w.onmessage = () => resolve();
    w.postMessage({ type: "ping" } satisfies ToEncoder);
  });
  w.postMessage({ type: "init", job } satisfies ToEncoder);
  return w;
}

interface Phase {
  cold: number;
  warmPer1M: number;
  seconds: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/**
 * Warm cost per 1M rows: a worker's 5th to (CHUNKS / 2)th chunks, the same
 * positions with one worker as with two (a worker keeps warming up for a while).
 */
const warm = (times: number[]) =>
  median(times.slice(4, Math.max(5, Math.ceil(CHUNKS / 2)))) * 1e6 / rowsPerChunk;

async function phase(workers: number): Promise<Phase> {
  const pool = await Promise.all(Array.from({ length: workers }, startWorker));
  const t = performance.now();
  const all = await Promise.all(pool.map((w, k) => {
    const mine: number[] = [];
    for (let i = k; i < CHUNKS; i += workers) mine.push(i);
    return produce(w, mine);
  }));
  const seconds = (performance.now() - t) / 1000;
  for (const w of pool) w.terminate();
  return {
    cold: median(all.map((ts) => ts[0])),
    warmPer1M: median(all.map(warm)),
    seconds,
  };
}

async function cliRun(workers: number): Promise<{ wall: number; generate: number }> {
  const cwd = await Deno.makeTempDir({ prefix: "sdp-scaling-" });
  try {
    const t = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--config=${ROOT}/deno.json`,
        ...await sdpFlags(),
        `${ROOT}/main.ts`,
        "run",
        "finance_transactions",
        "--rows",
        String(ROWS),
        "--run-id",
        "scaling",
        "--workers",
        String(workers),
      ],
      cwd,
      env: { SDP_LOGGING_ENABLED: "false" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const wall = (performance.now() - t) / 1000;
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const meta = JSON.parse(
      await Deno.readTextFile(`${cwd}/runs/finance_transactions/scaling/run_metadata.json`),
    );
    return { wall, generate: meta.stage_durations_ms.generate / 1000 };
  } finally {
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
}

const f = (x: number, d = 2) => x.toFixed(d);

/** One round's readings and what they imply (each round is paired: host noise drifts). */
interface Round {
  one: Phase;
  two: Phase;
  cli1: { wall: number; generate: number };
  cli2: { wall: number; generate: number };
  /** Warm cost per worker, two busy workers against one. */
  contention: number;
  /** Best possible `--workers 2` wall time (formula in the module doc). */
  best2: number;
  /** wall(1) / best(2). */
  speedupBound: number;
  /** wall(1) / wall(2) of the real runs. */
  speedup: number;
}

console.log(
  `scaling: ${CHUNKS} chunks of ${rowsPerChunk} rows per phase, ${ROUNDS} rounds, ` +
    `CLI at ${ROWS} rows, ${navigator.hardwareConcurrency} cores`,
);
const rounds: Round[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const got: Partial<Pick<Round, "one" | "two" | "cli1" | "cli2">> = {};
  // Rotate the order, so that no reading always runs on a warmer host.
  const order = ["one", "two", "cli1", "cli2"] as const;
  for (let i = 0; i < order.length; i++) {
    const p = order[(i + r) % order.length];
    if (p === "cli1" || p === "cli2") {
      const c = got[p] = await cliRun(p === "cli1" ? 1 : 2);
      console.log(
        `  round ${r + 1} cli --workers ${p === "cli1" ? 1 : 2}: ${f(c.wall)} s ` +
          `(generate ${f(c.generate)})`,
      );
    } else {
      const ph = got[p] = await phase(p === "one" ? 1 : 2);
      console.log(
        `  round ${r + 1} ${p}: first chunk ${f(ph.cold, 0)} ms, ` +
          `warm ${f(ph.warmPer1M, 0)} ms per 1M rows per worker, ${f(ph.seconds)} s`,
      );
    }
  }
  const { one, two, cli1, cli2 } = got as Pick<Round, "one" | "two" | "cli1" | "cli2">;
  const contention = two.warmPer1M / one.warmPer1M;
  const best2 = cli1.wall - cli1.generate + two.cold / 1000 +
    Math.max(0, cli1.generate - one.cold / 1000) / 2 * contention;
  const round: Round = {
    one,
    two,
    cli1,
    cli2,
    contention,
    best2,
    speedupBound: cli1.wall / best2,
    speedup: cli1.wall / cli2.wall,
  };
  rounds.push(round);
  console.log(
    `  round ${r + 1}: x${f(contention)} per busy worker; best possible 2-worker run ` +
      `${f(best2)} s = x${f(round.speedupBound)}; real x${f(round.speedup)}`,
  );
}
// Two busy workers cannot each be faster than one alone: a round that says so
// was disturbed by other load on the host, and its readings are not used.
const quiet = rounds.filter((r) => r.contention >= 1);
const used = quiet.length > 0 ? quiet : rounds;
const med = (pick: (r: Round) => number) => median(used.map(pick));
const summary = {
  cores: navigator.hardwareConcurrency,
  chunks: CHUNKS,
  rows: ROWS,
  rounds,
  /** Rounds the medians use (those not disturbed, or all if none was quiet). */
  used: used.length,
  median: {
    coldOne: med((r) => r.one.cold),
    coldTwo: med((r) => r.two.cold),
    warmOne: med((r) => r.one.warmPer1M),
    warmTwo: med((r) => r.two.warmPer1M),
    contention: med((r) => r.contention),
    wall1: med((r) => r.cli1.wall),
    rest1: med((r) => r.cli1.wall - r.cli1.generate),
    wall2: med((r) => r.cli2.wall),
    best2: med((r) => r.best2),
    speedupBound: med((r) => r.speedupBound),
    speedup: med((r) => r.speedup),
  },
  faker: FAKER,
};
const m = summary.median;
const vsFaker = (t: number) =>
  FAKER === undefined ? "" : `, faker / sdp x${f(FAKER / t)} (faker ${FAKER} s)`;
console.log(`
Medians of ${used.length} of ${ROUNDS} rounds (ratios per round, then the median)${
  quiet.length === rounds.length
    ? ""
    : quiet.length > 0
    ? `; left out: ${rounds.length - quiet.length} round(s) where two workers seemed faster ` +
      "than one (other load on the host)"
    : "; EVERY round was disturbed by other load on the host: do not trust these"
}:
one worker : first chunk ${f(m.coldOne, 0)} ms, warm ${f(m.warmOne, 0)} ms per 1M rows
two workers: first chunk ${f(m.coldTwo, 0)} ms, warm ${f(m.warmTwo, 0)} ms per 1M rows per worker
             = x${f(m.contention)} per worker while both cores are busy
cli --workers 1: ${f(m.wall1)} s, of which ${f(m.rest1)} s outside the generate stage
best possible --workers 2: ${f(m.best2)} s: 1 -> 2 workers at most x${f(m.speedupBound)}${
  vsFaker(m.best2)
}
real --workers 2: ${f(m.wall2)} s: x${f(m.speedup)}${vsFaker(m.wall2)}`);
if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(summary, null, 2) + "\n");
