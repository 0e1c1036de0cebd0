/**
 * An ordered pool of encoder workers: yields encoded chunks `[start, end)` in
 * chunk order while the workers generate and encode ahead, at most
 * `2 * workers` chunks in flight (produced but not yet consumed), so memory
 * stays bounded whatever the row count. The first error stops every worker
 * and is rethrown. Output never depends on the worker count: each chunk is a
 * pure function of (job, index).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { chunkCount } from "../data/mod.ts";
import { canLoadWorker } from "../io/workers.ts";
// The encoder (parquet-wasm) loads on this thread only when it encodes here itself.
import type { EncodedChunk, EncodeJob } from "./encode.ts";
import { takeWarmWorkers, WORKER_URL } from "./warm.ts";
import type { FromEncoder, ToEncoder } from "./worker.ts";

/** Options of {@link encodeChunks}. */
export interface PoolOptions {
  /** Encoder workers; 1 (or less) works on the calling thread. */
  workers: number;
  /** First chunk index (default 0). */
  start?: number;
  /** One past the last chunk index (default: all chunks). */
  end?: number;
  /** Most chunks in flight (default 2 x workers). */
  inFlight?: number;
  /**
   * Profile columns whose parts may leave out exact values (see
   * `PartOptions.settled`); the caller adds to it as it merges, and every
   * task sent afterwards carries it. Only ever grows.
   */
  settled?: ReadonlySet<number>;
}

/** Whether encoder workers can start (see {@link canLoadWorker}). */
export function workersAvailable(): Promise<boolean> {
  return canLoadWorker(WORKER_URL);
}

/** Yield the encoded chunks of `job` in index order. */
export async function* encodeChunks(
  job: EncodeJob,
  options: PoolOptions,
): AsyncGenerator<EncodedChunk> {
  const total = chunkCount(job.ctx.rowCount, job.ctx.chunkRows);
  const first = Math.max(0, options.start ?? 0);
  const end = Math.min(options.end ?? total, total);
  const workers = Math.max(1, Math.floor(options.workers));
  if (workers <= 1 || end - first <= 1 || !(await workersAvailable())) {
    await takeWarmWorkers(0);
    const { encodeGeneratedChunk } = await import("./encode.ts");
    for (let i = first; i < end; i++) yield await encodeGeneratedChunk(job, i, options.settled);
    return;
  }
  const n = Math.min(workers, end - first);
  const limit = Math.max(n, options.inFlight ?? 2 * n);
  const pool: Worker[] = [];
  const idle: Worker[] = [];
  const ready = new Map<number, EncodedChunk>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let nextToSend = first;
  let consumed = 0;
  // What each worker was last told is settled, to send only news.
  const told = new Map<Worker, number>();
  const send = () => {
    while (
      !failure && idle.length > 0 && nextToSend < end && nextToSend - first - consumed < limit
    ) {
      const w = idle.shift()!;
      const settled = options.settled;
      const news = settled !== undefined && settled.size > (told.get(w) ?? 0);
      if (news) told.set(w, settled.size);
      w.postMessage(
        {
          type: "chunk",
          index: nextToSend++,
          ...(news ? { settled: [...settled] } : {}),
        } satisfies ToEncoder,
      );
    }
  };
  try {
    // Workers the entry point started early (see warm.ts) first, new ones for the rest.
    const started = await takeWarmWorkers(n);
    for (let k = 0; k < n; k++) {
      const w = started[k] ?? new Worker(WORKER_URL.href, { type: "module" });
      w.onmessage = (ev: MessageEvent<FromEncoder>) => {
        const m = ev.data;
        if (m.type === "error") {
          // A config error found at run time (a value the column cannot hold) stays one
          // across the worker boundary, so the CLI still exits 2 and names the column.
          failure ??= m.problems
            ? new ConfigError(m.problems)
            : Object.assign(new Error(`chunk ${m.index}: ${m.message}`), { stack: m.stack });
        } else if (m.type === "chunk") {
          ready.set(m.chunk.index, m.chunk);
          idle.push(w);
          send();
        }
        notify();
      };
      w.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        failure ??= new Error(`encoder worker failed: ${ev.message}`);
        notify();
      };
      w.postMessage({ type: "init", job } satisfies ToEncoder);
      pool.push(w);
      idle.push(w);
    }
    send();
    for (let i = first; i < end; i++) {
      while (!failure && !ready.has(i)) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      const chunk = ready.get(i)!;
      ready.delete(i);
      consumed++;
      send();
      yield chunk;
    }
  } finally {
    for (const w of pool) w.terminate();
  }
}
