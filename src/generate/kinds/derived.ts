/**
 * `derived`: an expression over the row's other columns (../expr.ts).
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import { compileExpr, exprColumns, parseExpr } from "../expr.ts";
import type { KindDef } from "./kind.ts";
import type { Rng } from "../../rng/mod.ts";
import { withAffine } from "../env.ts";
import { columnReader, valueAt } from "../row_fns.ts";

/** `derived`. */
export const derivedDef: KindDef<"derived"> = {
  keys: ["kind", "expr", "decimals"],
  types: ["string", "integer", "float", "boolean", "datetime"],
  parse({ p, ctx, loc }) {
    const expr = p.str("expr");
    const c = p.numeric(loc);
    if (expr === undefined) return undefined;
    const r = parseExpr(expr);
    if (!r.ok) {
      ctx.problem(
        p.node_("expr"),
        p.at("expr"),
        `${r.message} at character ${r.offset + 1} of "${expr}"`,
      );
      return undefined;
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
