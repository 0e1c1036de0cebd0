import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import type { Io } from "./io.ts";
import { CHUNKS_PER_WORKER, workerCount } from "./shared.ts";

function io(cores: number, env: Record<string, string> = {}): Io {
  return { cores, env: (name: string) => env[name] } as unknown as Io;
}

Deno.test("workers: the flag, then SDP_WORKERS, then cores limited by the chunks to share", () => {
  const cases: Array<
    [string, { workers?: string }, Io, number | undefined, number]
  > = [
    ["flag wins over everything", { workers: "3" }, io(8, { SDP_WORKERS: "5" }), 1, 3],
    ["environment wins over the default", {}, io(8, { SDP_WORKERS: "5" }), 1, 5],
    ["no chunk count: one per core", {}, io(4), undefined, 4],
    ["a small run stays on one thread", {}, io(4), 16, 1],
    ["enough chunks for two", {}, io(4), CHUNKS_PER_WORKER + 1, 2],
    ["never more than the cores", {}, io(2), 1000, 2],
  ];
  for (const [name, values, env, chunks, want] of cases) {
    assert.equal(workerCount({ positionals: [], values }, env, "run", { chunks }), want, name);
  }
  assert.throws(
    () => workerCount({ positionals: [], values: {} }, io(2, { SDP_WORKERS: "0" }), "run"),
    UsageError,
  );
});
