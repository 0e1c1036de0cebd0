/**
 * Location-aware reading of YAML nodes. Every parser in sdp receives a
 * {@link ParseContext} so that each problem names file:line:column and the
 * dotted field path, and so that all problems are collected, not thrown.
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import type { ConfigProblem, Location } from "../model/mod.ts";

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

  /** Record a problem at `node` for `field`. */
  problem(node: YNode, field: string, message: string): void {
    this.problems.push({ loc: this.loc(node), field, message });
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
          `unknown key "${key}"; allowed keys: ${allowed.join(", ")}`,
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

  /** A finite number scalar. */
  number(node: YNode, field: string): number | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === "number" && Number.isFinite(node.value)) {
      return node.value;
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
    if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return "an unsupported YAML node";
}

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
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const ctx = new ParseContext(file, lines, problems);
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
  return { root: doc.contents as YNode, ctx };
}
