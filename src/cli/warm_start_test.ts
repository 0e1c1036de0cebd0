import assert from "node:assert/strict";
import { chunkCount } from "../data/mod.ts";
import type { Io } from "./io.ts";
import { workerCount } from "./shared.ts";
import { guessRunWorkers } from "./warm_start.ts";
import { parseArgs } from "node:util";

Deno.test("early worker guess: what the command line states, else nothing", () => {
  const cases: Array<[string, string[], string | undefined, number, number]> = [
    ["not a run", ["list"], undefined, 2, 0],
    ["help", ["run", "finance_transactions", "--help"], undefined, 2, 0],
    ["no row count, no flag", ["run", "finance_transactions"], undefined, 2, 0],
    ["a shard", ["run", "d", "--shard", "1/2", "--rows", "9000000"], undefined, 2, 0],
    ["parts dir", ["run", "d", "--parts-dir=p", "--rows", "9000000"], undefined, 2, 0],
    ["the flag", ["run", "d", "--workers", "3"], undefined, 2, 3],
    ["the flag, = form", ["run", "d", "--workers=2"], "5", 8, 2],
    ["a bad flag", ["run", "d", "--workers", "x"], undefined, 2, 0],
    ["the environment", ["run", "d"], "4", 2, 4],
    ["a bad environment", ["run", "d", "--rows", "9000000"], "0", 2, 0],
    ["small run: one thread", ["run", "d", "--rows", "1000000"], undefined, 2, 1],
    ["large run: the cores", ["run", "d", "--rows", "10000000"], undefined, 2, 2],
    ["rows, = form", ["run", "d", "--rows=10000000"], undefined, 8, 7],
    ["bad rows", ["run", "d", "--rows", "-5"], undefined, 2, 0],
  ];
  for (const [name, args, env, cores, want] of cases) {
    assert.equal(guessRunWorkers(args, { env, cores }), want, name);
  }
});

Deno.test("early worker guess agrees with the CLI's count whenever it guesses", () => {
  for (const rows of [1, 65_536, 1_000_000, 1_600_000, 3_000_000, 10_000_000, 100_000_000]) {
    for (const cores of [1, 2, 4, 16]) {
      const io = { cores, env: () => undefined } as unknown as Io;
      const parsed = parseArgs({ args: [], options: {}, allowPositionals: true });
      const want = workerCount(parsed, io, "run", { chunks: chunkCount(rows) });
      const got = guessRunWorkers(["run", "d", "--rows", String(rows)], { cores });
      assert.equal(got, want, `${rows} rows, ${cores} cores`);
    }
  }
});
