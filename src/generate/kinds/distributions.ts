/**
 * The numeric distributions (uniform, normal, lognormal, exponential, gamma,
 * beta, poisson): sampled by inverse CDF, so they can join a copula. The
 * samplers are in ../dist_branch.ts.
 *
 * @module
 */
import type { ColumnType, DistSpec, NumericCommon } from "../../model/mod.ts";
import { distQuantile, distributionMass } from "../math.ts";
import { typeRange } from "../env.ts";
import type { CheckInput, KindDef, SpecOf } from "./kind.ts";
import { distSampler } from "../row_fns.ts";

const NUMERIC_TYPES: readonly ColumnType[] = ["integer", "float"];
const COMMON_NUMERIC = ["kind", "decimals", "truncation"];

/** Whether the truncated distribution has probability mass inside the column bounds. */
function checkMass(d: DistSpec & NumericCommon, a: CheckInput): void {
  const lo = a.col.min ?? -Infinity;
  const hi = a.col.max ?? Infinity;
  if (a.col.type === "integer" && Math.ceil(lo) > Math.floor(hi)) {
    a.add(d.loc, a.field, `no whole number lies in [${lo}, ${hi}]`);
  } else if (
    d.truncation === "resample" && !(distributionMass(d, lo, hi, a.col.type === "integer") > 1e-12)
  ) {
    a.add(
      d.loc,
      a.field,
      `${d.kind} has no probability mass inside the column's [${lo}, ${hi}]; move the parameters or the bounds`,
    );
  } else checkReach(d, a);
}

/**
 * Whether the most extreme draws (the quantiles at 2^-53 and 1 - 2^-53, the
 * farthest a 53-bit uniform reaches) fit the column type where no bound clamps
 * them: `std: 1e99` on an integer column or `sigma: 1e15` overflow.
 */
function checkReach(d: DistSpec & NumericCommon, a: CheckInput): void {
  if (a.col.type !== "integer" && a.col.type !== "float") return;
  const [least, most] = typeRange(a.col.type);
  const low = a.col.min === undefined ? distQuantile(d, 2 ** -53) : a.col.min;
  const high = a.col.max === undefined ? distQuantile(d, 1 - 2 ** -53) : a.col.max;
  if (!(low >= least && high <= most)) {
    a.add(
      d.loc,
      a.field,
      `${d.kind} reaches ${!(low >= least) ? low : high}, beyond what ${
        a.col.type === "integer" ? "an" : "a"
      } ${a.col.type} column ` +
        `holds (${least} to ${most}); narrow the parameters or set constraints min and max`,
    );
  }
}

const decimals = (g: NumericCommon) => g.decimals;

