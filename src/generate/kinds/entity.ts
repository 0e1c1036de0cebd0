/**
 * `entity`: the key column of panel and event tables, and the key check
 * shared by the kinds that read it (per_entity, step_time, random_walk,
 * event_time).
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import type { CheckInput, KindDef } from "./kind.ts";
import { entityFn } from "../series.ts";

/** `entity`. */
export const entityDef: KindDef<"entity"> = {
  keys: ["kind", "layout", "values", "count", "template", "start", "mean_events", "max_events"],
  types: ["string", "integer"],
  parse({ p, ctx, column, field, loc, topLevel }) {
    if (!topLevel) ctx.problem(p.node, field, "entity must be a column's own generator");
    const layout = p.oneOf("layout", ["panel", "events"] as const, "events");
    const values = p.strings("values");
    const count = p.int("count", values?.length ?? 100, 1);
    const template = p.has("template") ? p.template("template") : undefined;
    const start = p.int("start", 1);
    const meanEvents = p.pos("mean_events", 10);
    const maxEvents = p.int("max_events", 1000, 1);
    if (values && p.has("count") && count !== values.length) {
      ctx.problem(
        p.node_("count"),
        p.at("count"),
        `is ${count} but ${values.length} values are listed`,
      );
    }
    if (values && new Set(values).size !== values.length) {
      ctx.problem(p.node_("values"), p.at("values"), "entity values must be distinct");
    }
    if (meanEvents !== undefined && meanEvents < 1) {
      ctx.problem(p.node_("mean_events"), p.at("mean_events"), "must be >= 1");
    }
    if (column.type === "string" && !values && !template) {
      ctx.problem(
        p.node,
        field,
        'a string entity column needs `values:` or a `template:` such as "U{seq:06}"',
      );
    }
    if (
      layout === undefined || count === undefined || start === undefined ||
      meanEvents === undefined || maxEvents === undefined
    ) return undefined;
    const out: GeneratorSpec & { kind: "entity" } = {
      kind: "entity",
      layout,
      count,
      start,
      meanEvents,
      maxEvents,
      loc,
    };
    if (values) out.values = values;
    if (template) out.template = template;
    return out;
  },
  compile: (g, { col, env }) => entityFn(g, col, env),
};

/**
 * `key:` must name an entity column, of layout `layout` when given
 * (panel for step_time and random_walk, events for event_time).
 */
export function checkEntityKey(
  g: { kind: string; key: string; loc: GeneratorSpec["loc"] },
  { field, add, need }: CheckInput,
  layout?: "panel" | "events",
): void {
  const k = need(g.key, "key");
  if (k && k.generator?.kind !== "entity") {
    add(g.loc, field, `key: column "${g.key}" must use the entity generator`);
  } else if (k && k.generator?.kind === "entity" && layout !== undefined) {
    const has = k.generator.layout;
    if (has !== layout) {
      add(
        g.loc,
        field,
        `${g.kind} needs ${
          layout === "panel" ? "a panel" : "an events"
        } entity; "${g.key}" has layout ${has}`,
      );
    }
  }
}
