/**
 * `boolean`: true with probability `rate` (drift `rate` moves it).
 *
 * @module
 */
import type { KindDef } from "./kind.ts";
import { clamp01, driftSum } from "../env.ts";

/** `boolean`. */
export const booleanDef: KindDef<"boolean"> = {
  keys: ["kind", "rate"],
  types: ["boolean"],
  parse({ p, ctx, loc }) {
    const rate = ctx.rate(p.node_("rate"), p.at("rate")) ?? (p.has("rate") ? undefined : 0.5);
    return rate === undefined ? undefined : { kind: "boolean", rate, loc };
  },
  compile(g, { col, env }) {
    const rate = clamp01(g.rate + driftSum(col, "rate") * env.ctx.versionIndex);
    // In a copula: false below 1 - rate, true above (a larger score leans to true).
    const u0 = env.copula.get(col.name);
    if (u0 !== undefined) return (i) => (u0[i] >= 1 - rate ? 1 : 0);
    return (_i, rng) => (rng.nextFloat() < rate ? 1 : 0);
  },
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};
