/**
 * `categorical`: listed values with weights (drift `mix` moves the weights).
 *
 * @module
 */
import type { KindDef } from "./kind.ts";
import { categorical } from "../row_fns.ts";

/** `categorical`. */
export const categoricalDef: KindDef<"categorical"> = {
  keys: ["kind", "values", "weights"],
  types: ["string", "integer", "float", "boolean"],
  parse({ p, ctx, column, loc }) {
    const n = p.node_("values");
    if (!p.has("values")) return p.missing("values"), undefined;
    const items = ctx.items(n, p.at("values"));
    if (!items) return undefined;
    if (items.length === 0) {
      ctx.problem(n, p.at("values"), "must list at least one value");
      return undefined;
    }
    const values: Array<string | number | boolean> = [];
    const seen = new Set<string>();
    items.forEach((it, i) => {
      const v = ctx.scalar(it);
      const ok = column.type === "string"
        ? typeof v === "string"
        : column.type === "boolean"
        ? typeof v === "boolean"
        : typeof v === "number" && Number.isFinite(v) &&
          (column.type !== "integer" || Number.isInteger(v));
      if (!ok) {
        ctx.problem(
          it,
          p.join(p.at("values"), i),
          `must be a ${column.type} value, got ${p.describe(it)}`,
        );
        return;
      }
      const key = String(v);
      if (seen.has(key)) ctx.problem(it, p.join(p.at("values"), i), `duplicate value ${key}`);
      seen.add(key);
      if (column.allowed && typeof v === "string" && !column.allowed.includes(v)) {
        ctx.problem(
          it,
          p.join(p.at("values"), i),
          `"${v}" is not in the column's allowed_values (${column.allowed.join(", ")})`,
        );
      }
      if (
        typeof v === "number" &&
        (column.min !== undefined && v < column.min || column.max !== undefined && v > column.max)
      ) {
        ctx.problem(it, p.join(p.at("values"), i), `${v} is outside the column's [min, max]`);
      }
      values.push(v as string | number | boolean);
    });
    const weights = p.has("weights") ? p.weights("weights", items.length) : values.map(() => 1);
    if (!weights) return undefined;
    return { kind: "categorical", values, weights, loc };
  },
  compile: (g, { col, env }) => categorical(g, col, env),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};
