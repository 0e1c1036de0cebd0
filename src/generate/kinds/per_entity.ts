/**
 * `per_entity`: one value per entity, drawn from the entity's own stream.
 *
 * @module
 */
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";
import { Rng } from "../../rng/mod.ts";
import type { Val } from "../expr.ts";
import { mixState } from "../series.ts";

/** `per_entity`. */
export const perEntityDef: KindDef<"per_entity"> = {
  keys: ["kind", "key", "of"],
  types: ["string", "integer", "float", "boolean", "datetime", "date"],
  parse({ p, ctx, loc, sub }) {
    const key = p.str("key");
    if (!p.has("of")) return p.missing("of"), undefined;
    const of = sub(p.node_("of"), p.at("of"));
    if (of === null) ctx.problem(p.node_("of"), p.at("of"), "must be a generator");
    if (key === undefined || !of) return undefined;
    return { kind: "per_entity", key, of, loc };
  },
  deps: (g, deps) => [g.key, ...deps(g.of)],
  decimals: (g, decimals) => decimals(g.of),
  checkRefs(g, a, refs) {
    checkEntityKey(g, a);
    refs(g.of);
  },
  checkMass: (g, _a, mass) => mass(g.of),
  compile(g, { col, env, compile, rowFree }) {
    const layout = env.entities.get(g.key);
    const inner = compile(g.of);
    const base = env.bases.get(col.name)!;
    if (!layout) return () => null;
    if (!rowFree(g.of)) {
      return (i) => inner(i, new Rng(mixState(base, layout.entity[i], 0)));
    }
    // The value depends on the entity's stream alone: draw it once per entity
    // (rows of an entity are consecutive in events layouts, cyclic in panels).
    const memo = new Map<number, Val>();
    let lastE = -1;
    let lastV: Val = null;
    return (i) => {
      const e = layout.entity[i];
      if (e === lastE) return lastV;
      let v = memo.get(e);
      if (v === undefined) {
        v = inner(i, new Rng(mixState(base, e, 0)));
        memo.set(e, v);
      }
      lastE = e;
      lastV = v;
      return v;
    };
  },
};
