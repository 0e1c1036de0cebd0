import assert from "node:assert/strict";
import { startWarmWorkers, takeWarmWorkers } from "./warm.ts";
import type { FromEncoder } from "./worker.ts";

Deno.test("warm workers: started once, handed over up to the count asked, the rest terminated", async () => {
  startWarmWorkers(3);
  startWarmWorkers(5); // at most once per process
  const taken = await takeWarmWorkers(2);
  try {
    assert.equal(taken.length, 2);
    // Each is a live encoder worker that answers.
    for (const w of taken) {
      const pong = await new Promise<FromEncoder>((resolve, reject) => {
        w.onmessage = (ev: MessageEvent<FromEncoder>) => resolve(ev.data);
        w.onerror = (ev: ErrorEvent) => {
          ev.preventDefault();
          reject(new Error(ev.message));
        };
        w.postMessage({ type: "ping" });
      });
      assert.deepEqual(pong, { type: "pong" });
    }
    assert.deepEqual(await takeWarmWorkers(2), [], "handed over once");
  } finally {
    for (const w of taken) w.terminate();
  }
});
