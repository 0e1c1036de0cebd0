/**
 * Typed, checked access to the keys of one `generator:` block. The kind files
 * (kinds/) receive a {@link Params} and never import the YAML library, so the
 * engine can load the kind table in Workers without it.
 *
 * @module
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { describe, excerpt, join, type ParseContext, type YNode } from "../strict_yaml/mod.ts";
import type { ColumnSpec, Location, NumericCommon, TemplatePart } from "../model/mod.ts";
import { parseIsoDate, parseIsoUtc } from "../data/mod.ts";
import { parseTemplate } from "./template.ts";

/** Smallest positive scale, rate or shape parameter accepted. */
const MIN_POSITIVE_PARAM = 1e-100;

/** What a generator parser knows about its column. */
export type ColumnInfo =
  & Pick<ColumnSpec, "name" | "type" | "nullable" | "min" | "max" | "allowed" | "maxLength">
  & {
    /** Dotted field path of the generator block, e.g. `columns.amount.generator`. */
    field: string;
  };

/** Typed access to one block's parameters with positive/range checks. */
export class Params {
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
    // Scales and rates divide: a denormal one makes every value infinite.
    if (n !== 0 && n < MIN_POSITIVE_PARAM) {
      this.ctx.problem(
        this.f.get(key),
        this.at(key),
        `must be at least ${MIN_POSITIVE_PARAM}${orZero ? " (or 0)" : ""}, got ${n}`,
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
        `must be one of ${options.join(", ")}, got ${excerpt(s)}`,
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
        `must be an ISO-8601 date or UTC time like 2024-01-31 or 2024-01-31T08:00:00Z, got ${
          excerpt(s)
        }`,
      );
    }
    return ms;
  }
  /** A calendar date written `YYYY-MM-DD`, as whole days since 1970-01-01 (date columns). */
  date(key: string): number | undefined {
    if (!this.f.has(key)) return undefined;
    const s = this.ctx.string(this.f.get(key), this.at(key));
    if (s === undefined) return undefined;
    const days = parseIsoDate(s);
    if (days === undefined) {
      this.ctx.problem(
        this.f.get(key),
        this.at(key),
        `must be a date written YYYY-MM-DD like 2024-01-31 (a date column has no time of day), got ${
          excerpt(s)
        }`,
      );
    }
    return days;
  }
  /**
   * Decimals and truncation shared by numeric kinds; read first so their
   * problems come before the kind's own (the order users see).
   */
  numeric(loc: Location): NumericCommon {
    const decimals = this.int("decimals", -1, 0);
    if (decimals !== undefined && decimals > 15) {
      this.ctx.problem(
        this.node_("decimals"),
        this.at("decimals"),
        `must be <= 15, got ${decimals}`,
      );
    }
    const truncation = this.oneOf("truncation", ["resample", "clip"] as const, "resample") ??
      "resample";
    const out: NumericCommon = { truncation, loc };
    if (decimals !== undefined && decimals >= 0) out.decimals = decimals;
    return out;
  }
  /** The kind files read YAML through these, so they load without the YAML library. */
  join(base: string, key: string | number): string {
    return join(base, key);
  }
  describe(node: YNode): string {
    return describe(node);
  }
  isMap(node: YNode): boolean {
    return isMap(node);
  }
  /** Key nodes, plain key values (undefined when not a scalar) and value nodes of a mapping. */
  pairs(node: YNode): Array<{ key: YNode; value: unknown; node: YNode }> {
    return (node as YAMLMap<Node, Node>).items.map((pair) => ({
      key: pair.key,
      value: isScalar(pair.key) ? pair.key.value : undefined,
      node: pair.value as YNode,
    }));
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
