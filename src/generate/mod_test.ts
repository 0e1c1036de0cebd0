/**
 * Engine API: worker-count invariance, chunk independence, known answers,
 * error propagation, inference, scaffolding.
 */
import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import type { Chunk } from "../data/mod.ts";
import { Rng } from "../rng/mod.ts";
import {
  generateChunk,
  generateChunks,
  mixState,
  pickRows,
  planGeneration,
  scaffoldDataset,
} from "./mod.ts";
import {
  builtinSources,
  column,
  ctxOf,
  generateAll,
  hashChunks,
  nums,
  specOf,
  table,
} from "../../tests/helpers/generate.ts";

Deno.test("chunks are produced alone, in any order, and ranges are honoured", async () => {
  const plan = planGeneration(specOf(builtinSources("saas_events"), "saas_events"));
  const ctx = ctxOf(6 * 2048, { chunkRows: 2048, seedHex: "0rder" });
  // Reverse order first (fresh per-process caches are filled from the far end).
  const reversed: Chunk[] = [];
  for (let i = 5; i >= 0; i--) reversed.unshift(await generateChunk(plan, ctx, i));
  const forward = await generateAll(plan, ctx);
  assert.equal(await hashChunks(reversed), await hashChunks(forward));
  const part: Chunk[] = [];
  for await (const c of generateChunks(plan, ctx, { startChunk: 2, endChunk: 5 })) {
    part.push(c);
  }
  assert.deepEqual(part.map((c) => c.index), [2, 3, 4]);
  assert.equal(await hashChunks(part), await hashChunks(forward.slice(2, 5)));
  const last = forward[5];
  assert.equal(last.rows, 2048);
  assert.deepEqual([...last.columns.keys()], [...last.columns.keys()].sort());
});

Deno.test("a failing chunk's error is rethrown", async () => {
  const plan = planGeneration(
    specOf(builtinSources("finance_transactions"), "finance_transactions"),
  );
  // Corrupt the plan so every chunk fails inside the worker.
  const broken = structuredClone(plan);
  broken.order.push("ghost");
  await assert.rejects(async () => {
    for await (const _ of generateChunks(broken, ctxOf(10 * 1024, { chunkRows: 1024 }))) {
      // consume
    }
  });
});

Deno.test("known answers: pinned values for seed 5eed", async () => {
  const chunks = await table(
    `columns:
  id: {type: integer, generator: {kind: sequence, start: 1, step: 1}}
  n: {type: float, generator: {kind: normal, mean: 0, std: 1}}
  u: {type: string, generator: {kind: uuid}}
  c: {type: string, generator: {kind: categorical, values: [a, b, c], weights: [1, 2, 3]}}
  t: {type: string, generator: {kind: template, template: "TX-{seq:08}-{letters:2}"}}
  d: {type: datetime, generator: {kind: datetime, start: 2024-01-01, end: 2024-02-01}}
`,
    3,
  );
  const got = Object.fromEntries(
    ["id", "n", "u", "c", "t", "d"].map((k) => [k, column(chunks, k)]),
  );
  assert.deepEqual(got, KNOWN);
});

/** Pinned outputs: a change here changes every generated dataset (bump PLAN_FORMAT). */
const KNOWN = {
  c: ["b", "b", "c"],
  d: [1705532509000, 1706609196000, 1704111255000],
  id: [1, 2, 3],
  // Ziggurat normals (PLAN_FORMAT 3; src/rng/ziggurat.ts).
  n: [0.5507300429107174, -0.3245396858186754, -1.1649112898186047],
  t: ["TX-00000001-VE", "TX-00000002-FB", "TX-00000003-VY"],
  u: [
    "af1e56c1-89ae-419a-952c-e2bc5477be28",
    "2af57de9-03df-42f6-bc20-4fc270245cc4",
    "c2163b53-73c8-404c-8cf2-66c418a36610",
  ],
};

