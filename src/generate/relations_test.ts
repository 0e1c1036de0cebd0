import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import { parseDatasetSpec } from "../config/parse.ts";
import type { ChildCountSpec, Chunk } from "../model/mod.ts";
import { generateChunk } from "./engine.ts";
import { childCounts, countPmf, pickIndex } from "./relations.ts";
import { planTables } from "./relations_plan.ts";

function retail() {
  return parseDatasetSpec(BUILTIN_DATASETS.get("retail_orders")!, {
    displayDir: "builtin:retail_orders/",
    folderName: "retail_orders",
    origin: "builtin",
  });
}

Deno.test("countPmf: sums to 1 over [min, max], truncating the declared distribution", () => {
  const cases: Array<[ChildCountSpec, number[] | null]> = [
    [{ kind: "uniform", min: 2, max: 5 }, [0.25, 0.25, 0.25, 0.25]],
    [{ kind: "categorical", values: [1, 3], weights: [1, 3], min: 1, max: 3 }, [0.25, 0, 0.75]],
    [{ kind: "categorical", values: [0, 9], weights: [1, 1], min: 1, max: 9 }, null],
    [{ kind: "poisson", lambda: 3, min: 0, max: 40 }, null],
    [{ kind: "poisson", lambda: 500, min: 0, max: 10 }, null],
  ];
  for (const [spec, want] of cases) {
    const pmf = countPmf(spec);
    assert.equal(pmf.length, spec.max - spec.min + 1);
    assert.ok(Math.abs(pmf.reduce((a, b) => a + b, 0) - 1) < 1e-12, JSON.stringify(spec));
    if (want) assert.deepEqual(pmf, want);
  }
  // Poisson(500) truncated to [0, 10]: almost all the remaining mass is at 10.
  assert.ok(countPmf({ kind: "poisson", lambda: 500, min: 0, max: 10 })[10] > 0.97);
});

Deno.test("pickIndex: inside [0, m) for every kind, zipf favours the first rows", () => {
  for (const m of [1, 2, 7, 1000]) {
    for (const v of [0, 1e-12, 0.3, 0.999999, 1 - 2 ** -53]) {
      for (
        const pick of [{ kind: "uniform" as const }, { kind: "zipf" as const, s: 1 }, {
          kind: "zipf" as const,
          s: 2.5,
        }]
      ) {
        const i = pickIndex(pick, m, v);
        assert.ok(
          Number.isInteger(i) && i >= 0 && i < m,
          `${JSON.stringify(pick)} ${m} ${v}: ${i}`,
        );
      }
    }
  }
  let first = 0;
  for (let k = 0; k < 1000; k++) {
    if (pickIndex({ kind: "zipf", s: 1.5 }, 1000, k / 1000) === 0) first++;
  }
  assert.ok(first > 300, `first row picked ${first} times in 1000`);
});

