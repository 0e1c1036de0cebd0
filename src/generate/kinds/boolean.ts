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
    return (_i, rng) => (rng.nextFloat() < rate ? 1 : 0);
  },
  rowFree: () => true,
};
