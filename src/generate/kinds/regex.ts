/**
 * `regex`: strings matching a pattern (the subset in ../regex.ts).
 *
 * @module
 */
import { parseRegex, sampleRegex } from "../regex.ts";
import type { KindDef } from "./kind.ts";

/** `regex`. */
export const regexDef: KindDef<"regex"> = {
  keys: ["kind", "pattern"],
  types: ["string"],
  parse({ p, ctx, loc }) {
    const pattern = p.str("pattern");
    if (pattern === undefined) return undefined;
    const ast = parseRegex(pattern);
    if (typeof ast === "string") {
      ctx.problem(
        p.node_("pattern"),
        p.at("pattern"),
        `cannot generate from this pattern: ${ast}`,
      );
      return undefined;
    }
    return { kind: "regex", pattern, ast, loc };
  },
  compile(g) {
    const ast = g.ast;
    return (_i, rng) => sampleRegex(ast, rng);
  },
  rowFree: () => true,
};
