/**
 * `template`: literal text with placeholders (see ../template.ts).
 *
 * @module
 */
import type { KindDef, SpecOf } from "./kind.ts";
import { MAX_STRING_CHARS } from "../../model/mod.ts";
import { templateFn } from "../row_fns.ts";

/** `template`. */
export const templateDef: KindDef<"template"> = {
  keys: ["kind", "template", "start", "max_length"],
  types: ["string"],
  parse({ p, ctx, loc }) {
    const template = p.str("template");
    const parts = p.template("template");
    const start = p.int("start", 1);
    const maxLength = p.has("max_length") ? p.int("max_length", undefined, 1) : undefined;
    if (maxLength !== undefined && maxLength > MAX_STRING_CHARS) {
      ctx.problem(
        p.node_("max_length"),
        p.at("max_length"),
        `must be at most ${MAX_STRING_CHARS}, got ${maxLength}`,
      );
      return undefined;
    }
    if (template === undefined || parts === undefined || start === undefined) return undefined;
    const out: SpecOf<"template"> = { kind: "template", template, parts, start, loc };
    if (maxLength !== undefined) out.maxLength = maxLength;
    return out;
  },
  deps: (g) => g.parts.flatMap((p) => (p.t === "col" ? [p.name] : [])),
  unique: (g) => g.parts.some((p) => p.t === "seq"),
  checkRefs(g, { need }) {
    for (const p of g.parts) if (p.t === "col") need(p.name, "{col:...}");
  },
  compile: (g, { col, env }) => templateFn(g.parts, env, (i) => g.start + env.start + i, col.name),
};
