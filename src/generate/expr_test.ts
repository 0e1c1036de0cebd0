import assert from "node:assert/strict";
import { compileExpr, exprColumns, parseExpr, type Val } from "./expr.ts";

function evalExpr(src: string, row: Record<string, Val> = {}): Val {
  const r = parseExpr(src);
  if (!r.ok) throw new Error(r.message);
  let k = 0;
  const f = compileExpr(r.expr, {
    column: (name) => row[name] ?? null,
    uniform: () => 0.25,
    normal: () => (k++ % 2 === 0 ? 1 : -1),
  });
  return f(0);
}

Deno.test("precedence, comparison and logic", () => {
  assert.equal(evalExpr("1 + 2 * 3 - 4 / 2"), 5);
  assert.equal(evalExpr("-(1 + 2) * 2"), -6);
  assert.equal(evalExpr("7 % 4 == 3 and not 0"), 1);
  assert.equal(evalExpr("1 < 2 or 1 / 0"), 1);
  assert.equal(evalExpr("a >= 10", { a: 10 }), 1);
  assert.equal(evalExpr("kind == 'gold'", { kind: "gold" }), 1);
});

Deno.test("functions, random draws and datetime helpers", () => {
  assert.equal(evalExpr("max(a, b, 3)", { a: 1, b: 2 }), 3);
  assert.equal(evalExpr("round(2.345, 2)"), 2.35);
  assert.equal(evalExpr("clamp(15, 0, 10)"), 10);
  assert.equal(evalExpr("if(flag, 'y', 'n')", { flag: 0 }), "n");
  assert.equal(evalExpr("normal(10, 2) + uniform(0, 4)"), 13);
  const t = Date.UTC(2024, 0, 6, 23); // a Saturday
  assert.equal(evalExpr("hour(t)", { t }), 23);
  assert.equal(evalExpr("weekday(t)", { t }), 5);
  assert.equal(evalExpr("concat(a, '-', 7)", { a: "x" }), "x-7");
});

Deno.test("nulls propagate; division by zero is null; if treats null as false", () => {
  assert.equal(evalExpr("a + 1"), null);
  assert.equal(evalExpr("1 / 0"), null);
  assert.equal(evalExpr("if(a, 1, 2)"), 2);
  // Non-finite results stay numbers: the column writer reports them with the column and row.
  assert.ok(Number.isNaN(evalExpr("log(0 - 1)")));
  assert.equal(evalExpr("exp(1000)"), Infinity);
});

Deno.test("syntax errors carry an offset; referenced columns are listed", () => {
  const bad = parseExpr("a + * b");
  assert.ok(!bad.ok && bad.offset === 4);
  const unknown = parseExpr("foo(1)");
  assert.ok(!unknown.ok && unknown.message.includes("unknown function"));
  const arity = parseExpr("pow(1)");
  assert.ok(!arity.ok);
  const ok = parseExpr("max(open, close) * exp(abs(normal(0, s)))");
  assert.ok(ok.ok);
  if (ok.ok) assert.deepEqual(exprColumns(ok.expr), ["close", "open", "s"]);
});
