/**
 * Deterministic chunked generation of synthetic tables.
 *
 * - {@link planGeneration}: resolve a DatasetSpec into a plain, cloneable plan.
 * - {@link generateChunk}: produce one chunk alone from (plan, seed, index).
 * - {@link generateChunks}: stream chunks in order, optionally on Deno Workers;
 *   the bytes are identical for every worker count.
 * - {@link scaffoldDataset}: the commented config files of `sdp init`.
 *
 * @module
 */
import { type Chunk, chunkCount } from "../data/mod.ts";
import { canLoadWorker } from "../io/workers.ts";
import { generateChunk, type GenerationContext } from "./engine.ts";
import type { GenerationPlan } from "./plan.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

export { generateChunk, type GenerationContext, mixState, pickRows } from "./engine.ts";
export { type GenerationPlan, inferGenerator, type PlanColumn, planGeneration } from "./plan.ts";
export { scaffoldDataset } from "./scaffold.ts";
export {
  checkGeneration,
  type CorrelationSpec,
  type DriftSpec,
  type GeneratorSpec,
  parseCorrelations,
  parseDrift,
  parseGenerator,
} from "./spec.ts";

/** Options of {@link generateChunks}. */
export interface GenerateOptions {
  /** Number of Deno Workers; 1 (or less) generates on the calling thread. */
  workers: number;
  /** First chunk index (default 0). */
  startChunk?: number;
  /** One past the last chunk index (default: all chunks). */
  endChunk?: number;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/** The default worker count: the machine's available cores. */
export function defaultWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Yield chunks `[startChunk, endChunk)` in index order. With `workers > 1`
 * chunks are generated on Deno Workers, at most `2 * workers` in flight; the
 * first error stops every worker and is rethrown. Output never depends on
 * `workers` because each chunk is a pure function of (plan, ctx, index).
 */
export async function* generateChunks(
  plan: GenerationPlan,
  ctx: GenerationContext,
  options: GenerateOptions,
): AsyncIterable<Chunk> {
  const first = options.startChunk ?? 0;
  const end = Math.min(
    options.endChunk ?? chunkCount(ctx.rowCount, ctx.chunkRows),
    chunkCount(ctx.rowCount, ctx.chunkRows),
  );
  const workers = Math.max(1, Math.floor(options.workers));
  if (workers <= 1 || end - first <= 1 || !canLoadWorker(WORKER_URL)) {
    for (let i = first; i < end; i++) yield await generateChunk(plan, ctx, i);
    return;
  }
  const n = Math.min(workers, end - first);
  const pool: Worker[] = [];
  const ready = new Map<number, Chunk>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let nextToSend = first;
  const idle: Worker[] = [];
  let consumed = 0;
  const limit = 2 * n;
  const send = () => {
    while (
      !failure && idle.length > 0 && nextToSend < end && (nextToSend - first - consumed) < limit
    ) {
      const w = idle.shift()!;
      w.postMessage({ type: "chunk", index: nextToSend++ } satisfies ToWorker);
    }
  };
  try {
    for (let k = 0; k < n; k++) {
      const w = new Worker(WORKER_URL, { type: "module" });
      w.onmessage = (ev: MessageEvent<FromWorker>) => {
        const m = ev.data;
        if (m.type === "error") {
          failure ??= Object.assign(new Error(`chunk ${m.index}: ${m.message}`), {
            stack: m.stack,
          });
        } else {
          ready.set(m.index, m.chunk);
          idle.push(w);
          send();
        }
        notify();
      };
      w.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        failure ??= new Error(`generation worker failed: ${ev.message}`);
        notify();
      };
      w.postMessage({ type: "init", plan, ctx } satisfies ToWorker);
      pool.push(w);
      idle.push(w);
    }
    send();
    for (let i = first; i < end; i++) {
      while (!failure && !ready.has(i)) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
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
