/**
 * Generator specifications: schema.yaml `generator:` blocks, schema.yaml
 * `correlations:` and evolution.yaml `drift:`, their strict parsers (problems
 * are collected with file:line, never thrown) and the cross-column checks that
 * need the whole {@link DatasetSpec} ({@link checkGeneration}).
 *
 * Every object is plain data (structured-cloneable) so a plan can be posted to
 * Workers. See docs/generators.md for every kind with an example.
 *
 * @module
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { describe, join, type ParseContext, type YNode } from "../strict_yaml/mod.ts";
import {
  type ColumnSpec,
  type ColumnType,
  type ConfigProblem,
  type CorrelationSpec,
  type DatasetSpec,
  DEFAULT_START_MS,
  DIST_KINDS,
  type DistSpec,
  type DriftSpec,
  GENERATOR_KINDS,
  type GeneratorKind,
  type GeneratorSpec,
  type Location,
  type NumericCommon,
  type TemplatePart,
} from "../model/mod.ts";
import { parseIsoUtc } from "../data/mod.ts";
import { exprColumns, parseExpr } from "./expr.ts";
import { choleskyPsd, distributionMass } from "./math.ts";
import { parseRegex } from "./regex.ts";

/** What a generator parser knows about its column. */
export interface ColumnInfo {
  name: string;
  type: ColumnType;
  nullable: boolean;
  min?: number;
  max?: number;
  allowed?: string[];
  /** Dotted field path of the generator block, e.g. `columns.amount.generator`. */
  field: string;
}

const NUMERIC_TYPES: readonly ColumnType[] = ["integer", "float"];
const COMMON_NUMERIC = ["kind", "decimals", "truncation"];

/** Allowed keys per kind (besides `kind`). */
const KEYS: Record<GeneratorKind, readonly string[]> = {
  uniform: [...COMMON_NUMERIC, "min", "max"],
  normal: [...COMMON_NUMERIC, "mean", "std"],
  lognormal: [...COMMON_NUMERIC, "mu", "sigma", "median"],
  exponential: [...COMMON_NUMERIC, "mean"],
  gamma: [...COMMON_NUMERIC, "shape", "scale"],
  beta: [...COMMON_NUMERIC, "alpha", "beta", "min", "max"],
  poisson: [...COMMON_NUMERIC, "lambda"],
  categorical: ["kind", "values", "weights"],
  sequence: ["kind", "start", "step"],
  uuid: ["kind"],
  template: ["kind", "template", "start"],
  regex: ["kind", "pattern"],
  person: ["kind", "part"],
  company: ["kind"],
  city: ["kind"],
  email: ["kind", "from", "domains"],
  boolean: ["kind", "rate"],
  datetime: ["kind", "start", "end", "weekday_weights", "hour_weights", "resolution"],
  conditional: ["kind", "on", "cases", "otherwise"],
  derived: ["kind", "expr", "decimals"],
  entity: ["kind", "layout", "values", "count", "template", "start", "mean_events", "max_events"],
  per_entity: ["kind", "key", "of"],
  step_time: ["kind", "key", "start", "every"],
  random_walk: [
    "kind",
    "key",
    "model",
    "start",
    "drift",
    "volatility",
    "steps_per_year",
    "decimals",
  ],
  lag: ["kind", "of", "jitter", "decimals"],
  event_time: [
    "kind",
    "key",
    "after",
    "first_event_hours",
    "session_gap_hours",
    "event_gap_seconds",
    "events_per_session",
  ],
  session_id: ["kind", "of", "template"],
};

/** Column types each kind can fill. */
const TYPES: Record<GeneratorKind, readonly ColumnType[]> = {
  uniform: NUMERIC_TYPES,
  normal: NUMERIC_TYPES,
  lognormal: NUMERIC_TYPES,
  exponential: NUMERIC_TYPES,
  gamma: NUMERIC_TYPES,
  beta: NUMERIC_TYPES,
  poisson: NUMERIC_TYPES,
  categorical: ["string", "integer", "float", "boolean"],
  sequence: ["integer", "float", "datetime"],
  uuid: ["string"],
  template: ["string"],
  regex: ["string"],
  person: ["string"],
  company: ["string"],
  city: ["string"],
  email: ["string"],
  boolean: ["boolean"],
  datetime: ["datetime"],
  conditional: ["string", "integer", "float", "boolean", "datetime"],
  derived: ["string", "integer", "float", "boolean", "datetime"],
  entity: ["string", "integer"],
  per_entity: ["string", "integer", "float", "boolean", "datetime"],
  step_time: ["datetime"],
  random_walk: ["float", "integer"],
  lag: ["float", "integer"],
  event_time: ["datetime"],
  session_id: ["string"],
};

/** Parse one column's `generator:` block; problems go to `ctx`. */
export function parseGenerator(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
): GeneratorSpec | undefined {
  return parseGen(node, ctx, column, column.field, true);
}

function parseGen(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
  field: string,
  topLevel: boolean,
): GeneratorSpec | undefined {
  if (!isMap(node)) {
    ctx.problem(
      node,
      field,
      `must be a mapping like {kind: normal, mean: 0, std: 1}, got ${describe(node)}`,
    );
    return undefined;
  }
  const kindNode = (node as YAMLMap<Node, Node>).get("kind", true) as YNode;
  if (kindNode === undefined) {
    ctx.problem(node, join(field, "kind"), `is required; one of ${GENERATOR_KINDS.join(", ")}`);
    return undefined;
  }
  const kindText = ctx.string(kindNode, join(field, "kind"));
  if (kindText === undefined) return undefined;
  if (!(GENERATOR_KINDS as readonly string[]).includes(kindText)) {
    ctx.problem(
      kindNode,
      join(field, "kind"),
      `unknown generator kind "${kindText}"; use one of ${GENERATOR_KINDS.join(", ")}`,
    );
    return undefined;
  }
  const kind = kindText as GeneratorKind;
  const before = ctx.problems.length;
  const f = ctx.fields(node, field, KEYS[kind]);
  const loc = ctx.loc(node);
  if (!TYPES[kind].includes(column.type)) {
    ctx.problem(
      kindNode,
      join(field, "kind"),
      `"${kind}" cannot fill a ${column.type} column; it fills ${TYPES[kind].join(", ")} columns`,
    );
  }
  const p = new Params(ctx, f, field, node);
  const spec = parseKind(kind, p, ctx, column, field, loc, topLevel);
  return ctx.problems.length > before ? undefined : spec;
}

