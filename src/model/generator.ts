/**
 * Generator specifications: schema.yaml `generator:` blocks, schema.yaml
 * `correlations:` and evolution.yaml `drift:` as typed, plain data
 * (structured-cloneable, so a plan can be posted to Workers). Each kind's
 * parser, checks and sampler wiring are in src/generate/kinds/.
 *
 * @module
 */
import type { Expr, ReNode } from "./ast.ts";
import { DIST_KINDS } from "./constants.ts";
import type { Location } from "./location.ts";

/** How a bounded continuous distribution respects the column's [min, max]. */
export type Truncation = "resample" | "clip";

/** Parameters shared by numeric distributions. */
export interface NumericCommon {
  /** Round floats to this many decimals (integers always round to whole numbers). */
  decimals?: number;
  /** `resample` (default): inverse CDF restricted to [F(min), F(max)]; `clip`: clamp. */
  truncation: Truncation;
  loc: Location;
}

/** A univariate numeric distribution (sampled by inverse CDF, copula-compatible). */
export type DistSpec =
  | { kind: "uniform"; min?: number; max?: number }
  | { kind: "normal"; mean: number; std: number }
  | { kind: "lognormal"; mu: number; sigma: number }
  | { kind: "exponential"; mean: number }
  | { kind: "gamma"; shape: number; scale: number }
  | { kind: "beta"; alpha: number; beta: number; min: number; max: number }
  | { kind: "poisson"; lambda: number }
  | {
    /**
     * A quantile table: `quantiles[j]` is the value at probability j / m
     * (m = quantiles.length - 1), non-decreasing; values between knots are
     * interpolated linearly (written by `sdp fit` when no parametric kind fits).
     */
    kind: "empirical";
    quantiles: number[];
  };

/** A part of a string template. */
export type TemplatePart =
  | { t: "lit"; v: string }
  | { t: "seq"; width: number }
  | { t: "digits"; n: number }
  | { t: "letters"; n: number }
  | { t: "hex"; n: number }
  | { t: "col"; name: string };

/** Time unit of `step_time`. */
export type StepUnit = "business_day" | "day" | "hour" | "minute";

/** A declared generator for one column (discriminated by `kind`). */
export type GeneratorSpec =
  | (DistSpec & NumericCommon)
  | {
    kind: "categorical";
    /** Values as written (strings; numbers/booleans are converted per column type). */
    values: Array<string | number | boolean>;
    weights: number[];
    loc: Location;
  }
  | { kind: "sequence"; start: number; step: number; loc: Location }
  | { kind: "uuid"; loc: Location }
  | {
    kind: "template";
    template: string;
    parts: TemplatePart[];
    start: number;
    /** Raises the longest value allowed (DEFAULT_MAX_STRING_CHARS). */
    maxLength?: number;
    loc: Location;
  }
  | {
    kind: "regex";
    pattern: string;
    ast: ReNode;
    /** Raises the longest value allowed (DEFAULT_MAX_STRING_CHARS). */
    maxLength?: number;
    loc: Location;
  }
  | { kind: "person"; part: "full" | "first" | "last"; loc: Location }
  | { kind: "company"; loc: Location }
  | { kind: "city"; loc: Location }
  | { kind: "email"; from?: string; domains: string[]; loc: Location }
  | { kind: "boolean"; rate: number; loc: Location }
  | {
    kind: "datetime";
    start?: number;
    end?: number;
    /** Monday..Sunday relative weights. */
    weekdayWeights?: number[];
    /** Hour 0..23 (UTC) relative weights. */
    hourWeights?: number[];
    /** Values are multiples of this many ms (1000 = whole seconds, the default). */
    resolutionMs: number;
    loc: Location;
  }
  | {
    kind: "conditional";
    on: string;
    /** Each case lists the `on` values (as text: "true", "gold", "3") it applies to; null = null value. */
    cases: Array<{ when: string; generator: GeneratorSpec | null; loc: Location }>;
    otherwise: GeneratorSpec | null;
    loc: Location;
  }
  | { kind: "derived"; expr: string; ast: Expr; decimals?: number; loc: Location }
  | {
    kind: "entity";
    layout: "panel" | "events";
    /** panel: fixed entity list (or `count` entities named by `template`). */
    values?: string[];
    count: number;
    template?: TemplatePart[];
    /** First entity number ({seq} / integer ids). */
    start: number;
    /** events: mean and cap of events per entity (1 + geometric). */
    meanEvents: number;
    maxEvents: number;
    loc: Location;
  }
  | { kind: "per_entity"; key: string; of: GeneratorSpec; loc: Location }
  | { kind: "step_time"; key: string; start: number; every: StepUnit; loc: Location }
  | {
    kind: "random_walk";
    key: string;
    model: "gbm" | "arithmetic";
    /** Value before the first step: fixed or a per-entity range (log-uniform for gbm). */
    start: [number, number];
    /** Annualised drift (gbm: mu) per `steps_per_year` steps. */
    drift: number;
    /** Annualised volatility, fixed or per-entity range. */
    volatility: [number, number];
    stepsPerYear: number;
    decimals?: number;
    loc: Location;
  }
  | { kind: "lag"; of: string; jitter: number; decimals?: number; loc: Location }
  | {
    kind: "event_time";
    key: string;
    /** Column (per entity) after which events start, e.g. signup_time. */
    after: string;
    firstEventHours: number;
    sessionGapHours: number;
    eventGapSeconds: number;
    eventsPerSession: number;
    loc: Location;
  }
  | { kind: "session_id"; of: string; template: TemplatePart[]; loc: Location };

/** Every generator kind, for messages and exhaustiveness. */
export const GENERATOR_KINDS = [
  ...DIST_KINDS,
  "categorical",
  "sequence",
  "uuid",
  "template",
  "regex",
  "person",
  "company",
  "city",
  "email",
  "boolean",
  "datetime",
  "conditional",
  "derived",
  "entity",
  "per_entity",
  "step_time",
  "random_walk",
  "lag",
  "event_time",
  "session_id",
] as const;

/** A generator kind name. */
export type GeneratorKind = GeneratorSpec["kind"];

/** A declared correlation block (Gaussian copula). */
export interface CorrelationSpec {
  columns: string[];
  matrix: number[][];
  loc: Location;
}

/** A declared version-to-version change; `versionIndex` v scales its effect. */
export type DriftSpec =
  | {
    /** Add `amount * v` to every value of a numeric column (before truncation). */
    kind: "shift";
    column: string;
    amount: number;
    loc: Location;
  }
  | {
    /** Multiply values by `factor ^ v` (before truncation). */
    kind: "scale";
    column: string;
    factor: number;
    loc: Location;
  }
  | {
    /** Move categorical weights toward `target` by `perVersion * v` (capped at 1). */
    kind: "mix";
    column: string;
    target: Record<string, number>;
    perVersion: number;
    loc: Location;
  }
  | {
    /** Add `amount * v` to a boolean rate / label rate (clamped to [0, 1]). */
    kind: "rate";
    column: string;
    amount: number;
    loc: Location;
  }
  | {
    /** Add `amount * v` to the column's missingness rate (clamped to [0, 1]). */
    kind: "missingness";
    column: string;
    amount: number;
    loc: Location;
  };
