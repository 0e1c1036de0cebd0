/**
 * The template mini-language of `template`, `entity` and `session_id`.
 *
 * @module
 */
import type { TemplatePart } from "../model/mod.ts";

/**
 * Parse a string template: literal text with placeholders `{seq}`, `{seq:08}`
 * (row number from `start`, zero-padded), `{digits:N}`, `{letters:N}`,
 * `{hex:N}` (random), `{col:name}` (another column of the row). `{{`/`}}` are
 * literal braces. Returns the parts or an error message.
 */
export function parseTemplate(s: string): TemplatePart[] | string {
  const out: TemplatePart[] = [];
  let lit = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if ((c === "{" || c === "}") && s[i + 1] === c) {
      lit += c;
      i += 2;
      continue;
    }
    if (c === "}") return `unmatched "}" at position ${i}; write "}}" for a literal brace`;
    if (c !== "{") {
      lit += c;
      i++;
      continue;
    }
    const end = s.indexOf("}", i);
    if (end < 0) return `unmatched "{" at position ${i}`;
    const body = s.slice(i + 1, end);
    const [name, arg] = body.split(":", 2);
    if (lit) out.push({ t: "lit", v: lit });
    lit = "";
    switch (name) {
      case "seq":
      case "entity":
      case "session": {
        const width = arg === undefined ? 0 : Number(arg);
        if (!Number.isInteger(width) || width < 0 || width > 30) {
          return `{${body}}: width must be a whole number like {seq:08}`;
        }
        out.push({ t: "seq", width });
        break;
      }
      case "digits":
      case "letters":
      case "hex": {
        const n = Number(arg);
        if (!Number.isInteger(n) || n < 1 || n > 64) {
          return `{${body}}: write {${name}:N} with 1 <= N <= 64`;
        }
        out.push({ t: name, n });
        break;
      }
      case "col":
        if (!arg) return `{${body}}: write {col:<column name>}`;
        out.push({ t: "col", name: arg });
        break;
      default:
        return `unknown placeholder {${body}}; use {seq[:0N]}, {digits:N}, {letters:N}, {hex:N} or {col:name}`;
    }
    i = end + 1;
  }
  if (lit) out.push({ t: "lit", v: lit });
  return out;
}