/** Typed access to one block's parameters with positive/range checks. */
class Params {
  constructor(
    readonly ctx: ParseContext,
    readonly f: Map<string, YNode>,
    readonly field: string,
    readonly node: YNode,
  ) {}
  node_(key: string): YNode {
    return this.f.get(key);
  }
  has(key: string): boolean {
    return this.f.has(key);
  }
  at(key: string): string {
    return join(this.field, key);
  }
  missing(key: string): void {
    this.ctx.problem(this.node, this.at(key), "is required");
  }
  num(key: string, dflt?: number): number | undefined {
    if (!this.f.has(key)) {
      if (dflt === undefined) this.missing(key);
      return dflt;
    }
    return this.ctx.number(this.f.get(key), this.at(key));
  }
  /** A number > 0 (or >= 0 with `orZero`). */
  pos(key: string, dflt?: number, orZero = false): number | undefined {
    const n = this.num(key, dflt);
    if (n === undefined || !this.f.has(key)) return n;
    if (orZero ? n < 0 : n <= 0) {
      this.ctx.problem(
        this.f.get(key),
        this.at(key),
        `must be ${orZero ? ">= 0" : "> 0"}, got ${n}`,
      );
      return undefined;
    }
    return n;
  }
  int(key: string, dflt: number | undefined, min?: number): number | undefined {
    if (!this.f.has(key)) {
      if (dflt === undefined) this.missing(key);
      return dflt;
    }
    return this.ctx.integer(this.f.get(key), this.at(key), min);
  }
  str(key: string, dflt?: string): string | undefined {
    if (!this.f.has(key)) {
      if (dflt === undefined) this.missing(key);
      return dflt;
    }
    return this.ctx.string(this.f.get(key), this.at(key));
  }
  oneOf<T extends string>(key: string, options: readonly T[], dflt: T): T | undefined {
    const s = this.str(key, dflt);
    if (s === undefined) return undefined;
    if (!(options as readonly string[]).includes(s)) {
      this.ctx.problem(
        this.f.get(key),
        this.at(key),
        `must be one of ${options.join(", ")}, got "${s}"`,
      );
      return undefined;
    }
    return s as T;
  }
  /** A list of numbers; `len` fixes the length. */
  weights(key: string, len?: number): number[] | undefined {
    if (!this.f.has(key)) return undefined;
    const n = this.f.get(key);
    const items = this.ctx.items(n, this.at(key));
    if (!items) return undefined;
    const out: number[] = [];
    let bad = false;
    items.forEach((it, i) => {
      const v = this.ctx.number(it, join(this.at(key), i));
      if (v === undefined) bad = true;
      else if (v < 0) {
        this.ctx.problem(it, join(this.at(key), i), `weights must be >= 0, got ${v}`);
        bad = true;
      } else out.push(v);
    });
    if (bad) return undefined;
    if (len !== undefined && out.length !== len) {
      this.ctx.problem(n, this.at(key), `must have ${len} entries, got ${out.length}`);
      return undefined;
    }
    if (!(out.reduce((a, b) => a + b, 0) > 0)) {
      this.ctx.problem(n, this.at(key), "weights must sum to more than 0");
      return undefined;
    }
    return out;
  }
  strings(key: string): string[] | undefined {
    if (!this.f.has(key)) return undefined;
    const items = this.ctx.items(this.f.get(key), this.at(key));
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((it, i) => {
      const s = this.ctx.string(it, join(this.at(key), i));
      if (s !== undefined) out.push(s);
    });
    return out.length === items.length ? out : undefined;
  }
  /** A number or a [lo, hi] range. */
  range(key: string, dflt: number, positive: boolean): [number, number] | undefined {
    if (!this.f.has(key)) return [dflt, dflt];
    const n = this.f.get(key);
    let r: [number, number] | undefined;
    if (isSeq(n)) {
      const items = n.items as Node[];
      const a = this.ctx.number(items[0], join(this.at(key), 0));
      const b = this.ctx.number(items[1], join(this.at(key), 1));
      if (items.length !== 2) {
        this.ctx.problem(
          n,
          this.at(key),
          `must be a number or a [low, high] pair, got ${items.length} entries`,
        );
        return undefined;
      }
      if (a === undefined || b === undefined) return undefined;
      if (a > b) {
        this.ctx.problem(n, this.at(key), `low ${a} is above high ${b}`);
        return undefined;
      }
      r = [a, b];
    } else {
      const a = this.ctx.number(n, this.at(key));
      if (a === undefined) return undefined;
      r = [a, a];
    }
    if (positive && r[0] <= 0) {
      this.ctx.problem(n, this.at(key), `must be > 0, got ${r[0]}`);
      return undefined;
    }
    return r;
  }
  datetime(key: string): number | undefined {
    if (!this.f.has(key)) return undefined;
    const s = this.ctx.string(this.f.get(key), this.at(key));
    if (s === undefined) return undefined;
    const ms = parseIsoUtc(s);
    if (ms === undefined) {
      this.ctx.problem(
        this.f.get(key),
        this.at(key),
        `must be an ISO-8601 date or UTC time like 2024-01-31 or 2024-01-31T08:00:00Z, got "${s}"`,
      );
    }
    return ms;
  }
  template(key: string, dflt?: string): TemplatePart[] | undefined {
    const s = this.str(key, dflt);
    if (s === undefined) return undefined;
    const r = parseTemplate(s);
    if (typeof r === "string") {
      this.ctx.problem(this.f.get(key), this.at(key), r);
      return undefined;
    }
    return r;
  }
}

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

