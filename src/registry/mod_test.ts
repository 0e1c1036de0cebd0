import assert from "node:assert/strict";
import { IntegrityError } from "../errors.ts";
import type { LogLevel } from "../log/mod.ts";
import {
  addVersion,
  emptyRegistry,
  parseRegistry,
  readRegistry,
  registryText,
  type VersionEntry,
  withRegistryLock,
} from "./mod.ts";

const entry = (version: string): VersionEntry => ({
  version,
  row_count: 1,
  data_sha256: "d",
  content_hash: "c",
  path: `ds/${version}`,
  created_at: "2025-01-01T00:00:00.000Z",
  formats: ["parquet"],
  source: "generated",
});

Deno.test("parseRegistry rejects what is not a registry, naming the file and the fix", () => {
  for (
    const text of [
      "{",
      "[]",
      '{"format": 2, "datasets": {}}',
      '{"format": 1, "datasets": {"x": {}}}',
    ]
  ) {
    assert.throws(() => parseRegistry(text, "reg.json"), (e: unknown) => {
      assert.ok(e instanceof IntegrityError);
      assert.match(e.message, /reg\.json/);
      assert.match(e.message, /registry rebuild/);
      return true;
    });
  }
});

Deno.test("addVersion appends in order and refuses duplicates", () => {
  let r = addVersion(emptyRegistry(), "ds", entry("a"));
  r = addVersion(r, "ds", entry("b"));
  assert.deepEqual(r.datasets.ds.versions.map((v) => v.version), ["a", "b"]);
  assert.throws(() => addVersion(r, "ds", entry("a")), IntegrityError);
  assert.equal(registryText(r), registryText(parseRegistry(registryText(r), "x")));
});

Deno.test("a lock left by a dead owner is taken over, with a log line", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/registry/datasets.json`;
  await Deno.mkdir(`${dir}/registry`);
  // A crashed owner leaves its pid in the lock file; the OS lock died with it.
  await Deno.writeTextFile(`${file}.lock`, JSON.stringify({ pid: 999999 }));
  const events: Array<[LogLevel, string]> = [];
  const log = { log: (l: LogLevel, e: string) => void events.push([l, e]) };
  await withRegistryLock(
    file,
    (cur) => Promise.resolve({ registry: addVersion(cur, "ds", entry("a")), result: 0 }),
    {
      pid: 1,
      log,
    },
  );
  assert.deepEqual(events, [["WARNING", "stale_lock_taken_over"]]);
  assert.equal((await readRegistry(file)).datasets.ds.versions.length, 1);
  assert.equal(await Deno.readTextFile(`${file}.lock`), "", "released locks are empty");
  // No temp files are left next to the registry.
  const names = (await Array.fromAsync(Deno.readDir(`${dir}/registry`))).map((e) => e.name).sort();
  assert.deepEqual(names, ["datasets.json", "datasets.json.lock"]);
});

Deno.test("concurrent lock holders in one process serialise and lose no entry", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/datasets.json`;
  const log = { log: () => {} };
  await Promise.all(Array.from({ length: 10 }, (_, i) =>
    withRegistryLock(file, async (cur) => {
      await new Promise((r) => setTimeout(r, 2));
      return { registry: addVersion(cur, "ds", entry(`v${i}`)), result: 0 };
    }, { pid: 1, log })));
  assert.equal((await readRegistry(file)).datasets.ds.versions.length, 10);
});
