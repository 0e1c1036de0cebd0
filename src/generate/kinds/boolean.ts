/**
 * `boolean`: true with probability `rate` (drift `rate` moves it).
 *
 * @module
 */
import type { KindDef } from "./kind.ts";

/** `boolean`. */
export const booleanDef: KindDef<"boolean"> = {
  keys: ["kind", "rate"],
  types: ["boolean"],
  parse({ p, ctx, loc }) {
    const rate = ctx.rate(p.node_("rate"), p.at("rate")) ?? (p.has("rate") ? undefined : 0.5);
    return rate === undefined ? undefined : { kind: "boolean", rate, loc };
  },
};
