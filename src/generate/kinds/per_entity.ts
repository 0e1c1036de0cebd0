/**
 * `per_entity`: one value per entity, drawn from the entity's own stream.
 *
 * @module
 */
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";

/** `per_entity`. */
export const perEntityDef: KindDef<"per_entity"> = {
  keys: ["kind", "key", "of"],
  types: ["string", "integer", "float", "boolean", "datetime"],
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
};