Deno.test("childCounts: a pure function of (spec, seed, chunk)", async () => {
  const spec: ChildCountSpec = { kind: "poisson", lambda: 3, min: 0, max: 25 };
  const a = await childCounts(spec, "ab".repeat(32), { chunk: 4, rows: 1000 });
  const b = await childCounts({ ...spec }, "ab".repeat(32), { chunk: 4, rows: 1000 });
  const c = await childCounts(spec, "ab".repeat(32), { chunk: 5, rows: 1000 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.every((x) => x >= 0 && x <= 25));
});

function rowsOf(c: Chunk, column: string): unknown[] {
  const v = c.columns.get(column)!;
  return Array.from({ length: c.rows }, (_, i) => (v.valid && !v.valid[i] ? null : v.values[i]));
}

Deno.test("child chunks: the same whichever order (or thread) generates them", async () => {
  // 150,000 customers: orders span 7 chunks over 3 customer chunks.
  const plans = await planTables(retail(), { version: "v1", versionIndex: 0, rows: 150_000 });
  const orders = plans.find((p) => p.table.name === "orders")!;
  const n = Math.ceil(orders.rowCount / orders.ctx.chunkRows);
  assert.ok(n >= 6, `orders has ${n} chunks`);
  const forward: Chunk[] = [];
  for (let k = 0; k < n; k++) forward.push(await generateChunk(orders.plan, orders.ctx, k));
  // Backwards, on a structured clone of the plan (as a worker receives it).
  const clone = structuredClone({ plan: orders.plan, ctx: orders.ctx });
  for (let k = n - 1; k >= 0; k--) {
    const c = await generateChunk(clone.plan, clone.ctx, k);
    for (const col of ["customer_id", "order_id", "ordered_at", "channel"]) {
      assert.deepEqual(rowsOf(c, col), rowsOf(forward[k], col), `chunk ${k} ${col}`);
    }
  }
  // Children follow their parents: customer ids never decrease across chunk borders.
  let last = -Infinity;
  for (const c of forward) {
    for (const id of rowsOf(c, "customer_id") as number[]) {
      assert.ok(id >= last);
      last = id;
    }
  }
});

Deno.test("planTables: child row counts are the sums of the per-parent draws", async () => {
  const plans = await planTables(retail(), { version: "v7", versionIndex: 0 });
  const byName = new Map(plans.map((p) => [p.table.name, p]));
  assert.deepEqual(plans.map((p) => p.table.name), [
    "customers",
    "orders",
    "products",
    "order_lines",
  ]);
  const orders = byName.get("orders")!;
  const driver = orders.plan.relations!.driver!;
  const counts = await childCounts(driver.count, orders.ctx.seedHex, { chunk: 0, rows: 20_000 });
  assert.equal(orders.rowCount, counts.reduce((a, b) => a + b, 0));
  // --rows scales the largest root; the others alike.
  const scaled = await planTables(retail(), { version: "v7", versionIndex: 0, rows: 40_000 });
  assert.equal(scaled.find((p) => p.table.name === "customers")!.rowCount, 40_000);
  assert.equal(scaled.find((p) => p.table.name === "products")!.rowCount, 1_000);
});

Deno.test("composite foreign key: returns point at (order_id, line_no) rows of order_lines", async () => {
  const base = BUILTIN_DATASETS.get("retail_orders")!;
  const sources = {
    ...base,
    "schema.yaml": base["schema.yaml"] + `  returns:
    primary_key: [return_id]
    foreign_keys:
      - columns: [order_id, line_no]
        references: { table: order_lines, columns: [order_id, line_no] }
        per_parent: { kind: categorical, values: [0, 1], weights: [9, 1] }
    columns:
      return_id: { type: integer, generator: { kind: sequence, start: 1 } }
      order_id: { type: integer }
      line_no: { type: integer }
      refund:
        type: float
        generator: { kind: derived, expr: "order_lines.unit_price * order_lines.quantity" }
`,
  };
  const spec = parseDatasetSpec(sources, {
    displayDir: "x/",
    folderName: "retail_orders",
    origin: "test",
  });
  const plans = await planTables(spec, { version: "v1", versionIndex: 0, rows: 5000 });
  const byName = new Map(plans.map((p) => [p.table.name, p]));
  const lines = byName.get("order_lines")!;
  const returns = byName.get("returns")!;
  assert.ok(returns.rowCount > 0);
  // order_lines (composite key, not a sequence) is regenerated for its children: read it whole.
  const lineRows = new Map<string, number>();
  for (let k = 0; k * lines.ctx.chunkRows < lines.rowCount; k++) {
    const c = await generateChunk(lines.plan, lines.ctx, k);
    const o = rowsOf(c, "order_id");
    const l = rowsOf(c, "line_no");
    const price = rowsOf(c, "unit_price") as number[];
    const qty = rowsOf(c, "quantity") as number[];
    o.forEach((x, i) => lineRows.set(`${x}/${l[i]}`, price[i] * qty[i]));
  }
  const c = await generateChunk(returns.plan, returns.ctx, 0);
  const o = rowsOf(c, "order_id");
  const l = rowsOf(c, "line_no");
  const refund = rowsOf(c, "refund") as number[];
  o.forEach((x, i) => {
    const want = lineRows.get(`${x}/${l[i]}`);
    assert.ok(want !== undefined, `return ${i} points at no line (${x}, ${l[i]})`);
    assert.ok(Math.abs(refund[i] - want) < 1e-9);
  });
  // About one return per ten lines.
  assert.ok(Math.abs(returns.rowCount / lines.rowCount - 0.1) < 0.02);
});
