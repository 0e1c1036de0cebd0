/**
 * `conditional`: a generator per value of another column (`on`), with
 * `otherwise` for the rest; YAML null means a null value. Case keys are the
 * values as text (a date column's as YYYY-MM-DD).
 *
 * @module
 */
import type { GeneratorSpec, Location } from "../../model/mod.ts";
import type { KindDef } from "./kind.ts";
import type { RowFn } from "../env.ts";
import { keyOf } from "../row_fns.ts";
import { parseIsoDate } from "../../data/mod.ts";
import { roundHalfUp } from "../math.ts";
// A cycle inside this folder only (mod.ts lists every kind); used at compile time, not load time.
import { declaredDecimals } from "./mod.ts";

/** `conditional`. */
export const conditionalDef: KindDef<"conditional"> = {
  keys: ["kind", "on", "cases", "otherwise"],
  types: ["string", "integer", "float", "boolean", "datetime", "date"],
  parse({ p, ctx, column, loc, sub }) {
    const on = p.str("on");
    const casesNode = p.node_("cases");
    const cases: Array<{ when: string; generator: GeneratorSpec | null; loc: Location }> = [];
    if (!p.has("cases")) p.missing("cases");
    else if (!p.isMap(casesNode)) {
      ctx.problem(
        casesNode,
        p.at("cases"),
        `must map values of "${on}" to generators, got ${p.describe(casesNode)}`,
      );
    } else {
      const pairs = p.pairs(casesNode);
      for (const pair of pairs) {
        const kv = pair.value;
        if (typeof kv !== "string" && typeof kv !== "number" && typeof kv !== "boolean") {
          ctx.problem(pair.key, p.at("cases"), "case keys must be plain values of the `on` column");
          continue;
        }
        const when = String(kv);
        const g = sub(pair.node, p.join(p.at("cases"), when));
        if (g !== undefined) cases.push({ when, generator: g, loc: ctx.loc(pair.key) });
      }
      if (cases.length === 0 && pairs.length === 0) {
        ctx.problem(casesNode, p.at("cases"), "must list at least one case");
      }
    }
    let otherwise: GeneratorSpec | null | undefined = null;
    if (p.has("otherwise")) {
      otherwise = sub(p.node_("otherwise"), p.at("otherwise"));
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
    return { kind: "conditional", on, cases, otherwise, loc };
  },
  deps: (g, deps) => [g.on, ...g.cases.flatMap((c) => deps(c.generator)), ...deps(g.otherwise)],
  // No column-wide decimals: each case rounds to its own `decimals` in compile
  // (a case without them is not rounded, `decimals: 0` in one case rounds that case only).
  decimals: () => undefined,
  checkRefs(g, { field, add, need }, refs) {
    const on = need(g.on, "on");
    if (on) {
      for (const c of g.cases) {
        const ok = on.type === "boolean"
          ? c.when === "true" || c.when === "false"
          : on.type === "string"
          ? !on.allowed || on.allowed.includes(c.when)
          : on.type === "date"
          ? parseIsoDate(c.when) !== undefined
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
    g.cases.forEach((c) => refs(c.generator));
    refs(g.otherwise);
  },
  checkMass(g, _a, mass) {
    g.cases.forEach((c) => mass(c.generator));
    mass(g.otherwise);
  },
  compile(g, { env, compile, col }) {
    const on = env.cols.get(g.on);
    const float = col.type === "float";
    const build = (sub: GeneratorSpec | null): RowFn | null =>
      sub === null ? null : float ? roundedCase(compile(sub), declaredDecimals(sub)) : compile(sub);
    const table = new Map<string, RowFn | null>();
    for (const c of g.cases) {
      if (!table.has(c.when)) table.set(c.when, build(c.generator));
    }
    const other = build(g.otherwise);
    const pick = (key: string) => (table.has(key) ? table.get(key)! : other);
    if (!on) {
      const f = pick("null");
      return f ? f : () => null;
    }
    if (on.type === "boolean") {
      // Resolve the three possible keys once instead of building and looking up a key per row.
      const fTrue = pick("true");
      const fFalse = pick("false");
      const fNull = pick("null");
      const vals = on.values;
      const valid = on.valid;
      return (i, rng) => {
        const f = valid !== null && valid[i] === 0 ? fNull : vals[i] === 1 ? fTrue : fFalse;
        return f ? f(i, rng) : null;
      };
    }
    return (i, rng) => {
      const f = pick(keyOf(on, i));
      return f ? f(i, rng) : null;
    };
  },
};

/** A case's row function rounded half up to its own `decimals` (none: unchanged). */
function roundedCase(f: RowFn, decimals: number | undefined): RowFn {
  if (decimals === undefined) return f;
  const p = Math.pow(10, Math.max(0, decimals));
  return (i, rng) => {
    const x = f(i, rng);
    if (typeof x !== "number" || !Number.isFinite(x)) return x;
    const y = p === 1 ? roundHalfUp(x) : roundHalfUp(x * p) / p;
    return y === 0 ? 0 : y;
  };
}
