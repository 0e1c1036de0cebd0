/**
 * `template`: literal text with placeholders (see ../template.ts).
 *
 * @module
 */
import type { KindDef } from "./kind.ts";
import { templateFn } from "../row_fns.ts";

/** `template`. */
export const templateDef: KindDef<"template"> = {
  keys: ["kind", "template", "start"],
  types: ["string"],
  parse({ p, loc }) {
    const template = p.str("template");
    const parts = p.template("template");
    const start = p.int("start", 1);
    if (template === undefined || parts === undefined || start === undefined) return undefined;
    return { kind: "template", template, parts, start, loc };
  },
  deps: (g) => g.parts.flatMap((p) => (p.t === "col" ? [p.name] : [])),
  unique: (g) => g.parts.some((p) => p.t === "seq"),
  checkRefs(g, { need }) {
    for (const p of g.parts) if (p.t === "col") need(p.name, "{col:...}");
  },
  compile: (g, { col, env }) => templateFn(g.parts, env, (i) => g.start + env.start + i, col.name),
};