function parseKind(
  kind: GeneratorKind,
  p: Params,
  ctx: ParseContext,
  column: ColumnInfo,
  field: string,
  loc: Location,
  topLevel: boolean,
): GeneratorSpec | undefined {
  const numeric = (): NumericCommon => {
    const decimals = p.int("decimals", -1, 0);
    if (decimals !== undefined && decimals > 15) {
      ctx.problem(p.node_("decimals"), p.at("decimals"), `must be <= 15, got ${decimals}`);
    }
    const truncation = p.oneOf("truncation", ["resample", "clip"] as const, "resample") ??
      "resample";
    const out: NumericCommon = { truncation, loc };
    if (decimals !== undefined && decimals >= 0) out.decimals = decimals;
    return out;
  };
  switch (kind) {
    case "uniform": {
      const c = numeric();
      const min = p.num("min", column.min ?? 0);
      const max = p.num("max", column.max ?? (min ?? 0) + 1);
      if (min !== undefined && max !== undefined && !(min < max)) {
        ctx.problem(
          p.node_("max") ?? p.node,
          p.at("max"),
          `must be above min (${min}), got ${max}`,
        );
      }
      return { kind, min, max, ...c };
    }
    case "normal": {
      const c = numeric();
      const mean = p.num("mean");
      const std = p.pos("std");
      if (mean === undefined || std === undefined) return undefined;
      return { kind, mean, std, ...c };
    }
    case "lognormal": {
      const c = numeric();
      const sigma = p.pos("sigma");
      let mu: number | undefined;
      if (p.has("median") && p.has("mu")) {
        ctx.problem(p.node_("median"), p.at("median"), "give either mu or median, not both");
      } else if (p.has("median")) {
        const med = p.pos("median");
        if (med !== undefined) mu = Math.log(med);
      } else mu = p.num("mu");
      if (mu === undefined || sigma === undefined) return undefined;
      return { kind, mu, sigma, ...c };
    }
    case "exponential": {
      const c = numeric();
      const mean = p.pos("mean");
      return mean === undefined ? undefined : { kind, mean, ...c };
    }
    case "gamma": {
      const c = numeric();
      const shape = p.pos("shape");
      const scale = p.pos("scale");
      return shape === undefined || scale === undefined ? undefined : { kind, shape, scale, ...c };
    }
    case "beta": {
      const c = numeric();
      const alpha = p.pos("alpha");
      const beta = p.pos("beta");
      const min = p.num("min", column.min ?? 0);
      const max = p.num("max", column.max ?? 1);
      if (min !== undefined && max !== undefined && !(min < max)) {
        ctx.problem(
          p.node_("max") ?? p.node,
          p.at("max"),
          `must be above min (${min}), got ${max}`,
        );
        return undefined;
      }
      if (alpha === undefined || beta === undefined || min === undefined || max === undefined) {
        return undefined;
      }
      return { kind, alpha, beta, min, max, ...c };
    }
    case "poisson": {
      const c = numeric();
      const lambda = p.pos("lambda");
      return lambda === undefined ? undefined : { kind, lambda, ...c };
    }
    case "categorical": {
      const n = p.node_("values");
      if (!p.has("values")) return p.missing("values"), undefined;
      const items = ctx.items(n, p.at("values"));
      if (!items) return undefined;
      if (items.length === 0) {
        ctx.problem(n, p.at("values"), "must list at least one value");
        return undefined;
      }
      const values: Array<string | number | boolean> = [];
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const v = ctx.scalar(it);
        const ok = column.type === "string"
          ? typeof v === "string"
          : column.type === "boolean"
          ? typeof v === "boolean"
          : typeof v === "number" && Number.isFinite(v) &&
            (column.type !== "integer" || Number.isInteger(v));
        if (!ok) {
          ctx.problem(
            it,
            join(p.at("values"), i),
            `must be a ${column.type} value, got ${describe(it)}`,
          );
          return;
        }
        const key = String(v);
        if (seen.has(key)) ctx.problem(it, join(p.at("values"), i), `duplicate value ${key}`);
        seen.add(key);
        if (column.allowed && typeof v === "string" && !column.allowed.includes(v)) {
          ctx.problem(
            it,
            join(p.at("values"), i),
            `"${v}" is not in the column's allowed_values (${column.allowed.join(", ")})`,
          );
        }
        if (
          typeof v === "number" &&
          (column.min !== undefined && v < column.min || column.max !== undefined && v > column.max)
        ) {
          ctx.problem(it, join(p.at("values"), i), `${v} is outside the column's [min, max]`);
        }
        values.push(v as string | number | boolean);
      });
      const weights = p.has("weights") ? p.weights("weights", items.length) : values.map(() => 1);
      if (!weights) return undefined;
      return { kind, values, weights, loc };
    }
    case "sequence": {
      const start = p.num("start", 1);
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
      return { kind, start, step, loc };
    }
    case "uuid":
    case "company":
    case "city":
      return { kind, loc };
    case "template": {
      const template = p.str("template");
      const parts = p.template("template");
      const start = p.int("start", 1);
      if (template === undefined || parts === undefined || start === undefined) return undefined;
      return { kind, template, parts, start, loc };
    }
    case "regex": {
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
      return { kind, pattern, ast, loc };
    }
    case "person": {
      const part = p.oneOf("part", ["full", "first", "last"] as const, "full");
      return part === undefined ? undefined : { kind, part, loc };
    }
    case "email": {
      const from = p.has("from") ? p.str("from") : undefined;
      const domains = p.has("domains") ? p.strings("domains") : DEFAULT_EMAIL_DOMAINS;
      if (domains && domains.length === 0) {
        ctx.problem(p.node_("domains"), p.at("domains"), "must list at least one domain");
        return undefined;
      }
      if (!domains) return undefined;
      const out: GeneratorSpec = { kind, domains, loc };
      if (from !== undefined) out.from = from;
      return out;
    }
    case "boolean": {
      const rate = ctx.rate(p.node_("rate"), p.at("rate")) ?? (p.has("rate") ? undefined : 0.5);
      return rate === undefined ? undefined : { kind, rate, loc };
    }
    case "datetime": {
      const start = p.datetime("start");
      const end = p.datetime("end");
      if (start !== undefined && end !== undefined && !(start < end)) {
        ctx.problem(p.node_("end"), p.at("end"), "must be after start");
      }
      const weekdayWeights = p.weights("weekday_weights", 7);
      const hourWeights = p.weights("hour_weights", 24);
      const res = p.oneOf(
        "resolution",
        ["millisecond", "second", "minute", "hour", "day"] as const,
        "second",
      );
      if (res === undefined) return undefined;
      const resolutionMs =
        { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }[res];
      const out: GeneratorSpec = { kind, resolutionMs, loc };
      if (start !== undefined) out.start = start;
      if (end !== undefined) out.end = end;
      if (weekdayWeights) out.weekdayWeights = weekdayWeights;
      if (hourWeights) out.hourWeights = hourWeights;
      return out;
    }
    case "conditional": {
      const on = p.str("on");
      const casesNode = p.node_("cases");
      const cases: Array<{ when: string; generator: GeneratorSpec | null; loc: Location }> = [];
      if (!p.has("cases")) p.missing("cases");
      else if (!isMap(casesNode)) {
        ctx.problem(
          casesNode,
          p.at("cases"),
          `must map values of "${on}" to generators, got ${describe(casesNode)}`,
        );
      } else {
        for (const pair of (casesNode as YAMLMap<Node, Node>).items) {
          const k = pair.key;
          const kv = isScalar(k) ? k.value : undefined;
          if (typeof kv !== "string" && typeof kv !== "number" && typeof kv !== "boolean") {
            ctx.problem(k, p.at("cases"), "case keys must be plain values of the `on` column");
            continue;
          }
          const when = String(kv);
          const sub = subGenerator(pair.value as YNode, ctx, column, join(p.at("cases"), when));
          if (sub !== undefined) cases.push({ when, generator: sub, loc: ctx.loc(k) });
        }
        if (cases.length === 0 && (casesNode as YAMLMap).items.length === 0) {
          ctx.problem(casesNode, p.at("cases"), "must list at least one case");
        }
      }
      let otherwise: GeneratorSpec | null | undefined = null;
      if (p.has("otherwise")) {
        otherwise = subGenerator(p.node_("otherwise"), ctx, column, p.at("otherwise"));
      } else if (!column.nullable) {
        // Without `otherwise`, rows matching no case are null: only fine for nullable columns.
        otherwise = undefined;
        ctx.problem(
          p.node,
          p.at("otherwise"),
          "is required unless the column is nullable (unmatched rows would be null)",
        );
      }
      if (on === undefined || otherwise === undefined) return undefined;
      return { kind, on, cases, otherwise, loc };
    }
    case "derived": {
      const expr = p.str("expr");
      const c = numeric();
      if (expr === undefined) return undefined;
      const r = parseExpr(expr);
      if (!r.ok) {
        ctx.problem(
          p.node_("expr"),
          p.at("expr"),
          `${r.message} at character ${r.offset + 1} of "${expr}"`,
        );
        return undefined;
      }
      const out: GeneratorSpec = { kind, expr, ast: r.expr, loc };
      if (c.decimals !== undefined) out.decimals = c.decimals;
      return out;
    }
    case "entity": {
      if (!topLevel) ctx.problem(p.node, field, "entity must be a column's own generator");
      const layout = p.oneOf("layout", ["panel", "events"] as const, "events");
      const values = p.strings("values");
      const count = p.int("count", values?.length ?? 100, 1);
      const template = p.has("template") ? p.template("template") : undefined;
      const start = p.int("start", 1);
      const meanEvents = p.pos("mean_events", 10);
      const maxEvents = p.int("max_events", 1000, 1);
      if (values && p.has("count") && count !== values.length) {
        ctx.problem(
          p.node_("count"),
          p.at("count"),
          `is ${count} but ${values.length} values are listed`,
        );
      }
      if (values && new Set(values).size !== values.length) {
        ctx.problem(p.node_("values"), p.at("values"), "entity values must be distinct");
      }
      if (meanEvents !== undefined && meanEvents < 1) {
        ctx.problem(p.node_("mean_events"), p.at("mean_events"), "must be >= 1");
      }
      if (column.type === "string" && !values && !template) {
        ctx.problem(
          p.node,
          field,
          'a string entity column needs `values:` or a `template:` such as "U{seq:06}"',
        );
      }
      if (
        layout === undefined || count === undefined || start === undefined ||
        meanEvents === undefined || maxEvents === undefined
      ) return undefined;
      const out: GeneratorSpec = { kind, layout, count, start, meanEvents, maxEvents, loc };
      if (values) out.values = values;
      if (template) out.template = template;
      return out;
    }
    case "per_entity": {
      const key = p.str("key");
      if (!p.has("of")) return p.missing("of"), undefined;
      const of = subGenerator(p.node_("of"), ctx, column, p.at("of"));
      if (of === null) ctx.problem(p.node_("of"), p.at("of"), "must be a generator");
      if (key === undefined || !of) return undefined;
      return { kind, key, of, loc };
    }
    case "step_time": {
      const key = p.str("key");
      const start = p.datetime("start") ??
        (p.has("start") ? undefined : column.min ?? DEFAULT_START_MS);
      const every = p.oneOf("every", ["business_day", "day", "hour", "minute"] as const, "day");
      if (key === undefined || start === undefined || every === undefined) return undefined;
      return { kind, key, start, every, loc };
    }
    case "random_walk": {
      const key = p.str("key");
      const model = p.oneOf("model", ["gbm", "arithmetic"] as const, "gbm");
      const start = p.range("start", 100, model === "gbm");
      const drift = p.num("drift", 0);
      const volatility = p.range("volatility", 0.2, true);
      const stepsPerYear = p.pos("steps_per_year", 252);
      const c = numeric();
      if (!key || !model || !start || drift === undefined || !volatility || !stepsPerYear) {
        return undefined;
      }
      const out: GeneratorSpec = { kind, key, model, start, drift, volatility, stepsPerYear, loc };
      if (c.decimals !== undefined) out.decimals = c.decimals;
      return out;
    }
    case "lag": {
      const of = p.str("of");
      const jitter = p.pos("jitter", 0, true);
      const c = numeric();
      if (of === undefined || jitter === undefined) return undefined;
      const out: GeneratorSpec = { kind, of, jitter, loc };
      if (c.decimals !== undefined) out.decimals = c.decimals;
      return out;
    }
    case "event_time": {
      const key = p.str("key");
      const after = p.str("after");
      const firstEventHours = p.pos("first_event_hours", 2);
      const sessionGapHours = p.pos("session_gap_hours", 48);
      const eventGapSeconds = p.pos("event_gap_seconds", 60);
      const eventsPerSession = p.pos("events_per_session", 5);
      if (eventsPerSession !== undefined && eventsPerSession < 1) {
        ctx.problem(p.node_("events_per_session"), p.at("events_per_session"), "must be >= 1");
        return undefined;
      }
      if (
        key === undefined || after === undefined || firstEventHours === undefined ||
        sessionGapHours === undefined || eventGapSeconds === undefined ||
        eventsPerSession === undefined
      ) return undefined;
      return {
        kind,
        key,
        after,
        firstEventHours,
        sessionGapHours,
        eventGapSeconds,
        eventsPerSession,
        loc,
      };
    }
    case "session_id": {
      const of = p.str("of");
      const template = p.template("template", "{col:KEY}-{session:03}");
      if (of === undefined || template === undefined) return undefined;
      return { kind, of, template, loc };
    }
  }
}

