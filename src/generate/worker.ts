/**
 * Worker entry for {@link generateChunks}: receives the plan once, then chunk
 * indexes; answers each with the generated chunk (typed-array buffers are
 * transferred, not copied) or with an error message.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { Chunk } from "../data/mod.ts";
import { generateChunk, type GenerationContext } from "./engine.ts";
import type { GenerationPlan } from "./plan.ts";

/** Messages the pool sends to a worker. */
export type ToWorker =
  | { type: "init"; plan: GenerationPlan; ctx: GenerationContext }
  | { type: "chunk"; index: number };

/** Messages a worker sends back. */
export type FromWorker =
  | { type: "chunk"; index: number; chunk: Chunk }
  | { type: "error"; index: number; message: string; stack?: string };

let plan: GenerationPlan | undefined;
let ctx: GenerationContext | undefined;

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === "init") {
    plan = msg.plan;
    ctx = msg.ctx;
    return;
  }
  try {
    if (!plan || !ctx) throw new Error("worker received a chunk before its plan");
    const chunk = await generateChunk(plan, ctx, msg.index);
    const transfer: Transferable[] = [];
    for (const col of chunk.columns.values()) {
      if (col.type !== "string") transfer.push(col.values.buffer as ArrayBuffer);
      if (col.valid) transfer.push(col.valid.buffer as ArrayBuffer);
    }
    self.postMessage({ type: "chunk", index: msg.index, chunk } satisfies FromWorker, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    self.postMessage(
      {
        type: "error",
        index: msg.index,
        message: err.message,
        stack: err.stack,
      } satisfies FromWorker,
    );
  }
};
