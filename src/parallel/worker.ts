/**
 * Worker entry of the parallel producer: receives an {@link EncodeJob} once,
 * then chunk indexes; answers each with the chunk's Parquet file bytes (and CSV
 * bytes), transferring the buffers, or with an error message.
 *
 * Each worker has its own parquet-wasm instance (a module instance per worker).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { ConfigError } from "../errors.ts";
import type { ConfigProblem } from "../model/mod.ts";
import {
  chunkTransferables,
  type EncodedChunk,
  encodeGeneratedChunk,
  type EncodeJob,
} from "./encode.ts";

/** Messages the pool sends to a worker. */
export type ToEncoder =
  | { type: "ping" }
  | { type: "init"; job: EncodeJob }
  | { type: "chunk"; index: number; settled?: number[] };

/** Messages a worker sends back. */
export type FromEncoder =
  | { type: "pong" }
  | { type: "chunk"; chunk: EncodedChunk }
  | {
    type: "error";
    index: number;
    message: string;
    stack?: string;
    /** A config error's problems (a value no column can hold), rebuilt as one by the pool. */
    problems?: ConfigProblem[];
  };

let job: EncodeJob | undefined;
/** Profile columns the merging thread no longer needs values of (only grows). */
const settled = new Set<number>();

self.onmessage = async (ev: MessageEvent<ToEncoder>) => {
  const msg = ev.data;
  if (msg.type === "ping") {
    // Answered once the module graph has loaded: see canLoadWorker().
    self.postMessage({ type: "pong" } satisfies FromEncoder);
    return;
  }
  if (msg.type === "init") {
    job = msg.job;
    return;
  }
  try {
    if (!job) throw new Error("encoder worker received a chunk before its job");
    for (const c of msg.settled ?? []) settled.add(c);
    const chunk = await encodeGeneratedChunk(job, msg.index, settled);
    self.postMessage({ type: "chunk", chunk } satisfies FromEncoder, chunkTransferables(chunk));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    self.postMessage(
      {
        type: "error",
        index: msg.index,
        message: err.message,
        stack: err.stack,
        problems: err instanceof ConfigError ? err.problems : undefined,
      } satisfies FromEncoder,
    );
  }
};