/** A nested generator (case / otherwise / of): YAML null means "null value". */
function subGenerator(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
  field: string,
): GeneratorSpec | null | undefined {
  if (node === null || isScalar(node) && node.value === null) {
    if (!column.nullable) {
      ctx.problem(node, field, `is null but column "${column.name}" is not nullable`);
      return undefined;
    }
    return null;
  }
  return parseGen(node, ctx, column, field, false);
}

/** Default domains of `email`. */
export const DEFAULT_EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"];

/** Parse schema.yaml `correlations:` (a list of `{columns: [...], matrix: [[...]]}`). */
export function parseCorrelations(node: YNode, ctx: ParseContext): CorrelationSpec[] {
  if (node === undefined || node === null || isScalar(node) && node.value === null) return [];
  const items = ctx.items(node, "correlations");
  if (!items) return [];
  const out: CorrelationSpec[] = [];
  items.forEach((item, i) => {
    const field = join("correlations", i);
    const before = ctx.problems.length;
    const f = ctx.fields(item, field, ["columns", "matrix"]);
    const colsNode = f.get("columns");
    const cols: string[] = [];
    if (!f.has("columns")) ctx.problem(item, join(field, "columns"), "is required");
    else {
      (ctx.items(colsNode, join(field, "columns")) ?? []).forEach((c, j) => {
        const s = ctx.string(c, join(field, `columns.${j}`));
        if (s !== undefined) cols.push(s);
      });
    }
    if (new Set(cols).size !== cols.length) {
      ctx.problem(colsNode, join(field, "columns"), "lists a column twice");
    }
    if (cols.length < 2) {
      ctx.problem(colsNode ?? item, join(field, "columns"), "needs at least 2 columns");
    }
    const matrix: number[][] = [];
    const mNode = f.get("matrix");
    if (!f.has("matrix")) ctx.problem(item, join(field, "matrix"), "is required");
    else {
      const rows = ctx.items(mNode, join(field, "matrix")) ?? [];
      rows.forEach((r, a) => {
        const rf = join(field, `matrix.${a}`);
        const vals = ctx.items(r, rf) ?? [];
        const row: number[] = [];
        vals.forEach((v, b) => {
          const x = ctx.number(v, join(rf, b));
          if (x === undefined) return;
          if (x < -1 || x > 1) ctx.problem(v, join(rf, b), `correlations lie in [-1, 1], got ${x}`);
          row.push(x);
        });
        if (vals.length !== cols.length) {
          ctx.problem(
            r,
            rf,
            `must have ${cols.length} entries (one per column), got ${vals.length}`,
          );
        }
        matrix.push(row);
      });
      if (rows.length !== cols.length) {
        ctx.problem(
          mNode,
          join(field, "matrix"),
          `must have ${cols.length} rows, got ${rows.length}`,
        );
      }
    }
    if (ctx.problems.length > before) return;
    for (let a = 0; a < cols.length; a++) {
      if (matrix[a][a] !== 1) {
        ctx.problem(
          mNode,
          join(field, "matrix"),
          `diagonal entry ${a} must be 1, got ${matrix[a][a]}`,
        );
        return;
      }
      for (let b = 0; b < a; b++) {
        if (matrix[a][b] !== matrix[b][a]) {
          ctx.problem(
            mNode,
            join(field, "matrix"),
            `must be symmetric: [${a}][${b}] = ${matrix[a][b]} but [${b}][${a}] = ${matrix[b][a]}`,
          );
          return;
        }
      }
    }
    if (choleskyPsd(matrix) === undefined) {
      ctx.problem(
        mNode,
        join(field, "matrix"),
        "is not positive semi-definite (no joint distribution has these correlations); weaken the off-diagonal entries",
      );
      return;
    }
    out.push({ columns: cols, matrix, loc: ctx.loc(item) });
  });
  return out;
}

