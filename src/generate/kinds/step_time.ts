/**
 * `step_time`: the time (or, on a date column, the day) of each step of a
 * panel entity.
 *
 * @module
 */
import { DEFAULT_START_DAYS, DEFAULT_START_MS } from "../../model/mod.ts";
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";
import { stepTime } from "../series.ts";
import { DAY } from "../row_fns.ts";

/** `step_time`. */
export const stepTimeDef: KindDef<"step_time"> = {
  keys: ["kind", "key", "start", "every"],
  types: ["datetime", "date"],
  parse({ p, ctx, column, loc }) {
    const key = p.str("key");
    // Stored in epoch ms for both types; a date column's start is a day and its steps whole days.
    const isDate = column.type === "date";
    const startDay = isDate
      ? p.date("start") ?? (p.has("start") ? undefined : column.min ?? DEFAULT_START_DAYS)
      : undefined;
    const start = isDate
      ? (startDay === undefined ? undefined : startDay * DAY)
      : p.datetime("start") ?? (p.has("start") ? undefined : column.min ?? DEFAULT_START_MS);
    const every = p.oneOf("every", ["business_day", "day", "hour", "minute"] as const, "day");
    if (isDate && (every === "hour" || every === "minute")) {
      ctx.problem(
        p.node_("every"),
        p.at("every"),
        `a date column holds whole days; every must be day or business_day, got ${every}`,
      );
      return undefined;
    }
    if (key === undefined || start === undefined || every === undefined) return undefined;
    return { kind: "step_time", key, start, every, loc };
  },
  deps: (g) => [g.key],
  checkRefs: (g, a) => checkEntityKey(g, a, "panel"),
  compile(g, { col, env }) {
    const layout = env.entities.get(g.key);
    const { start, every } = g;
    const unit = col.type === "date" ? DAY : 1;
    return (i) => (layout ? stepTime(start, every, layout.step[i]) / unit : null);
  },
};