Deno.test("pickRows selects exactly k rows; mixState is a pure function of its inputs", () => {
  const rng = new Rng(Uint32Array.from([1, 2, 3, 4]));
  const m = pickRows(1000, 37, rng);
  assert.equal(m.reduce((a, b) => a + b, 0), 37);
  const base = Uint32Array.from([5, 6, 7, 8]);
  assert.deepEqual(mixState(base, 3, 1), mixState(base, 3, 1));
  assert.notDeepEqual(mixState(base, 3, 1), mixState(base, 3, 2));
  assert.notDeepEqual(mixState(base, 3, 1), mixState(base, 4, 1));
});

Deno.test("README example runs unchanged with inference only", async () => {
  const sources = {
    "dataset.yaml":
      "name: finance_transactions\ndomain: finance\ndescription: Synthetic transactional data for ML training\nrow_count: 10000\n",
    "schema.yaml":
      "columns:\n  transaction_id:\n    type: integer\n    nullable: false\n  amount:\n    type: float\n    nullable: false\n    constraints:\n      min: 0.01\n      max: 10000.0\n  is_fraud:\n    type: boolean\n    nullable: false\n",
    "evolution.yaml": "fraud_rate: 0.02          # 2% of rows marked as fraud\n",
  };
  const spec = specOf(sources, "finance_transactions");
  const chunks = await generateAll(planGeneration(spec), ctxOf(spec.rowCount));
  const ids = nums(chunks, "transaction_id");
  assert.deepEqual(ids.slice(0, 3), [1, 2, 3]);
  assert.equal(new Set(ids).size, 10000);
  const amounts = nums(chunks, "amount");
  assert.ok(amounts.every((a) => a >= 0.01 && a <= 10000 && Math.round(a * 100) / 100 === a));
  assert.equal(nums(chunks, "is_fraud").reduce((a, b) => a + b, 0), 200);
});

