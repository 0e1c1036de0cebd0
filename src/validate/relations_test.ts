import assert from "node:assert/strict";
import { BUILTIN_DATASETS } from "../builtin/mod.ts";
import { parseDatasetSpec } from "../config/parse.ts";
import type { Chunk, ColumnValues } from "../model/mod.ts";
import { perParent, validateRelations } from "./relations.ts";

function spec() {
  return parseDatasetSpec(BUILTIN_DATASETS.get("retail_orders")!, {
    displayDir: "builtin:retail_orders/",
    folderName: "retail_orders",
    origin: "builtin",
  });
}

function ints(values: Array<number | null>): ColumnValues {
  return {
    type: "integer",
    values: Float64Array.from(values, (v) => v ?? 0),
    valid: values.includes(null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null,
  };
}

function dates(values: number[]): ColumnValues {
  return { type: "datetime", values: Float64Array.from(values), valid: null };
}

/** Tables as column arrays (one chunk each). */
function reader(tables: Record<string, Record<string, ColumnValues>>) {
  return async function* (table: string, _columns: string[]): AsyncIterable<Chunk> {
    const cols = tables[table];
    const rows = Object.values(cols)[0].values.length;
    yield { index: 0, start: 0, rows, columns: new Map(Object.entries(cols)) };
  };
}

const GOOD = {
  customers: {
    customer_id: ints([1, 2, 3]),
    referred_by: ints([null, 1, 1]),
    signup_at: dates([10, 20, 30]),
  },
  products: { product_id: ints([1000, 1001]) },
  orders: {
    order_id: ints([1, 2, 3]),
    customer_id: ints([1, 1, 3]),
    ordered_at: dates([10, 15, 30]),
  },
  order_lines: {
    order_id: ints([1, 1, 2, 3]),
    line_no: ints([1, 2, 1, 1]),
    product_id: ints([1000, 1001, 1000, 1000]),
  },
};

Deno.test("validateRelations: intact tables pass, with per-parent counts", async () => {
  const r = await validateRelations(spec(), reader(GOOD));
  assert.equal(r.passed, true, JSON.stringify(r));
  const orders = r.tables.find((t) => t.table === "orders")!;
  assert.deepEqual(orders.foreign_keys[0].per_parent!.histogram, [1, 1, 1]);
  assert.equal(orders.cross_checks["ordered_at >= customers.signup_at"].violations, 0);
});

Deno.test("validateRelations: each kind of broken relation fails, naming rows", async (t) => {
  const cases: Array<
    [string, (g: typeof GOOD) => void, (r: Awaited<ReturnType<typeof validateRelations>>) => void]
  > = [
    ["orphan order", (g) => (g.orders.customer_id = ints([1, 9, 3])), (r) => {
      const fk = r.tables.find((x) => x.table === "orders")!.foreign_keys[0];
      assert.equal(fk.orphans, 1);
      assert.deepEqual(fk.first_orphan_rows, [1]);
    }],
    ["duplicate primary key", (g) => (g.products.product_id = ints([1000, 1000])), (r) => {
      assert.equal(r.tables.find((x) => x.table === "products")!.primary_key.duplicates, 1);
    }],
    ["duplicate composite key", (g) => (g.order_lines.line_no = ints([1, 1, 1, 1])), (r) => {
      assert.equal(r.tables.find((x) => x.table === "order_lines")!.primary_key.duplicates, 1);
    }],
    [
      "self-reference to a missing row",
      (g) => (g.customers.referred_by = ints([null, 7, 1])),
      (r) => {
        const fk = r.tables.find((x) => x.table === "customers")!.foreign_keys[0];
        assert.deepEqual([fk.orphans, fk.first_orphan_rows], [1, [1]]);
      },
    ],
    ["cross-table check", (g) => (g.orders.ordered_at = dates([10, 5, 30])), (r) => {
      const c = r.tables.find((x) => x.table === "orders")!.cross_checks;
      assert.deepEqual(c["ordered_at >= customers.signup_at"].first_rows, [1]);
    }],
    ["too many children", (g) => (g.order_lines = {
      order_id: ints([1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3]),
      line_no: ints([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1]),
      product_id: ints([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]),
    }), (r) => {
      const fk = r.tables.find((x) => x.table === "order_lines")!.foreign_keys[0];
      assert.equal(fk.per_parent!.out_of_bounds, 1);
    }],
  ];
  for (const [name, breakIt, check] of cases) {
    await t.step(name, async () => {
      const g = structuredClone(GOOD);
      breakIt(g);
      const r = await validateRelations(spec(), reader(g));
      assert.equal(r.passed, false);
      check(r);
    });
  }
});

Deno.test("perParent: a fit to the declaration, and a clear misfit", () => {
  const declared = { kind: "uniform" as const, min: 0, max: 3 };
  const even = Int32Array.from({ length: 4000 }, (_, i) => i % 4);
  const fit = perParent(even, declared);
  assert.equal(fit.matches, true);
  assert.equal(fit.mean, 1.5);
  const skewed = Int32Array.from({ length: 4000 }, (_, i) => (i % 10 === 0 ? 3 : 0));
  assert.equal(perParent(skewed, declared).matches, false);
});
