import assert from "node:assert/strict";
import { CHUNK_ROWS } from "../data/mod.ts";
import { IntegrityError } from "../errors.ts";
import { silentLogger } from "../log/mod.ts";
import type { DatasetProfile } from "../profile/mod.ts";
import { addVersion, emptyRegistry } from "../registry/mod.ts";
import { footerShapeProblems } from "./check.ts";
import { choosePrior } from "./prior.ts";

const columns = [
  { name: "a", type: "integer" as const, nullable: false },
  { name: "b", type: "string" as const, nullable: true },
];

Deno.test("check: a footer of the expected shape has no problems", () => {
  const footer = { columns: ["a", "b"], rows: CHUNK_ROWS + 5, rowGroups: [CHUNK_ROWS, 5] };
  assert.deepEqual(footerShapeProblems(footer, columns, CHUNK_ROWS + 5), []);
});

Deno.test("check: columns, rows and row groups are each reported", () => {
  const footer = { columns: ["b", "a"], rows: 7, rowGroups: [3, 4] };
  assert.deepEqual(footerShapeProblems(footer, columns, 8), [
    "data.parquet columns are [b, a], expected [a,b]",
    "data.parquet footer states 7 rows, 8 were generated",
    `data.parquet row group 0 holds 3 rows; chunks are ${CHUNK_ROWS} rows`,
  ]);
});

const entry = (version: string) => ({
  version,
  row_count: 1,
  data_sha256: "0".repeat(64),
  content_hash: "0".repeat(64),
  path: `d/${version}`,
  created_at: "2026-01-01T00:00:00.000Z",
  formats: ["parquet"],
  source: "generated" as const,
});

Deno.test("prior: the given index and prior win (reproduction)", async () => {
  const profile = {} as DatasetProfile;
  const got = await choosePrior("d", {
    runsDir: "/nonexistent",
    registry: undefined,
    versionIndex: 4,
    prior: { version: "v3", profile, versionIndex: 3 },
    log: silentLogger,
  });
  assert.deepEqual(got, {
    versionIndex: 4,
    prior: { version: "v3", profile, versionIndex: 3 },
    note: null,
  });
});

Deno.test("prior: first version has none; an unusable prior fails unless allowed", async () => {
  const log = silentLogger;
  const none = await choosePrior("d", { runsDir: "/nonexistent", registry: emptyRegistry(), log });
  assert.deepEqual(none, { versionIndex: 0, prior: null, note: null });
  const registry = addVersion(emptyRegistry(), "d", entry("v1"));
  await assert.rejects(
    () => choosePrior("d", { runsDir: "/nonexistent", registry, log }),
    IntegrityError,
  );
  const allowed = await choosePrior("d", {
    runsDir: "/nonexistent",
    registry,
    allowMissingPrior: true,
    log,
  });
  assert.equal(allowed.versionIndex, 1);
  assert.equal(allowed.prior, null);
  assert.match(allowed.note!, /^prior version v1 was unusable \(.*\); evaluated without a prior$/);
});
