import assert from "node:assert/strict";
import type { CheckSpec, ColumnSpec } from "../model/mod.ts";
import type { Chunk, ColumnValues } from "../data/mod.ts";
import { UNIQUE_MEMORY_LIMIT, Validator } from "./mod.ts";
import { withCodes } from "../../tests/helpers/profile.ts";

const loc = { file: "schema.yaml", line: 1, col: 1 };

function col(over: Partial<ColumnSpec> & Pick<ColumnSpec, "name" | "type">): ColumnSpec {
  return { nullable: false, unique: false, loc, ...over };
}

function chunk(start: number, cols: Record<string, ColumnValues>): Chunk {
  const rows = Object.values(cols)[0].values.length;
  return { index: 0, start, rows, columns: new Map(Object.entries(cols)) };
}

const num = (values: number[], valid?: number[]): ColumnValues => ({
  type: "float",
  values: Float64Array.from(values),
  valid: valid ? Uint8Array.from(valid) : null,
});
const str = (values: string[], valid?: number[]): ColumnValues => ({
  type: "string",
  values,
  valid: valid ? Uint8Array.from(valid) : null,
});

Deno.test("column constraints: counts and first rows per check", () => {
  const columns = [
    col({ name: "x", type: "float", min: 0, max: 10 }),
    col({ name: "s", type: "string", nullable: true, allowed: ["a", "b"], maxLength: 1 }),
    col({ name: "p", type: "string", pattern: "[A-Z]{2}-\\d+" }),
  ];
  const v = new Validator(columns, [], 6);
  v.add(chunk(0, {
    x: num([1, -1, 11, 5], [1, 1, 1, 0]),
    s: str(["a", "c", "", "bb"], [1, 1, 0, 1]),
    p: str(["AB-1", "ab-1", "AB-", "XY-99"]),
  }));
  v.add(chunk(4, { x: num([Infinity, 3]), s: str(["b", "a"]), p: str(["AB-12x", "QQ-0"]) }));
  const r = v.finish();
  assert.equal(r.passed, false);
  assert.deepEqual(r.columns.x.checks.min, { violations: 1, first_rows: [1] });
  assert.deepEqual(r.columns.x.checks.max, { violations: 2, first_rows: [2, 4] });
  assert.deepEqual(r.columns.x.checks.not_null, { violations: 1, first_rows: [3] });
  assert.deepEqual(r.columns.x.checks.finite, { violations: 1, first_rows: [4] });
  assert.deepEqual(r.columns.s.checks.allowed_values, { violations: 2, first_rows: [1, 3] });
  assert.deepEqual(r.columns.s.checks.max_length, { violations: 1, first_rows: [3] });
  assert.equal(r.columns.s.checks.not_null, undefined);
  assert.deepEqual(r.columns.p.checks.pattern, { violations: 3, first_rows: [1, 2, 4] });
  assert.equal(r.rows.actual, 6);
  assert.equal(r.violations, 1 + 2 + 1 + 1 + 2 + 1 + 3);
});

Deno.test("row count mismatch fails", () => {
  const v = new Validator([col({ name: "x", type: "float" })], [], 5);
  v.add(chunk(0, { x: num([1, 2]) }));
  const r = v.finish();
  assert.equal(r.passed, false);
  assert.deepEqual(r.rows, { expected: 5, actual: 2, passed: false });
});

Deno.test("table checks: compare, null_unless, not_null_when", () => {
  const columns = [
    col({ name: "low", type: "float" }),
    col({ name: "open", type: "float" }),
    col({ name: "event_type", type: "string" }),
    col({ name: "revenue", type: "float", nullable: true }),
  ];
  const checks: CheckSpec[] = [
    { kind: "compare", name: "low <= open", left: "low", op: "<=", right: { column: "open" }, loc },
    { kind: "compare", name: "open > 0", left: "open", op: ">", right: { value: 0 }, loc },
    {
      kind: "null_unless",
      name: "revenue null unless purchase",
      column: "revenue",
      whenColumn: "event_type",
      whenValues: ["purchase"],
      loc,
    },
    {
      kind: "not_null_when",
      name: "revenue set on purchase",
      column: "revenue",
      whenColumn: "event_type",
      whenValues: ["purchase"],
      loc,
    },
  ];
  const v = new Validator(columns, checks, 4);
  v.add(chunk(0, {
    low: num([1, 5, 2, 2]),
    open: num([2, 4, 2, 0]),
    event_type: str(["view", "purchase", "purchase", "view"]),
    revenue: num([3, 0, 9, 0], [1, 0, 1, 0]),
  }));
  const r = v.finish();
  assert.deepEqual(r.checks["low <= open"], { violations: 2, first_rows: [1, 3] });
  assert.deepEqual(r.checks["open > 0"], { violations: 1, first_rows: [3] });
  assert.deepEqual(r.checks["revenue null unless purchase"], { violations: 1, first_rows: [0] });
  assert.deepEqual(r.checks["revenue set on purchase"], { violations: 1, first_rows: [1] });
});

