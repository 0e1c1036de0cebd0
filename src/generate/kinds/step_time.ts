/**
 * `step_time`: the time of each step of a panel entity.
 *
 * @module
 */
import { DEFAULT_START_MS } from "../../model/mod.ts";
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";
import { stepTime } from "../series.ts";

/** `step_time`. */
export const stepTimeDef: KindDef<"step_time"> = {
  keys: ["kind", "key", "start", "every"],
  types: ["datetime"],
  parse({ p, column, loc }) {
    const key = p.str("key");
    const start = p.datetime("start") ??
      (p.has("start") ? undefined : column.min ?? DEFAULT_START_MS);
    const every = p.oneOf("every", ["business_day", "day", "hour", "minute"] as const, "day");
    if (key === undefined || start === undefined || every === undefined) return undefined;
    return { kind: "step_time", key, start, every, loc };
  },
  deps: (g) => [g.key],
  checkRefs: (g, a) => checkEntityKey(g, a, "panel"),
  compile(g, { env }) {
    const layout = env.entities.get(g.key);
    const { start, every } = g;
    return (i) => (layout ? stepTime(start, every, layout.step[i]) : null);
  },
};