Deno.test("inference follows the documented name/type rules", async () => {
  const chunks = await table(
    `columns:
  user_id: {type: string}
  email: {type: string}
  customer_name: {type: string}
  city: {type: string}
  currency: {type: string}
  status: {type: string, constraints: {allowed_values: [open, closed]}}
  is_active: {type: boolean}
  price: {type: float, constraints: {min: 1, max: 500}}
  quantity: {type: integer}
  created_at: {type: datetime}
  code: {type: string, unique: true}
`,
    2000,
  );
  assert.match(
    String(column(chunks, "user_id")[0]),
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.match(String(column(chunks, "email")[0]), /^[a-z]+\.[a-z]+\d*@example\.(com|org|net)$/);
  assert.match(String(column(chunks, "customer_name")[0]), /^[A-Z][a-z]+ [A-Z][a-z]+$/);
  assert.ok(column(chunks, "currency").every((c) => /^[A-Z]{3}$/.test(String(c))));
  assert.ok(column(chunks, "status").every((s) => s === "open" || s === "closed"));
  const p = nums(chunks, "price");
  assert.ok(p.every((x) => x >= 1 && x <= 500));
  assert.ok(nums(chunks, "quantity").every((q) => Number.isInteger(q) && q >= 0));
  const t = nums(chunks, "created_at");
  assert.ok(t.every((x) => x >= Date.UTC(2024, 0, 1) && x < Date.UTC(2025, 0, 1)));
  const codes = column(chunks, "code");
  assert.equal(new Set(codes).size, codes.length);
});

Deno.test("derived, template, email-from, conditional null and per-entity values", async () => {
  const chunks = await table(
    `columns:
  a: {type: integer, generator: {kind: sequence, start: 10, step: 5}}
  b: {type: float, generator: {kind: derived, expr: "if(a % 2 == 0, a / 4, -a)", decimals: 1}}
  name: {type: string, generator: {kind: person}}
  mail: {type: string, generator: {kind: email, from: name, domains: [corp.example]}}
  tag: {type: string, generator: {kind: template, template: "{col:a}/{digits:3}"}}
  r:
    type: float
    nullable: true
    generator:
      kind: conditional
      on: a
      cases: {"10": {kind: uniform, min: 0, max: 1}}
`,
    4,
  );
  assert.deepEqual(nums(chunks, "a"), [10, 15, 20, 25]);
  assert.deepEqual(nums(chunks, "b"), [2.5, -15, 5, -25]);
  const names = column(chunks, "name");
  const mails = column(chunks, "mail");
  mails.forEach((m, i) => {
    const local = String(names[i]).toLowerCase().replace(" ", ".");
    assert.ok(String(m).startsWith(local) && String(m).endsWith("@corp.example"), String(m));
  });
  assert.match(String(column(chunks, "tag")[1]), /^15\/\d{3}$/);
  const r = column(chunks, "r");
  assert.ok(typeof r[0] === "number" && r.slice(1).every((x) => x === null));
});

Deno.test("sdp init scaffold parses, generates and satisfies its own checks", async () => {
  const files = scaffoldDataset("shop");
  assert.deepEqual(Object.keys(files).sort(), ["dataset.yaml", "evolution.yaml", "schema.yaml"]);
  const spec = specOf(files, "shop");
  assert.ok(spec.columns.length >= 10);
  const chunks = await generateAll(planGeneration(spec), ctxOf(5000));
  const up = nums(chunks, "unit_price");
  const amt = nums(chunks, "amount");
  up.forEach((u, i) => assert.ok(u <= amt[i]));
  assert.ok(column(chunks, "order_code").every((c) => /^ORD-[0-9]{8}$/.test(String(c))));
  const rating = column(chunks, "rating");
  assert.equal(rating.filter((r) => r === null).length, Math.round(0.15 * 5000));
});

Deno.test("known answers: pinned content hashes of the built-in datasets (first 3000 rows, v0 and v3)", async () => {
  const got: Record<string, string> = {};
  for (const name of BUILTIN_DATASETS.keys()) {
    const spec = specOf(builtinSources(name), name);
    // Multi-table datasets are pinned per table in src/generate/relations_test.ts.
    if (spec.tables) continue;
    const plan = planGeneration(spec);
    for (const v of [0, 3]) {
      got[`${name}@${v}`] = await hashChunks(
        await generateAll(plan, ctxOf(3000, { seedHex: "pin", versionIndex: v, chunkRows: 1024 })),
      );
    }
  }
  assert.deepEqual(got, PINNED);
});

/** Update together with PLAN_FORMAT when a generator or a built-in dataset changes on purpose. */
const PINNED: Record<string, string> = {
  "finance_transactions@0": "cce6d9e6ed0eefa44da7bfae01e08045b6b5d153b87b9a7102af828083281709",
  "finance_transactions@3": "c39c628f81c4f58fc8ce61e995c4ab1083aa793c60799283f147b31c773601d0",
  "market_time_series@0": "51aedd16bb87af709dd89f1b76d6b3362f88dd9acdf1e922fd7c377eaa1f9baf",
  "market_time_series@3": "758142d6fa3af8dbc0bfe6af1d37742cccd15f88663e49949d903b088af33386",
  "saas_events@0": "5154140efd92d07d1c319fc9455ac40b8b8aaaa8ecfe21c019584b41fbfe55aa",
  "saas_events@3": "36f5bd485f627cf9a8f1ee66aaf9a821671e890e630acb4a1159c33f6a28af46",
};

Deno.test("categorical string columns carry dictionary codes that agree with their values", async () => {
  const plan = planGeneration(
    specOf(builtinSources("finance_transactions"), "finance_transactions"),
  );
  const chunk = await generateChunk(plan, ctxOf(3000, { chunkRows: 3000, seedHex: "c0de" }), 0);
  // currency: plain categorical; merchant_category: conditional on a boolean, with missing rows.
  for (const name of ["currency", "merchant_category"]) {
    const col = chunk.columns.get(name)!;
    assert.ok(col.type === "string" && col.codes, `${name} has codes`);
    const { dict, codes } = col.codes;
    assert.equal(new Set(dict).size, dict.length);
    let valid = 0;
    for (let i = 0; i < chunk.rows; i++) {
      if (col.valid !== null && col.valid[i] === 0) continue;
      valid++;
      assert.equal(col.values[i], dict[codes[i]]);
    }
    assert.ok(valid > 0);
  }
  const mc = chunk.columns.get("merchant_category")!;
  assert.ok(mc.valid !== null && mc.valid.includes(0), "merchant_category has missing rows");
});