/** Parse evolution.yaml `drift:` (a list of `{column, shift | scale | mix | rate | missingness}`). */
export function parseDrift(node: YNode, ctx: ParseContext): DriftSpec[] {
  if (node === undefined || node === null || isScalar(node) && node.value === null) return [];
  const items = ctx.items(node, "drift");
  if (!items) return [];
  const out: DriftSpec[] = [];
  const kinds = ["shift", "scale", "mix", "rate", "missingness"] as const;
  items.forEach((item, i) => {
    const field = join("drift", i);
    const f = ctx.fields(item, field, [
      "column",
      "shift",
      "scale",
      "mix",
      "per_version",
      "rate",
      "missingness",
    ]);
    const loc = ctx.loc(item);
    const column = f.has("column")
      ? ctx.string(f.get("column"), join(field, "column"))
      : (ctx.problem(item, join(field, "column"), "is required"), undefined);
    const present = kinds.filter((k) => f.has(k));
    if (present.length !== 1) {
      ctx.problem(item, field, `give exactly one of ${kinds.join(", ")} (got ${present.length})`);
      return;
    }
    const k = present[0];
    if (f.has("per_version") && k !== "mix") {
      ctx.problem(f.get("per_version"), join(field, "per_version"), "only applies to mix");
    }
    if (column === undefined) return;
    switch (k) {
      case "shift":
      case "rate":
      case "missingness": {
        const amount = ctx.number(f.get(k), join(field, k));
        if (amount !== undefined) out.push({ kind: k, column, amount, loc });
        return;
      }
      case "scale": {
        const factor = ctx.number(f.get(k), join(field, k));
        if (factor !== undefined && factor <= 0) {
          ctx.problem(f.get(k), join(field, k), `must be > 0, got ${factor}`);
        } else if (factor !== undefined) out.push({ kind: k, column, factor, loc });
        return;
      }
      case "mix": {
        const target: Record<string, number> = {};
        let bad = false;
        for (const [v, , n] of ctx.entries(f.get("mix"), join(field, "mix"))) {
          const w = ctx.number(n, join(field, `mix.${v}`));
          if (w === undefined) bad = true;
          else if (w < 0) {
            ctx.problem(n, join(field, `mix.${v}`), `weights must be >= 0, got ${w}`);
            bad = true;
          } else target[v] = w;
        }
        if (!bad && !(Object.values(target).reduce((a, b) => a + b, 0) > 0)) {
          ctx.problem(f.get("mix"), join(field, "mix"), "target weights must sum to more than 0");
          bad = true;
        }
        const perVersion = f.has("per_version")
          ? ctx.rate(f.get("per_version"), join(field, "per_version"))
          : 0.25;
        if (!bad && perVersion !== undefined) {
          out.push({ kind: "mix", column, target, perVersion, loc });
        }
        return;
      }
    }
  });
  return out;
}

