/**
 * Worker for `stitch_test.ts`: encodes chunks in its own parquet-wasm instance,
 * to show chunk bytes do not depend on which instance (worker) encoded them.
 * Message in: `{ index, ipc, config }`; out: `{ index, bytes }`.
 *
 * @module
 */

import { tableFromIPC } from "apache-arrow";
import { encodeChunk } from "./encode_chunk.ts";
import { type ConfigName, CONFIGS } from "./fixtures.ts";

interface Job {
  index: number;
  ipc: Uint8Array;
  config: ConfigName;
}

// The worker global, typed here so this file also type-checks under the main
// (window) lib, as `deno check` of the whole folder does.
const worker = self as unknown as {
  onmessage: (e: MessageEvent<Job>) => void;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

worker.onmessage = (e) => {
  const { index, ipc, config } = e.data;
  const bytes = encodeChunk(tableFromIPC(ipc), CONFIGS[config]);
  worker.postMessage({ index, bytes }, [bytes.buffer as ArrayBuffer]);
};
