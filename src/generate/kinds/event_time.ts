/**
 * `event_time`: event times of an events entity in sessions after a
 * per-entity start, and `session_id` that names those sessions.
 *
 * @module
 */
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";
import { eventTimeFn } from "../series.ts";
import type { TemplatePart } from "../../model/mod.ts";
import { templateFn } from "../row_fns.ts";

/** `event_time`. */
export const eventTimeDef: KindDef<"event_time"> = {
  keys: [
    "kind",
    "key",
    "after",
    "first_event_hours",
    "session_gap_hours",
    "event_gap_seconds",
    "events_per_session",
  ],
  types: ["datetime"],
  parse({ p, ctx, loc }) {
    const key = p.str("key");
    const after = p.str("after");
    const firstEventHours = p.pos("first_event_hours", 2);
    const sessionGapHours = p.pos("session_gap_hours", 48);
    const eventGapSeconds = p.pos("event_gap_seconds", 60);
    const eventsPerSession = p.pos("events_per_session", 5);
    if (eventsPerSession !== undefined && eventsPerSession < 1) {
      ctx.problem(p.node_("events_per_session"), p.at("events_per_session"), "must be >= 1");
      return undefined;
    }
    if (
      key === undefined || after === undefined || firstEventHours === undefined ||
      sessionGapHours === undefined || eventGapSeconds === undefined ||
      eventsPerSession === undefined
    ) return undefined;
    return {
      kind: "event_time",
      key,
      after,
      firstEventHours,
      sessionGapHours,
      eventGapSeconds,
      eventsPerSession,
      loc,
    };
  },
  deps: (g) => [g.key, g.after],
  checkRefs(g, a) {
    checkEntityKey(g, a, "events");
    const after = a.need(g.after, "after");
    if (
      after &&
      (after.type !== "datetime" || after.generator?.kind !== "per_entity" ||
        after.generator.key !== g.key)
    ) {
      a.add(
        g.loc,
        a.field,
        `after: column "${g.after}" must be a datetime per_entity column keyed by "${g.key}"`,
      );
    }
  },
  compile: (g, { col, env }) => eventTimeFn(g, col, env),
};

/** `session_id`: a template per session of an event_time column (`{col:KEY}` is its key). */
export const sessionIdDef: KindDef<"session_id"> = {
  keys: ["kind", "of", "template"],
  types: ["string"],
  parse({ p, loc }) {
    const of = p.str("of");
    const template = p.template("template", "{col:KEY}-{session:03}");
    if (of === undefined || template === undefined) return undefined;
    return { kind: "session_id", of, template, loc };
  },
  deps: (g) => [
    g.of,
    ...g.template.flatMap((p) => (p.t === "col" && p.name !== "KEY" ? [p.name] : [])),
  ],
  checkRefs(g, { field, add, need }) {
    const o = need(g.of, "of");
    if (o && o.generator?.kind !== "event_time") {
      add(g.loc, field, `of: column "${g.of}" must use event_time`);
    }
    for (const p of g.template) if (p.t === "col" && p.name !== "KEY") need(p.name, "{col:...}");
  },
  compile(g, { col, env }) {
    const sessions = env.sessions.get(g.of);
    const of = env.plan.columns[g.of];
    const keyName = of?.gen.kind === "event_time" ? of.gen.key : "";
    const parts = g.template.map((p): TemplatePart =>
      p.t === "col" && p.name === "KEY" ? { t: "col", name: keyName } : p
    );
    return templateFn(parts, env, (i) => (sessions ? sessions[i] + 1 : 0), col.name);
  },
};