/** Columns a generator reads from the same row (its dependencies). */
export function generatorDeps(g: GeneratorSpec | null): string[] {
  if (g === null) return [];
  switch (g.kind) {
    case "uniform":
    case "normal":
    case "lognormal":
    case "exponential":
    case "gamma":
    case "beta":
    case "poisson":
    case "categorical":
    case "sequence":
    case "uuid":
    case "regex":
    case "person":
    case "company":
    case "city":
    case "boolean":
    case "datetime":
    case "entity":
      return [];
    case "template":
      return g.parts.flatMap((p) => (p.t === "col" ? [p.name] : []));
    case "email":
      return g.from ? [g.from] : [];
    case "conditional":
      return [
        g.on,
        ...g.cases.flatMap((c) => generatorDeps(c.generator)),
        ...generatorDeps(g.otherwise),
      ];
    case "derived":
      return exprColumns(g.ast);
    case "per_entity":
      return [g.key, ...generatorDeps(g.of)];
    case "step_time":
      return [g.key];
    case "random_walk":
      return [g.key];
    case "lag":
      return [g.of];
    case "event_time":
      return [g.key, g.after];
    case "session_id":
      return [
        g.of,
        ...g.template.flatMap((p) => (p.t === "col" && p.name !== "KEY" ? [p.name] : [])),
      ];
  }
}

/** Kinds whose values are unique by construction (so `unique: true` columns may use them). */
const UNIQUE_KINDS: readonly GeneratorKind[] = ["sequence", "uuid"];

/**
 * Cross-column checks once the whole spec is known: unknown column references,
 * dependency cycles, correlation blocks over non-distribution columns, drift
 * and label-rate targets that cannot apply, uniqueness that a generator cannot
 * guarantee, and truncation bounds with no probability mass.
 */