Deno.test("unique: sequences need no set; duplicates found; partitioned passes are exact", async () => {
  const columns = [
    col({ name: "id", type: "integer", unique: true }),
    col({ name: "k", type: "string", unique: true }),
  ];
  const v = new Validator(columns, [], 5);
  const c = chunk(0, {
    id: { type: "integer", values: Float64Array.from([1, 2, 3, 4, 5]), valid: null },
    k: str(["a", "b", "a", "c", "b"]),
  });
  v.add(c);
  assert.deepEqual(v.pendingUnique(), []);
  const r = v.finish();
  assert.equal(r.columns.id.checks.unique.violations, 0);
  assert.deepEqual(r.columns.k.checks.unique, { violations: 2, first_rows: [2, 4] });

  // Past the memory limit the validator asks for partitioned re-reads.
  const n = UNIQUE_MEMORY_LIMIT + 10;
  const big = new Validator([col({ name: "h", type: "integer", unique: true })], [], n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = (i * 7919) % n; // a permutation: unique but not increasing
  values[n - 1] = values[3]; // one duplicate
  const data = chunk(0, { h: { type: "integer", values, valid: null } });
  big.add(data);
  const pending = big.pendingUnique();
  assert.equal(pending.length, 1);
  for (let i = 0; i < pending[0].partitions; i++) {
    await big.uniquePass(
      "h",
      { index: i, of: pending[0].partitions },
      (async function* () {
        yield data;
      })(),
    );
  }
  assert.deepEqual(big.finish().columns.h.checks.unique, { violations: 1, first_rows: [n - 1] });
});

Deno.test("unique: a column that stops increasing late is decided by partitioned passes", async () => {
  const n = 10_000;
  const values = Float64Array.from({ length: n }, (_, i) => i);
  values[n - 1] = 7; // duplicate of an early value, after the increasing run
  const data = chunk(0, { id: { type: "integer", values, valid: null } });
  const v = new Validator([col({ name: "id", type: "integer", unique: true })], [], n);
  v.add(data);
  const pending = v.pendingUnique();
  assert.equal(pending.length, 1);
  for (let i = 0; i < pending[0].partitions; i++) {
    await v.uniquePass(
      "id",
      { index: i, of: pending[0].partitions },
      (async function* () {
        yield data;
      })(),
    );
  }
  assert.deepEqual(v.finish().columns.id.checks.unique, { violations: 1, first_rows: [n - 1] });
  // Breaking early (within the kept values) needs no extra pass.
  const early = Float64Array.from([1, 2, 3, 2, 5]);
  const w = new Validator([col({ name: "id", type: "integer", unique: true })], [], 5);
  w.add(chunk(0, { id: { type: "integer", values: early, valid: null } }));
  assert.deepEqual(w.pendingUnique(), []);
  assert.deepEqual(w.finish().columns.id.checks.unique, { violations: 1, first_rows: [3] });
});

Deno.test("string checks from dictionary codes: the same counts and first rows", () => {
  const columns = [
    col({ name: "s", type: "string", nullable: true, allowed: ["a", "b"], maxLength: 1 }),
    col({ name: "p", type: "string", pattern: "[A-Z]{2}-\\d+" }),
  ];
  const words = ["a", "c", "bb", "b", "AB-1", "ab-1", "XY-99"];
  const rows = 700;
  const s = Array.from({ length: rows }, (_, i) => words[(i * 3) % 4]);
  const sValid = Array.from({ length: rows }, (_, i) => (i % 5 === 2 ? 0 : 1));
  const p = Array.from({ length: rows }, (_, i) => words[4 + ((i * i) % 3)]);
  const plain = new Validator(columns, [], rows);
  const coded = new Validator(columns, [], rows);
  for (let start = 0; start < rows; start += 256) {
    const end = Math.min(rows, start + 256);
    const c = chunk(start, {
      s: str(
        s.slice(start, end).map((v, k) => sValid[start + k] ? v : ""),
        sValid.slice(start, end),
      ),
      p: str(p.slice(start, end)),
    });
    plain.add(c);
    const d = withCodes(c);
    assert.ok([...d.columns.values()].every((x) => x.type === "string" && x.codes));
    coded.add(d);
  }
  const want = plain.finish();
  assert.ok(want.columns.s.checks.allowed_values.violations > 0);
  assert.ok(want.columns.s.checks.max_length.violations > 0);
  assert.ok(want.columns.p.checks.pattern.violations > 0);
  assert.deepEqual(coded.finish(), want);
});
