/**
 * Location-aware reading of YAML nodes. Every parser in sdp receives a
 * {@link ParseContext} so that each problem names file:line:column and the
 * dotted field path, and so that all problems are collected, not thrown.
 *
 * @module
 */
import { didYouMean } from "../suggest.ts";
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLMap,
} from "yaml";
import type { ConfigProblem, Location } from "../model/mod.ts";
import { excerpt } from "./excerpt.ts";

export { excerpt } from "./excerpt.ts";

/**
 * Largest magnitude of any number in a config: generated values, their sums
 * and squares stay finite (see MAX_FLOAT_MAGNITUDE in src/model/constants.ts).
 */
export const MAX_CONFIG_NUMBER = 1e100;

/** A YAML node (map, sequence, scalar) or nothing when the key is absent. */
export type YNode = Node | null | undefined;

/** Collects problems for one config file and resolves node positions. */
export class ParseContext {
  /** File name as shown to users (e.g. `datasets/x/schema.yaml` or `schema.yaml`). */
  readonly file: string;
  /** Problems found so far, in the order found. */
  readonly problems: ConfigProblem[];
  #lines: LineCounter;

  /** Create a context for `file`; `lines` maps offsets to line/col. */
  constructor(file: string, lines: LineCounter, problems: ConfigProblem[] = []) {
    this.file = file;
    this.#lines = lines;
    this.problems = problems;
  }

  /** Location of a node (its start), or of the whole file when unknown. */
  loc(node: YNode): Location {
    const start = node?.range?.[0];
    if (start === undefined) return { file: this.file, line: 0, col: 0 };
    const p = this.#lines.linePos(start);
    return { file: this.file, line: p.line, col: p.col };
  }

  /** Record a problem at `node` for `field` (both cut to a readable length). */
  problem(node: YNode, field: string, message: string): void {
    this.problems.push({
      loc: this.loc(node),
      field: cut(field, 200),
      message: cut(message, 2000),
    });
  }

  /** The node's items as [key, keyNode, valueNode]; records a problem unless it is a map. */
  entries(node: YNode, field: string): Array<[string, Node, YNode]> {
    if (!isMap(node)) {
      this.problem(node, field, `must be a mapping (key: value), got ${describe(node)}`);
      return [];
    }
    const out: Array<[string, Node, YNode]> = [];
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const k = pair.key;
      if (!isScalar(k) || typeof k.value !== "string" && typeof k.value !== "number") {
        this.problem(k, field, "keys must be plain strings");
        continue;
      }
      // Names are identifiers (checked by the callers); a huge key must not be echoed whole.
      out.push([String(k.value), k, pair.value ?? null]);
    }
    return out;
  }

  /**
   * Map entries, rejecting keys not in `allowed` (with the list of allowed keys
   * as the fix). Returns a lookup of value nodes by key.
   */
  fields(node: YNode, field: string, allowed: readonly string[]): Map<string, YNode> {
    const out = new Map<string, YNode>();
    for (const [key, keyNode, value] of this.entries(node, field)) {
      if (!allowed.includes(key)) {
        this.problem(
          keyNode,
          join(field, key),
          `unknown key ${excerpt(key)};${didYouMean(key, allowed)} allowed keys: ${
            allowed.join(", ")
          }`,
        );
        continue;
      }
      out.set(key, value);
    }
    return out;
  }

  /** A string scalar, or undefined with a problem (when present and wrong). */
  string(node: YNode, field: string): string | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === "string") return node.value;
    this.problem(node, field, `must be a string, got ${describe(node)}`);
    return undefined;
  }

  /** A finite number scalar within ±{@link MAX_CONFIG_NUMBER}. */
  number(node: YNode, field: string): number | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === "number" && Number.isFinite(node.value)) {
      const v = node.value;
      if (Math.abs(v) > MAX_CONFIG_NUMBER) {
        this.problem(
          node,
          field,
          `must be between -${MAX_CONFIG_NUMBER} and ${MAX_CONFIG_NUMBER}, got ${v}`,
        );
        return undefined;
      }
      return v;
    }
    this.problem(node, field, `must be a number, got ${describe(node)}`);
    return undefined;
  }

  /** An integer scalar (optionally with a minimum). */
  integer(node: YNode, field: string, min?: number): number | undefined {
    const n = this.number(node, field);
    if (n === undefined) return undefined;
    if (!Number.isSafeInteger(n)) {
      this.problem(node, field, `must be a whole number, got ${n}`);
      return undefined;
    }
    if (min !== undefined && n < min) {
      this.problem(node, field, `must be >= ${min}, got ${n}`);
      return undefined;
    }
    return n;
  }

  /** A boolean scalar. */
  boolean(node: YNode, field: string): boolean | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    this.problem(node, field, `must be true or false, got ${describe(node)}`);
    return undefined;
  }

  /** A rate in [0, 1]. */
  rate(node: YNode, field: string): number | undefined {
    const n = this.number(node, field);
    if (n === undefined) return undefined;
    if (n < 0 || n > 1) {
      this.problem(node, field, `must be a rate between 0 and 1, got ${n}`);
      return undefined;
    }
    return n;
  }

  /** A sequence's item nodes. */
  items(node: YNode, field: string): Node[] | undefined {
    if (node === undefined) return undefined;
    if (isSeq(node)) return node.items as Node[];
    this.problem(node, field, `must be a list, got ${describe(node)}`);
    return undefined;
  }

  /** The plain JS value of a scalar node (string, number, boolean, null). */
  scalar(node: YNode): unknown {
    return isScalar(node) ? node.value : undefined;
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** Join a dotted field path. */
export function join(base: string, key: string | number): string {
  return base ? `${base}.${key}` : String(key);
}

/** Short description of a node's kind and value for messages. */
export function describe(node: YNode): string {
  if (node === null || node === undefined) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "null";
    if (typeof v === "string") return `the string ${excerpt(v)}`;
    return `${typeof v} ${excerpt(String(v))}`;
  }
  return "an unsupported YAML node";
}