export function checkGeneration(spec: DatasetSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const add = (loc: Location, field: string, message: string) =>
    problems.push({ loc, field, message });

  for (const col of spec.columns) {
    const g = col.generator;
    const field = `columns.${col.name}.generator`;
    if (!g) continue;
    checkRefs(g, col, field, byName, add);
    if (col.unique && !isUniqueGenerator(g)) {
      add(
        g.loc,
        field,
        `column is unique but "${g.kind}" can repeat values; use sequence, uuid, or a template with {seq}`,
      );
    }
    checkMass(g, col, field, add);
    checkRange(g, col, field, spec.rowCount, add);
  }

  // Dependency cycles: Kahn's algorithm; what remains sits on a cycle.
  const order = dependencyOrder(spec);
  if (order.cycle.length > 0) {
    const first = byName.get(order.cycle[0])!;
    add(
      first.generator?.loc ?? first.loc,
      `columns.${first.name}.generator`,
      `dependency cycle among columns ${
        order.cycle.join(" -> ")
      }; a column cannot depend on itself`,
    );
  }

  const inCopula = new Set<string>();
  spec.correlations.forEach((c, i) => {
    c.columns.forEach((name) => {
      const col = byName.get(name);
      const field = `correlations.${i}.columns`;
      if (!col) return add(c.loc, field, `unknown column "${name}"`);
      if (inCopula.has(name)) {
        return add(c.loc, field, `column "${name}" is in two correlation blocks`);
      }
      inCopula.add(name);
      const g = effectiveDist(col);
      if (!g) {
        add(
          c.loc,
          field,
          `column "${name}" needs a numeric distribution generator (uniform, normal, lognormal, exponential, gamma, beta, poisson) to join a copula`,
        );
      }
    });
  });

  const labelCols = new Set(spec.evolution.labelRates.keys());
  for (const [name, r] of spec.evolution.labelRates) {
    const col = byName.get(name);
    if (!col) add(r.loc, `label_rates.${name}`, `unknown column "${name}"`);
    else if (col.type !== "boolean") {
      add(r.loc, `label_rates.${name}`, `column "${name}" is ${col.type}, not boolean`);
    }
  }
  for (const [name, r] of spec.evolution.missingness) {
    const col = byName.get(name);
    if (!col) add(r.loc, `missingness.${name}`, `unknown column "${name}"`);
    else if (!col.nullable) {
      add(r.loc, `missingness.${name}`, `column "${name}" is not nullable; set nullable: true`);
    }
  }
  spec.evolution.drift.forEach((d, i) => {
    const field = `drift.${i}.column`;
    const col = byName.get(d.column);
    if (!col) return add(d.loc, field, `unknown column "${d.column}"`);
    switch (d.kind) {
      case "shift":
      case "scale":
        if (col.type !== "integer" && col.type !== "float") {
          add(d.loc, field, `${d.kind} needs a numeric column; "${d.column}" is ${col.type}`);
        }
        return;
      case "mix": {
        const g = col.generator;
        const values = g?.kind === "categorical" ? g.values.map(String) : col.allowed;
        if (!values) {
          return add(
            d.loc,
            field,
            `mix needs a categorical generator or allowed_values on "${d.column}"`,
          );
        }
        const target = Object.keys(d.target);
        for (const v of target) {
          if (!values.includes(v)) {
            add(
              d.loc,
              `drift.${i}.mix.${v}`,
              `"${v}" is not a value of "${d.column}" (${values.join(", ")})`,
            );
          }
        }
        return;
      }
      case "rate":
        if (col.type !== "boolean") {
          add(d.loc, field, `rate needs a boolean column; "${d.column}" is ${col.type}`);
        } else if (col.generator && col.generator.kind !== "boolean" && !labelCols.has(col.name)) {
          add(
            d.loc,
            field,
            `rate applies to boolean generators or label rates; "${d.column}" uses ${col.generator.kind}`,
          );
        }
        return;
      case "missingness":
        if (!spec.evolution.missingness.has(d.column) && !col.nullable) {
          add(d.loc, field, `column "${d.column}" is not nullable`);
        }
        return;
    }
  });
  return problems;
}

function isUniqueGenerator(g: GeneratorSpec): boolean {
  // Entity keys and session ids repeat across the rows of an entity/session by design.
  if (UNIQUE_KINDS.includes(g.kind)) return true;
  return g.kind === "template" && g.parts.some((p) => p.t === "seq");
}

/** The distribution behind a column if it can join a copula. */
export function effectiveDist(col: ColumnSpec): (DistSpec & NumericCommon) | undefined {
  const g = col.generator;
  if (!g) return undefined;
  return (DIST_KINDS as readonly string[]).includes(g.kind)
    ? g as DistSpec & NumericCommon
    : undefined;
}

/** Sequences that would leave [min, max] and datetime ranges outside the column bounds. */
function checkRange(
  g: GeneratorSpec,
  col: ColumnSpec,
  field: string,
  rowCount: number,
  add: (loc: Location, field: string, message: string) => void,
): void {
  const lo = col.min ?? -Infinity;
  const hi = col.max ?? Infinity;
  if (g.kind === "sequence") {
    const last = g.start + g.step * Math.max(0, rowCount - 1);
    if (Math.min(g.start, last) < lo || Math.max(g.start, last) > hi) {
      add(
        g.loc,
        field,
        `sequence runs from ${g.start} to ${last} over ${rowCount} rows, outside the column's [${lo}, ${hi}]`,
      );
    }
  }
  if (g.kind === "datetime") {
    const a = Math.max(g.start ?? lo, lo);
    const b = Math.min(g.end ?? hi, hi);
    if (Number.isFinite(a) && Number.isFinite(b) && a > b) {
      add(g.loc, field, "the generator's [start, end] does not overlap the column's [min, max]");
    }
  }
}

