/**
 * Strings that match a regular expression, for `pattern:` constraints: a
 * small, documented subset (literals, escapes \d \w \s and escaped
 * punctuation, `.`, classes `[a-z0-9_]` without negation, groups with `|`,
 * quantifiers `? * + {n} {n,m}`; `*` and `+` repeat at most 3 extra times).
 * Anything else is refused at config time rather than generated wrongly.
 *
 * @module
 */
import type { Rng } from "../rng/mod.ts";

import type { ReNode } from "../model/mod.ts";

export type { ReNode };

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const WORD = UPPER + LOWER + DIGITS + "_";

/** Parse a pattern; returns the AST or an error message. */
export function parseRegex(src: string): ReNode | string {
  let s = src;
  if (s.startsWith("^")) s = s.slice(1);
  if (s.endsWith("$") && !s.endsWith("\\$")) s = s.slice(0, -1);
  let i = 0;
  const fail = (m: string) => {
    throw new Error(`${m} at position ${i + 1}`);
  };
  function alt(): ReNode {
    const options: ReNode[][] = [seq()];
    while (s[i] === "|") {
      i++;
      options.push(seq());
    }
    return { t: "alt", options };
  }
  function seq(): ReNode[] {
    const out: ReNode[] = [];
    while (i < s.length && s[i] !== "|" && s[i] !== ")") out.push(quantified(atom()));
    return out;
  }
  function atom(): ReNode {
    const c = s[i++];
    switch (c) {
      case "(": {
        if (s[i] === "?") {
          if (s[i + 1] !== ":") fail("only (?:...) groups are supported");
          i += 2;
        }
        const inner = alt();
        if (s[i] !== ")") fail('missing ")"');
        i++;
        return inner;
      }
      case "[":
        return { t: "set", chars: charClass() };
      case ".":
        return { t: "set", chars: UPPER + LOWER + DIGITS };
      case "\\":
        return { t: "set", chars: escape(s[i++]) };
      case "^":
      case "$":
        return fail("anchors inside the pattern are not supported");
      case "*":
      case "+":
      case "?":
      case "{":
        return fail(`nothing to repeat before "${c}"`);
      default:
        return { t: "set", chars: c };
    }
  }
  function escape(c: string | undefined): string {
    if (c === undefined) return fail("pattern ends with \\");
    if (c === "d") return DIGITS;
    if (c === "w") return WORD;
    if (c === "s") return " ";
    if (/[A-Za-z0-9]/.test(c)) return fail(`escape \\${c} is not supported`);
    return c;
  }
  function charClass(): string {
    if (s[i] === "^") fail("negated classes are not supported");
    let chars = "";
    while (i < s.length && s[i] !== "]") {
      let c = s[i++];
      if (c === "\\") {
        chars += escape(s[i++]);
        continue;
      }
      if (s[i] === "-" && s[i + 1] !== undefined && s[i + 1] !== "]") {
        const end = s[i + 1];
        i += 2;
        if (end.charCodeAt(0) < c.charCodeAt(0)) fail("reversed range");
        for (let k = c.charCodeAt(0); k <= end.charCodeAt(0); k++) chars += String.fromCharCode(k);
        continue;
      }
      chars += c;
      c = "";
    }
    if (s[i] !== "]") fail('missing "]"');
    i++;
    if (chars.length === 0) fail("empty class");
    return [...new Set(chars)].join("");
  }
  function quantified(node: ReNode): ReNode {
    const c = s[i];
    if (c === "?") return i++, { t: "rep", node, min: 0, max: 1 };
    if (c === "*") return i++, { t: "rep", node, min: 0, max: 3 };
    if (c === "+") return i++, { t: "rep", node, min: 1, max: 4 };
    if (c === "{") {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(s.slice(i));
      if (!m) return fail("malformed {n,m}");
      i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[2] === "" ? min + 3 : Number(m[2]);
      if (max < min || max > 1000) fail("bad repetition bounds");
      return { t: "rep", node, min, max };
    }
    return node;
  }
  try {
    const node = alt();
    if (i < s.length) fail(`unexpected "${s[i]}"`);
    return node;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Shortest and longest string `node` can produce, and how many nodes a draw
 * may visit at most (saturating at 2^31, so nested repeats cannot overflow).
 */
export function regexSize(node: ReNode): { min: number; max: number; work: number } {
  const CAP = 2 ** 31;
  const sat = (x: number) => Math.min(CAP, x);
  switch (node.t) {
    case "set":
      return { min: 1, max: 1, work: 1 };
    case "alt": {
      let min = Infinity;
      let max = 0;
      let work = 1;
      for (const opt of node.options) {
        let lo = 0;
        let hi = 0;
        for (const n of opt) {
          const z = regexSize(n);
          lo = sat(lo + z.min);
          hi = sat(hi + z.max);
          work = sat(work + z.work);
        }
        min = Math.min(min, lo);
        max = Math.max(max, hi);
      }
      return { min: min === Infinity ? 0 : min, max, work };
    }
    case "rep": {
      const z = regexSize(node.node);
      return {
        min: sat(node.min * z.min),
        max: sat(node.max * z.max),
        work: sat(1 + node.max * z.work),
      };
    }
  }
}

/** Draw one string matching `node`. */
export function sampleRegex(node: ReNode, rng: Rng): string {
  switch (node.t) {
    case "set":
      return node.chars.length === 1 ? node.chars : node.chars[rng.nextInt(node.chars.length)];
    case "alt": {
      const opt = node.options.length === 1
        ? node.options[0]
        : node.options[rng.nextInt(node.options.length)];
      let out = "";
      for (const n of opt) out += sampleRegex(n, rng);
      return out;
    }
    case "rep": {
      const k = node.min + (node.max > node.min ? rng.nextInt(node.max - node.min + 1) : 0);
      let out = "";
      for (let j = 0; j < k; j++) out += sampleRegex(node.node, rng);
      return out;
    }
  }
}
