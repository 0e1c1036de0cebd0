/**
 * `derived`: an expression over the row's other columns (../expr.ts).
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import { compileExpr, type Expr, exprColumns, parseExpr, type Val } from "../expr.ts";
import type { KindDef } from "./kind.ts";
import { excerpt } from "../../strict_yaml/excerpt.ts";
import type { Rng } from "../../rng/mod.ts";
import { withAffine } from "../env.ts";
import { columnReader, valueAt } from "../row_fns.ts";

/** The value of an expression that reads no column and draws nothing; undefined otherwise. */
function constantValue(ast: Expr): Val | undefined {
  const pure = (x: Expr): boolean => {
    switch (x.t) {
      case "num":
      case "str":
        return true;
      case "col":
        return false;
      case "neg":
      case "not":
        return pure(x.a);
      case "bin":
        return pure(x.a) && pure(x.b);
      case "call":
        return x.fn !== "normal" && x.fn !== "uniform" && x.args.every(pure);
    }
  };
  if (!pure(ast)) return undefined;
  const none = () => {
    throw new Error("a constant expression read a column or drew a number");
  };
  return compileExpr(ast, { column: none, uniform: none, normal: none })(0);
}

/** `derived`. */
export const derivedDef: KindDef<"derived"> = {
  keys: ["kind", "expr", "decimals"],
  types: ["string", "integer", "float", "boolean", "datetime", "date"],
  parse({ p, ctx, column, loc }) {
    const expr = p.str("expr");
    const c = p.numeric(loc);
    if (expr === undefined) return undefined;
    const r = parseExpr(expr);
    if (!r.ok) {
      ctx.problem(
        p.node_("expr"),
        p.at("expr"),
        `${r.message} at character ${r.offset + 1} of ${excerpt(expr)}`,
      );
      return undefined;
    }
    const fixed = constantValue(r.expr);
    if (fixed !== undefined) {
      // Known now: say so at the config, not at row 0 of the run.
      const bad = fixed === null
        ? (column.nullable ? undefined : "null (division by zero?), but the column is not nullable")
        : typeof fixed === "number" && !Number.isFinite(fixed)
        ? `${fixed}, which no column can hold`
        : undefined;
      if (bad !== undefined) {
        ctx.problem(p.node_("expr"), p.at("expr"), `always evaluates to ${bad}`);
        return undefined;
      }
    }
    const out: GeneratorSpec & { kind: "derived" } = { kind: "derived", expr, ast: r.expr, loc };
    if (c.decimals !== undefined) out.decimals = c.decimals;
    return out;
  },
  deps: (g) => exprColumns(g.ast),
  decimals: (g) => g.decimals,
  checkRefs(g, { need }) {
    for (const name of exprColumns(g.ast)) need(name, `expr "${g.expr}"`);
  },
  compile(g, { env, t }) {
    let cur: Rng | null = null;
    const f = compileExpr(g.ast, {
      column: (name, r) => valueAt(env.cols.get(name), r),
      reader: (name) => columnReader(env.cols.get(name)),
      uniform: () => cur!.nextOpenFloat(),
      normal: () => cur!.nextNormal(),
    });
    return withAffine((i, rng) => {
      cur = rng;
      return f(i);
    }, t);
  },
};