/** `uniform`: min/max default to the column bounds. */
export const uniformDef: KindDef<"uniform"> = {
  keys: [...COMMON_NUMERIC, "min", "max"],
  types: NUMERIC_TYPES,
  parse({ p, ctx, column, loc }): SpecOf<"uniform"> {
    const c = p.numeric(loc);
    const min = p.num("min", column.min ?? 0);
    const max = p.num("max", column.max ?? (min ?? 0) + 1);
    if (min !== undefined && max !== undefined && !(min < max)) {
      ctx.problem(
        p.node_("max") ?? p.node,
        p.at("max"),
        `must be above min (${min}), got ${max}`,
      );
    }
    return { kind: "uniform", min, max, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `normal`. */
export const normalDef: KindDef<"normal"> = {
  keys: [...COMMON_NUMERIC, "mean", "std"],
  types: NUMERIC_TYPES,
  parse({ p, loc }) {
    const c = p.numeric(loc);
    const mean = p.num("mean");
    const std = p.pos("std");
    if (mean === undefined || std === undefined) return undefined;
    return { kind: "normal", mean, std, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `lognormal`: `mu` or `median` (= e^mu). */
export const lognormalDef: KindDef<"lognormal"> = {
  keys: [...COMMON_NUMERIC, "mu", "sigma", "median"],
  types: NUMERIC_TYPES,
  parse({ p, ctx, loc }) {
    const c = p.numeric(loc);
    const sigma = p.pos("sigma");
    let mu: number | undefined;
    if (p.has("median") && p.has("mu")) {
      ctx.problem(p.node_("median"), p.at("median"), "give either mu or median, not both");
    } else if (p.has("median")) {
      const med = p.pos("median");
      if (med !== undefined) mu = Math.log(med);
    } else mu = p.num("mu");
    if (mu === undefined || sigma === undefined) return undefined;
    return { kind: "lognormal", mu, sigma, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `exponential`. */
export const exponentialDef: KindDef<"exponential"> = {
  keys: [...COMMON_NUMERIC, "mean"],
  types: NUMERIC_TYPES,
  parse({ p, loc }) {
    const c = p.numeric(loc);
    const mean = p.pos("mean");
    return mean === undefined ? undefined : { kind: "exponential", mean, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `gamma`. */
export const gammaDef: KindDef<"gamma"> = {
  keys: [...COMMON_NUMERIC, "shape", "scale"],
  types: NUMERIC_TYPES,
  parse({ p, loc }) {
    const c = p.numeric(loc);
    const shape = p.pos("shape");
    const scale = p.pos("scale");
    return shape === undefined || scale === undefined
      ? undefined
      : { kind: "gamma", shape, scale, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `beta`, stretched onto [min, max] (default: the column bounds, else [0, 1]). */
export const betaDef: KindDef<"beta"> = {
  keys: [...COMMON_NUMERIC, "alpha", "beta", "min", "max"],
  types: NUMERIC_TYPES,
  parse({ p, ctx, column, loc }) {
    const c = p.numeric(loc);
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
    return { kind: "beta", alpha, beta, min, max, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** `poisson`. */
export const poissonDef: KindDef<"poisson"> = {
  keys: [...COMMON_NUMERIC, "lambda"],
  types: NUMERIC_TYPES,
  parse({ p, loc }) {
    const c = p.numeric(loc);
    const lambda = p.pos("lambda");
    return lambda === undefined ? undefined : { kind: "poisson", lambda, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};

/** Most knots an `empirical` table may have (a bounded table, not the data). */
export const MAX_EMPIRICAL_KNOTS = 1025;

/**
 * `empirical`: a quantile table (knots at equally spaced probabilities,
 * interpolated linearly), as `sdp fit` writes it when no parametric kind fits.
 */
export const empiricalDef: KindDef<"empirical"> = {
  keys: [...COMMON_NUMERIC, "quantiles"],
  types: NUMERIC_TYPES,
  parse({ p, ctx, loc }) {
    const c = p.numeric(loc);
    if (!p.has("quantiles")) return p.missing("quantiles"), undefined;
    const node = p.node_("quantiles");
    const items = ctx.items(node, p.at("quantiles"));
    if (!items) return undefined;
    const quantiles: number[] = [];
    let bad = false;
    items.forEach((it, i) => {
      const v = ctx.number(it, p.join(p.at("quantiles"), i));
      if (v === undefined) bad = true;
      else if (quantiles.length > 0 && v < quantiles[quantiles.length - 1]) {
        ctx.problem(
          it,
          p.join(p.at("quantiles"), i),
          `quantiles must not decrease, got ${v} after ${quantiles[quantiles.length - 1]}`,
        );
        bad = true;
      } else quantiles.push(v);
    });
    if (bad) return undefined;
    if (quantiles.length < 2 || quantiles.length > MAX_EMPIRICAL_KNOTS) {
      ctx.problem(
        node,
        p.at("quantiles"),
        `must list 2 to ${MAX_EMPIRICAL_KNOTS} values (the quantiles at 0, 1/m, ..., 1), got ${quantiles.length}`,
      );
      return undefined;
    }
    if (!(quantiles[0] < quantiles[quantiles.length - 1])) {
      ctx.problem(
        node,
        p.at("quantiles"),
        "the last quantile must be above the first (a constant column is a categorical with one value)",
      );
      return undefined;
    }
    return { kind: "empirical", quantiles, ...c };
  },
  decimals,
  checkMass,
  compile: (g, { col, env, t }) => distSampler(g, col, env, t),
  rowFree: (_g, col, env) => !env.copula.has(col.name),
};
