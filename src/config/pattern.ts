/**
 * Constraint patterns (`constraints.pattern`) must be matchable in time
 * linear in the value's length: the validator runs them on every value, and a
 * backtracking matcher takes exponential time on patterns like `(a*)*b`.
 * V8's linear-time engine (the release flags enable it, permissions.json)
 * handles every pattern without backreferences and lookarounds; those are
 * refused here, whatever the flags.
 *
 * @module
 */

/** Whether this process's V8 has the linear-time engine enabled. */
export const LINEAR_REGEXP: boolean = (() => {
  try {
    new RegExp("", "l");
    return true;
  } catch {
    return false;
  }
})();

/**
 * Why `pattern` cannot be a constraint (not a valid Unicode regular
 * expression, or a construct no linear-time matcher supports), or undefined.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(`^(?:${pattern})$`, "u");
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message.slice(0, 200)}`;
  }
  const construct = nonLinearConstruct(pattern);
  if (construct !== undefined) {
    return `uses a ${construct}, which cannot be matched in linear time; ` +
      "rewrite it without backreferences and lookarounds";
  }
  const wide = codePointConstruct(pattern);
  if (wide !== undefined) {
    return `uses ${wide}; the linear-time matcher works on UTF-16 code units: ` +
      "write the characters or ranges out (\\uXXXX, [a-z])";
  }
  if (LINEAR_REGEXP) {
    try {
      new RegExp(`^(?:${pattern})$`, "l");
    } catch {
      return "is too large for the linear-time matcher (nested counted repeats?); simplify it";
    }
  }
  return undefined;
}

/** Stands for one code point outside the BMP (or a lone surrogate) in matched values. */
const WIDE = "\uFFFF";
const SURROGATES = /[\uD800-\uDFFF]/;
const CODE_POINTS = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/**
 * A full-match test of a pattern accepted by {@link patternProblem}, with the
 * meaning of `new RegExp(^(?:pattern)$, "u")`. With the linear-time engine a
 * value's astral code points are each replaced by U+FFFF first: the pattern
 * names neither (patternProblem refuses that), so every construct that matches
 * one code point (`.`, `\S`, `\W`, `[^...]`) matches U+FFFF too, and
 * nothing else does. Without the engine (flags not given) it backtracks.
 */
export function patternMatcher(pattern: string): (value: string) => boolean {
  if (!LINEAR_REGEXP) {
    const re = new RegExp(`^(?:${pattern})$`, "u");
    return (v) => re.test(v);
  }
  const re = new RegExp(`^(?:${pattern})$`, "l");
  return (v) => re.test(SURROGATES.test(v) ? v.replace(CODE_POINTS, WIDE) : v);
}

/** The first construct in `p` that names code points beyond UTF-16 units, if any. */
function codePointConstruct(p: string): string | undefined {
  if (/\\[pP]\{/.test(p)) return "a Unicode property escape (\\p{...})";
  if (/\\u\{/.test(p)) return "a code point escape (\\u{...})";
  if (/[\uD800-\uDFFF\uFFFF]/.test(p) || /\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{4})/.test(p)) {
    return "a character outside the Basic Multilingual Plane (or U+FFFF)";
  }
  return undefined;
}

/** The first backreference or lookaround in `p` (outside character classes), if any. */
function nonLinearConstruct(p: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      const n = p[i + 1];
      if (!inClass && n !== undefined && n >= "1" && n <= "9") return "backreference (\\1)";
      if (!inClass && n === "k" && p[i + 2] === "<") return "backreference (\\k<name>)";
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(" && p[i + 1] === "?") {
      const rest = p.slice(i + 2, i + 4);
      if (rest.startsWith("=") || rest.startsWith("!") || rest === "<=" || rest === "<!") {
        return "lookaround ((?=...), (?!...), (?<=...), (?<!...))";
      }
    }
  }
  return undefined;
}