/** Tags of the YAML core schema; every other tag (`!!js/function`, `!custom`) is refused. */
const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Result of reading one YAML file: its root node and its context. */
export interface ParsedYaml {
  root: YNode;
  ctx: ParseContext;
}

/**
 * Parse YAML text strictly: syntax errors and duplicate keys become problems
 * with positions. Aliases/anchors and custom tags are rejected (configs stay plain).
 */
export function parseYaml(text: string, file: string, problems: ConfigProblem[]): ParsedYaml {
  const lines = new LineCounter();
  const ctx = new ParseContext(file, lines, problems);
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) {
    // The reader decodes leniently; a replacement character means the bytes were not UTF-8.
    const before = text.slice(0, bad);
    const line = before.split("\n").length;
    problems.push({
      loc: { file, line, col: bad - before.lastIndexOf("\n") },
      field: "",
      message: "is not valid UTF-8 (or contains U+FFFD); save the file as UTF-8",
    });
    return { root: undefined, ctx };
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    // The YAML composer recurses per nesting level; absurd nesting overflows the stack.
    problems.push({
      loc: { file, line: 0, col: 0 },
      field: "",
      message: err instanceof RangeError
        ? "is nested too deeply to read; configs need only a few levels"
        : `cannot be read as YAML (${excerpt(String((err as Error)?.message ?? err))})`,
    });
    return { root: undefined, ctx };
  }
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const what = e.code === "DUPLICATE_KEY"
      ? "duplicate key; each key may appear once in a mapping, remove or rename one"
      : `malformed YAML (${e.code}): ${e.message.split("\n")[0]}`;
    problems.push({
      loc: { file, line: pos?.line ?? 0, col: pos?.col ?? 0 },
      field: "",
      message: what,
    });
  }
  if (doc.errors.length > 0) return { root: undefined, ctx };
  let plain = true;
  try {
    visit(doc, {
      Node(_, node) {
        if (isAlias(node)) {
          ctx.problem(node, "", "YAML aliases (*name) are not allowed; write the value out");
          plain = false;
        } else if (node.anchor !== undefined) {
          ctx.problem(node, "", "YAML anchors (&name) are not allowed; write the value out");
          plain = false;
        } else if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
          ctx.problem(
            node,
            "",
            `YAML tag ${excerpt(node.tag)} is not allowed; configs hold plain values only`,
          );
          plain = false;
        }
      },
    });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    ctx.problem(doc.contents, "", "is nested too deeply to read; configs need only a few levels");
    plain = false;
  }
  if (!plain) return { root: undefined, ctx };
  return { root: doc.contents as YNode, ctx };
}
