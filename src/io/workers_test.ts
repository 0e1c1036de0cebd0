import assert from "node:assert/strict";
import { canLoadWorker, probeWorker } from "./workers.ts";

const ENCODER = new URL("../parallel/worker.ts", import.meta.url);

Deno.test("the encoder worker answers the load probe", async () => {
  // A generous limit: on a loaded 2-core machine the worker's module graph can
  // take longer than the CLI's 15 s default to compile; this asserts that it
  // answers, not how fast.
  assert.equal(await probeWorker(ENCODER, 120_000), true);
});

Deno.test("a worker that cannot load makes the probe false, not an error", async () => {
  const broken = new URL(
    `data:application/javascript,${encodeURIComponent('throw new Error("no")')}`,
  );
  assert.equal(await probeWorker(broken), false);
});

Deno.test("from source, loading is a read-permission question", async () => {
  // Tests run with read access, so the encoder can load here.
  assert.equal(await canLoadWorker(ENCODER), true);
});
