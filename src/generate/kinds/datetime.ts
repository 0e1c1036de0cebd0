/**
 * `datetime`: times in [start, end] (both inclusive) with weekday and hour
 * weights; on a `date` column, days in [start, end] with weekday weights.
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import type { KindDef } from "./kind.ts";
import { datetimeFn, DAY } from "../row_fns.ts";

/** `datetime`. */
export const datetimeDef: KindDef<"datetime"> = {
  keys: ["kind", "start", "end", "weekday_weights", "hour_weights", "resolution"],
  types: ["datetime", "date"],
  parse({ p, ctx, column, loc }) {
    // A date column's bounds are whole days written YYYY-MM-DD; a datetime's are instants.
    const isDate = column.type === "date";
    const start = isDate ? p.date("start") : p.datetime("start");
    const end = isDate ? p.date("end") : p.datetime("end");
    if (start !== undefined && end !== undefined && !(isDate ? start <= end : start < end)) {
      ctx.problem(
        p.node_("end"),
        p.at("end"),
        isDate ? "must not be before start" : "must be after start",
      );
    }
    const weekdayWeights = p.weights("weekday_weights", 7);
    if (isDate && p.has("hour_weights")) {
      ctx.problem(
        p.node_("hour_weights"),
        p.at("hour_weights"),
        "a date column has no time of day; remove hour_weights (or make the column a datetime)",
      );
      return undefined;
    }
    const hourWeights = p.weights("hour_weights", 24);
    const res = p.oneOf(
      "resolution",
      ["millisecond", "second", "minute", "hour", "day"] as const,
      isDate ? "day" : "second",
    );
    if (res === undefined) return undefined;
    if (isDate && res !== "day") {
      ctx.problem(
        p.node_("resolution"),
        p.at("resolution"),
        `a date column holds whole days; resolution must be day (or left out), got ${res}`,
      );
      return undefined;
    }
    const resolutionMs =
      { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: DAY }[res];
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
