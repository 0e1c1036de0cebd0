/**
 * `sequence`: start + step x row number (unique by construction).
 *
 * @module
 */
import { DEFAULT_START_DAYS, MAX_DATE_DAYS, MIN_DATE_DAYS } from "../../model/mod.ts";
import { formatDate } from "../../data/mod.ts";
import type { KindDef } from "./kind.ts";
import { typeRange, withAffine } from "../env.ts";

/** `sequence`. */
export const sequenceDef: KindDef<"sequence"> = {
  keys: ["kind", "start", "step"],
  types: ["integer", "float", "datetime", "date"],
  parse({ p, ctx, column, field, loc }) {
    // A date sequence starts at a date (default: the column's min, else 2024-01-01), steps in days.
    const start = column.type === "date"
      ? (p.has("start") ? p.date("start") : column.min ?? DEFAULT_START_DAYS)
      : p.num("start", 1);
    const step = p.num("step", 1);
    if (step === 0) {
      ctx.problem(p.node_("step"), p.at("step"), "must not be 0 (values would repeat)");
    }
    if (column.type !== "float" && (!Number.isInteger(start) || !Number.isInteger(step))) {
      ctx.problem(
        p.node,
        field,
        `start and step must be whole numbers for a ${column.type} column`,
      );
    }
    if (start === undefined || step === undefined) return undefined;
    return { kind: "sequence", start, step, loc };
  },
  unique: () => true,
  checkRange(g, { col, field, rowCount, add }) {
    const last = g.start + g.step * Math.max(0, rowCount - 1);
    // A date column's days read as dates in messages (when they are dates at all).
    const show = (v: number) =>
      col.type === "date" && v >= MIN_DATE_DAYS && v <= MAX_DATE_DAYS ? formatDate(v) : String(v);
    if (col.type !== "string" && col.type !== "boolean") {
      // Beyond what the type holds (e.g. step 1e308): the run would stop at the first such row.
      const [least, most] = typeRange(col.type);
      if (!(Math.min(g.start, last) >= least && Math.max(g.start, last) <= most)) {
        add(
          g.loc,
          field,
          `sequence runs from ${g.start} to ${last} over ${rowCount} rows, beyond what ` +
            `${
              col.type === "integer" ? "an" : "a"
            } ${col.type} column holds (${least} to ${most}); use a smaller start or step`,
        );
        return;
      }
    }
    const lo = col.min ?? -Infinity;
    const hi = col.max ?? Infinity;
    if (Math.min(g.start, last) < lo || Math.max(g.start, last) > hi) {
      add(
        g.loc,
        field,
        `sequence runs from ${show(g.start)} to ${
          show(last)
        } over ${rowCount} rows, outside the column's [${show(lo)}, ${show(hi)}]`,
      );
    }
  },
  compile(g, { env, t }) {
    const { start, step } = g;
    const s0 = env.start;
    return withAffine((i) => start + step * (s0 + i), t);
  },
};