function checkMass(
  g: GeneratorSpec | null,
  col: ColumnSpec,
  field: string,
  add: (loc: Location, field: string, message: string) => void,
): void {
  if (g === null) return;
  if ((DIST_KINDS as readonly string[]).includes(g.kind)) {
    const d = g as DistSpec & NumericCommon;
    const lo = col.min ?? -Infinity;
    const hi = col.max ?? Infinity;
    if (col.type === "integer" && Math.ceil(lo) > Math.floor(hi)) {
      add(d.loc, field, `no whole number lies in [${lo}, ${hi}]`);
    } else if (
      d.truncation === "resample" && !(distributionMass(d, lo, hi, col.type === "integer") > 1e-12)
    ) {
      add(
        d.loc,
        field,
        `${d.kind} has no probability mass inside the column's [${lo}, ${hi}]; move the parameters or the bounds`,
      );
    }
  }
  if (g.kind === "conditional") {
    g.cases.forEach((c) => checkMass(c.generator, col, field, add));
    checkMass(g.otherwise, col, field, add);
  }
  if (g.kind === "per_entity") checkMass(g.of, col, field, add);
}

function checkRefs(
  g: GeneratorSpec | null,
  col: ColumnSpec,
  field: string,
  byName: Map<string, ColumnSpec>,
  add: (loc: Location, field: string, message: string) => void,
): void {
  if (g === null) return;
  const need = (name: string, what: string): ColumnSpec | undefined => {
    const c = byName.get(name);
    if (!c) add(g.loc, field, `${what} refers to unknown column "${name}"`);
    return c;
  };
  switch (g.kind) {
    case "conditional": {
      const on = need(g.on, "on");
      if (on) {
        for (const c of g.cases) {
          const ok = on.type === "boolean"
            ? c.when === "true" || c.when === "false"
            : on.type === "string"
            ? !on.allowed || on.allowed.includes(c.when)
            : Number.isFinite(Number(c.when));
          if (!ok) {
            add(
              c.loc,
              `${field}.cases.${c.when}`,
              `"${c.when}" is not a possible value of ${on.type} column "${on.name}"`,
            );
          }
        }
      }
      g.cases.forEach((c) => checkRefs(c.generator, col, field, byName, add));
      checkRefs(g.otherwise, col, field, byName, add);
      return;
    }
    case "derived":
      for (const name of exprColumns(g.ast)) need(name, `expr "${g.expr}"`);
      return;
    case "template":
      for (const p of g.parts) if (p.t === "col") need(p.name, "{col:...}");
      return;
    case "email":
      if (g.from) {
        const c = need(g.from, "from");
        if (c && c.type !== "string") {
          add(g.loc, field, `from: column "${g.from}" must be a string column`);
        }
      }
      return;
    case "per_entity":
    case "step_time":
    case "random_walk":
    case "event_time": {
      const k = need(g.key, "key");
      if (k && k.generator?.kind !== "entity") {
        add(g.loc, field, `key: column "${g.key}" must use the entity generator`);
      } else if (k && k.generator?.kind === "entity") {
        const layout = k.generator.layout;
        if ((g.kind === "step_time" || g.kind === "random_walk") && layout !== "panel") {
          add(g.loc, field, `${g.kind} needs a panel entity; "${g.key}" has layout ${layout}`);
        }
        if (g.kind === "event_time" && layout !== "events") {
          add(g.loc, field, `event_time needs an events entity; "${g.key}" has layout ${layout}`);
        }
      }
      if (g.kind === "per_entity") checkRefs(g.of, col, field, byName, add);
      if (g.kind === "event_time") {
        const a = need(g.after, "after");
        if (
          a &&
          (a.type !== "datetime" || a.generator?.kind !== "per_entity" || a.generator.key !== g.key)
        ) {
          add(
            g.loc,
            field,
            `after: column "${g.after}" must be a datetime per_entity column keyed by "${g.key}"`,
          );
        }
      }
      return;
    }
    case "lag": {
      const o = need(g.of, "of");
      if (o && o.generator?.kind !== "random_walk") {
        add(g.loc, field, `of: column "${g.of}" must use random_walk`);
      }
      return;
    }
    case "session_id": {
      const o = need(g.of, "of");
      if (o && o.generator?.kind !== "event_time") {
        add(g.loc, field, `of: column "${g.of}" must use event_time`);
      }
      for (const p of g.template) if (p.t === "col" && p.name !== "KEY") need(p.name, "{col:...}");
      return;
    }
    default:
      return;
  }
}

/**
 * Columns in generation order: a topological sort of generator dependencies,
 * ties broken by name so the order is deterministic. `cycle` lists the columns
 * that could not be ordered (empty when the graph is acyclic).
 */
export function dependencyOrder(spec: DatasetSpec): { order: string[]; cycle: string[] } {
  const names = new Set(spec.columns.map((c) => c.name));
  const deps = new Map<string, Set<string>>();
  for (const c of spec.columns) {
    deps.set(c.name, new Set(generatorDeps(c.generator ?? null).filter((d) => names.has(d))));
  }
  const order: string[] = [];
  const done = new Set<string>();
  const sorted = [...names].sort();
  let progress = true;
  while (progress) {
    progress = false;
    for (const n of sorted) {
      if (done.has(n)) continue;
      if ([...deps.get(n)!].every((d) => done.has(d))) {
        order.push(n);
        done.add(n);
        progress = true;
        break; // restart from the smallest name: Kahn's with a sorted ready set
      }
    }
  }
  const rest = sorted.filter((n) => !done.has(n));
  return { order, cycle: rest.length > 0 ? findCycle(rest, deps) : [] };
}

function findCycle(rest: string[], deps: Map<string, Set<string>>): string[] {
  // Walk dependencies from the first remaining column until a node repeats.
  const restSet = new Set(rest);
  const path: string[] = [];
  let n = rest[0];
  while (!path.includes(n)) {
    path.push(n);
    n = [...deps.get(n)!].filter((d) => restSet.has(d)).sort()[0];
  }
  const cyc = path.slice(path.indexOf(n));
  return [...cyc, n];
}
