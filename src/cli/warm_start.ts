/**
 * The entry point's early guess of how many encoder workers `sdp run` will
 * use, so they can start loading while the rest of the CLI loads (see
 * src/parallel/warm.ts). Only what the command line and SDP_WORKERS state
 * is used, never a config file: when the row count is not on the command
 * line, no worker is started early. A wrong guess changes no output; the
 * real count comes from {@link workerCount} later.
 *
 * Deliberately light (imported statically by main.ts).
 *
 * @module
 */
import { chunkCount } from "../data/mod.ts";

/**
 * Chunks per default worker: measured on 2 cores, 2 workers lose to 1 at
 * 16 chunks (1M rows) and win 1.25x at 46 (3M rows); see docs/benchmarks-log-2026.md, 2026-11-25 (evening).
 */
export const CHUNKS_PER_WORKER = 24;

/**
 * The default worker count: the machine's cores (1 to 64), but no more than
 * one per {@link CHUNKS_PER_WORKER} chunks when the chunk count is known (a
 * worker must repay its start-up: module load, WASM and JIT warm-up).
 */
export function defaultWorkers(cores: number, chunks?: number): number {
  const all = Math.max(1, Math.min(cores, 64));
  return chunks === undefined
    ? all
    : Math.max(1, Math.min(all, Math.ceil(chunks / CHUNKS_PER_WORKER)));
}

/** What the guess reads besides the arguments. */
export interface WarmStartFacts {
  /** SDP_WORKERS (undefined when unset or unreadable). */
  env?: string;
  cores: number;
}

/**
 * Workers a plain `sdp run` with these arguments will use (0 when unknown or
 * not a plain run: shards, help, a missing row count, bad values).
 */
export function guessRunWorkers(args: readonly string[], facts: WarmStartFacts): number {
  if (args[0] !== "run") return 0;
  const value = (name: string): string | undefined => {
    let found: string | undefined;
    for (let i = 1; i < args.length; i++) {
      if (args[i] === `--${name}`) found = args[i + 1];
      else if (args[i].startsWith(`--${name}=`)) found = args[i].slice(name.length + 3);
    }
    return found;
  };
  if (args.some((a) => a === "--help" || a === "-h" || a === "--")) return 0;
  if (value("shard") !== undefined || value("parts-dir") !== undefined) return 0;
  const whole = (s: string | undefined) =>
    s !== undefined && /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 64 ? Number(s) : 0;
  const flag = value("workers");
  if (flag !== undefined) return whole(flag);
  if (facts.env !== undefined && facts.env !== "") return whole(facts.env);
  const rows = value("rows");
  if (rows === undefined || !/^\d+$/.test(rows) || Number(rows) < 1) return 0;
  return defaultWorkers(facts.cores, chunkCount(Number(rows)));
}
