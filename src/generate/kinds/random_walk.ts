/**
 * `random_walk`: a price-like path per panel entity (geometric or
 * arithmetic Brownian motion); `lag` reads the previous step.
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import { checkEntityKey } from "./entity.ts";
import type { KindDef } from "./kind.ts";
import { withAffine } from "../env.ts";
import { Walk } from "../series.ts";

/** `random_walk`. */
export const randomWalkDef: KindDef<"random_walk"> = {
  keys: ["kind", "key", "model", "start", "drift", "volatility", "steps_per_year", "decimals"],
  types: ["float", "integer"],
  parse({ p, loc }) {
    const key = p.str("key");
    const model = p.oneOf("model", ["gbm", "arithmetic"] as const, "gbm");
    const start = p.range("start", 100, model === "gbm");
    const drift = p.num("drift", 0);
    const volatility = p.range("volatility", 0.2, true);
    const stepsPerYear = p.pos("steps_per_year", 252);
    const c = p.numeric(loc);
    if (!key || !model || !start || drift === undefined || !volatility || !stepsPerYear) {
      return undefined;
    }
    const out: GeneratorSpec & { kind: "random_walk" } = {
      kind: "random_walk",
      key,
      model,
      start,
      drift,
      volatility,
      stepsPerYear,
      loc,
    };
    if (c.decimals !== undefined) out.decimals = c.decimals;
    return out;
  },
  deps: (g) => [g.key],
  decimals: (g) => g.decimals,
  checkRefs: (g, a) => checkEntityKey(g, a, "panel"),
  compile(g, { col, env, t }) {
    const layout = env.entities.get(g.key);
    const w = new Walk(g, env.ctx.seedHex, col.name, env.bases.get(col.name)!);
    return withAffine((i) => (layout ? w.value(layout.entity[i], layout.step[i] + 1) : null), t);
  },
};

/** `lag`: the walk's value one step earlier, with optional jitter. */
export const lagDef: KindDef<"lag"> = {
  keys: ["kind", "of", "jitter", "decimals"],
  types: ["float", "integer"],
  parse({ p, loc }) {
    const of = p.str("of");
    const jitter = p.pos("jitter", 0, true);
    const c = p.numeric(loc);
    if (of === undefined || jitter === undefined) return undefined;
    const out: GeneratorSpec & { kind: "lag" } = { kind: "lag", of, jitter, loc };
    if (c.decimals !== undefined) out.decimals = c.decimals;
    return out;
  },
  deps: (g) => [g.of],
  decimals: (g) => g.decimals,
  checkRefs(g, { field, add, need }) {
    const o = need(g.of, "of");
    if (o && o.generator?.kind !== "random_walk") {
      add(g.loc, field, `of: column "${g.of}" must use random_walk`);
    }
  },
  compile(g, { env, t }) {
    const of = env.plan.columns[g.of];
    const og = of?.gen;
    if (!og || og.kind !== "random_walk") return () => null;
    const layout = env.entities.get(og.key);
    const w = new Walk(og, env.ctx.seedHex, of.name, env.bases.get(of.name)!);
    const jitter = g.jitter;
    return withAffine((i, rng) => {
      if (!layout) return null;
      const base = w.value(layout.entity[i], layout.step[i]);
      const z = rng.nextNormal();
      return og.model === "gbm" ? base * Math.exp(jitter * z) : base + jitter * z;
    }, t);
  },
};
