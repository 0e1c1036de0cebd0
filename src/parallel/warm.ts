/**
 * Encoder workers started before their job exists. A worker needs 150-250 ms
 * to load its modules; started by the entry point, before the rest of the
 * CLI's module graph has even loaded, that time overlaps the caller's set-up
 * instead of delaying the first chunk. The pool takes them over
 * ({@link takeWarmWorkers}); nothing about the output depends on whether a
 * worker was started early, so a wrong guess only costs a terminated worker.
 *
 * Deliberately light: the entry point imports this module statically, so it
 * must not pull in the engine, the encoder or any library.
 *
 * @module
 */
import { canLoadWorker } from "../io/workers.ts";

/** The encoder worker module. */
export const WORKER_URL: URL = new URL("./worker.ts", import.meta.url);

interface Warm {
  worker: Worker;
  failed: boolean;
}

let warming: Promise<Warm[]> | undefined;

/**
 * Start `count` encoder workers now (no-op below 2, or if workers cannot
 * load here; at most once per process).
 */
export function startWarmWorkers(count: number): void {
  if (warming !== undefined || !(count >= 2)) return;
  warming = canLoadWorker(WORKER_URL).then((ok) =>
    ok
      ? Array.from({ length: Math.min(64, Math.floor(count)) }, () => {
        const w: Warm = { worker: new Worker(WORKER_URL.href, { type: "module" }), failed: false };
        // Until the pool takes it over: a worker that fails to load is dropped there.
        w.worker.onerror = (ev: ErrorEvent) => {
          ev.preventDefault();
          w.failed = true;
        };
        return w;
      })
      : []
  ).catch(() => []);
}

/**
 * Start loading the encoder (parquet-wasm and its WASM) on this thread
 * without waiting: for a run that will encode here, so that its loading
 * overlaps the CLI's instead of waiting for the first chunk. A failure is
 * left to the real import, which reports it.
 */
export function prefetchEncoder(): void {
  import("./encode.ts").catch(() => {});
}

/**
 * Up to `n` of the started workers (fewer when fewer were started or some
 * failed to load); every other started worker is terminated. The caller owns
 * the returned workers and must set their handlers.
 */
export async function takeWarmWorkers(n: number): Promise<Worker[]> {
  if (warming === undefined) return [];
  const all = await warming;
  warming = Promise.resolve([]);
  const out: Worker[] = [];
  for (const w of all) {
    if (!w.failed && out.length < n) out.push(w.worker);
    else w.worker.terminate();
  }
  return out;
}
