/**
 * `regex`: strings matching a pattern (the subset in ../regex.ts).
 *
 * @module
 */
import { parseRegex, regexSize, sampleRegex } from "../regex.ts";
import type { KindDef, SpecOf } from "./kind.ts";
import { DEFAULT_MAX_STRING_CHARS, MAX_STRING_CHARS } from "../../model/mod.ts";

/** Most nodes one draw may visit (nested repeats of empty or tiny parts). */
const MAX_REGEX_WORK = 1_000_000;

/** `regex`. */
export const regexDef: KindDef<"regex"> = {
  keys: ["kind", "pattern", "max_length"],
  types: ["string"],
  parse({ p, ctx, loc, column }) {
    const pattern = p.str("pattern");
    const maxLength = p.has("max_length") ? p.int("max_length", undefined, 1) : undefined;
    if (pattern === undefined) return undefined;
    if (maxLength !== undefined && maxLength > MAX_STRING_CHARS) {
      ctx.problem(
        p.node_("max_length"),
        p.at("max_length"),
        `must be at most ${MAX_STRING_CHARS}, got ${maxLength}`,
      );
      return undefined;
    }
    const ast = parseRegex(pattern);
    if (typeof ast === "string") {
      ctx.problem(
        p.node_("pattern"),
        p.at("pattern"),
        `cannot generate from this pattern: ${ast}`,
      );
      return undefined;
    }
    // The same limit as the column writer's (writers.ts stringLimit).
    const limit = Math.min(
      MAX_STRING_CHARS,
      Math.max(maxLength ?? DEFAULT_MAX_STRING_CHARS, column.maxLength ?? 0),
    );
    const size = regexSize(ast);
    if (size.max > limit) {
      ctx.problem(
        p.node_("pattern"),
        p.at("pattern"),
        `can produce strings of up to ${size.max} characters (at least ${size.min}), ` +
          `more than the limit of ${limit}; shorten its repeats or raise max_length ` +
          `(on the generator or the column, at most ${MAX_STRING_CHARS})`,
      );
      return undefined;
    }
    if (size.work > MAX_REGEX_WORK) {
      ctx.problem(
        p.node_("pattern"),
        p.at("pattern"),
        `nests its repeats too deeply (a value would take up to ${size.work} steps, ` +
          `at most ${MAX_REGEX_WORK}); simplify it`,
      );
      return undefined;
    }
    const out: SpecOf<"regex"> = { kind: "regex", pattern, ast, loc };
    if (maxLength !== undefined) out.maxLength = maxLength;
    return out;
  },
  compile(g) {
    const ast = g.ast;
    return (_i, rng) => sampleRegex(ast, rng);
  },
  rowFree: () => true,
};
