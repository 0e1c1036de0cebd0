/**
 * `datetime`: times in [start, end) with weekday and hour weights.
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import type { KindDef } from "./kind.ts";
import { datetimeFn } from "../row_fns.ts";

/** `datetime`. */
export const datetimeDef: KindDef<"datetime"> = {
  keys: ["kind", "start", "end", "weekday_weights", "hour_weights", "resolution"],
  types: ["datetime"],
  parse({ p, ctx, loc }) {
    const start = p.datetime("start");
    const end = p.datetime("end");
    if (start !== undefined && end !== undefined && !(start < end)) {
      ctx.problem(p.node_("end"), p.at("end"), "must be after start");
    }
    const weekdayWeights = p.weights("weekday_weights", 7);
    const hourWeights = p.weights("hour_weights", 24);
    const res = p.oneOf(
      "resolution",
      ["millisecond", "second", "minute", "hour", "day"] as const,
      "second",
    );
    if (res === undefined) return undefined;
    const resolutionMs =
      { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }[res];
    const out: GeneratorSpec & { kind: "datetime" } = { kind: "datetime", resolutionMs, loc };
    if (start !== undefined) out.start = start;
    if (end !== undefined) out.end = end;
    if (weekdayWeights) out.weekdayWeights = weekdayWeights;
    if (hourWeights) out.hourWeights = hourWeights;
    return out;
  },
  checkRange(g, { col, field, add }) {
    const lo = col.min ?? -Infinity;
    const hi = col.max ?? Infinity;
    const a = Math.max(g.start ?? lo, lo);
    const b = Math.min(g.end ?? hi, hi);
    if (Number.isFinite(a) && Number.isFinite(b) && a > b) {
      add(g.loc, field, "the generator's [start, end] does not overlap the column's [min, max]");
    }
  },
  compile: (g, { col, env }) => datetimeFn(g, col, env.copula.get(col.name)),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};
