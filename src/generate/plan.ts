/**
 * Generation plan: the resolved, structured-cloneable description of how each
 * column is produced (declared or inferred generator, order, copulas, label
 * rates, missingness, drift). Built once per run, posted to every Worker.
 *
 * @module
 */
import {
  type ColumnSpec,
  type ColumnType,
  type DatasetSpec,
  DEFAULT_END_DAYS,
  DEFAULT_END_MS,
  DEFAULT_START_DAYS,
  DEFAULT_START_MS,
  type DriftSpec,
  type GeneratorSpec,
  type TemplatePart,
} from "../model/mod.ts";
import { choleskyPsd } from "./math.ts";
import { dependencyOrder } from "./order.ts";
import type { RelationPlan } from "./relations.ts";
import { parseTemplate } from "./template.ts";
import { parseRegex } from "./regex.ts";
import { COUNTRIES, CURRENCIES, CURRENCY_WEIGHTS } from "./words.ts";

/** Plan format version (bump when generated values change for the same config). */
export const PLAN_FORMAT = 3;

/** One column of the plan. */
export interface PlanColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  unique: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  /** The declared generator, or the one inferred from name, type and constraints. */
  gen: GeneratorSpec;
  /** True when `gen` was inferred (no `generator:` block). */
  inferred: boolean;
  /** Label rate from evolution.yaml (boolean columns without a declared generator). */
  labelRate?: number;
  /** Missingness rate from evolution.yaml. */
  missing?: number;
  /** Drift entries that target this column. */
  drift: DriftSpec[];
  /** Position in a copula block: [block index, column index within the block]. */
  copula?: [number, number];
}

/** A Gaussian copula block with its Cholesky factor. */
export interface PlanCopula {
  columns: string[];
  chol: number[][];
}

/** Everything a Worker needs to generate any chunk: plain objects only. */
export interface GenerationPlan {
  format: number;
  dataset: string;
  /** Columns keyed by name. */
  columns: Record<string, PlanColumn>;
  /** Generation order (topological, ties by name). */
  order: string[];
  /** Output order (sorted names). */
  names: string[];
  copulas: PlanCopula[];
  /** Foreign keys and parent columns of a child table (multi-table datasets; see relations.ts). */
  relations?: RelationPlan;
}

/** Resolve a {@link DatasetSpec} into a {@link GenerationPlan} (pure). */
export function planGeneration(spec: DatasetSpec): GenerationPlan {
  // Null prototype: column names such as `constructor` or `__proto__` are plain keys.
  const columns: Record<string, PlanColumn> = Object.create(null);
  for (const c of spec.columns) {
    const label = spec.evolution.labelRates.get(c.name);
    const gen = c.generator ?? inferGenerator(c, spec.rowCount, label?.rate);
    const pc: PlanColumn = {
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      unique: c.unique,
      gen,
      inferred: c.generator === undefined,
      drift: spec.evolution.drift.filter((d) => d.column === c.name),
    };
    if (c.min !== undefined) pc.min = c.min;
    if (c.max !== undefined) pc.max = c.max;
    if (c.maxLength !== undefined) pc.maxLength = c.maxLength;
    if (label && !c.generator && c.type === "boolean") pc.labelRate = label.rate;
    const miss = spec.evolution.missingness.get(c.name);
    if (miss) pc.missing = miss.rate;
    else if (pc.drift.some((d) => d.kind === "missingness")) pc.missing = 0;
    columns[c.name] = pc;
  }
  const copulas: PlanCopula[] = [];
  spec.correlations.forEach((cor) => {
    const chol = choleskyPsd(cor.matrix);
    if (!chol) return; // rejected at parse time
    const b = copulas.length;
    cor.columns.forEach((name, i) => {
      if (columns[name]) columns[name].copula = [b, i];
    });
    copulas.push({ columns: cor.columns.slice(), chol });
  });
  const names = spec.columns.map((c) => c.name).sort();
  const { order, cycle } = dependencyOrder(spec);
  // A cycle is a config error reported by checkGeneration; still return a total order.
  return {
    format: PLAN_FORMAT,
    dataset: spec.name,
    columns,
    order: [...order, ...cycle.filter((n, i) => cycle.indexOf(n) === i)],
    names,
    copulas,
  };
}

const AMOUNT_RE = /(amount|price|cost|revenue|balance|salary|fee|total|spend|value)/;
const ID_RE = /(^id$|_id$|^id_|uuid)/;

/**
 * Inference rules when a column has no `generator:` (docs/generators.md):
 *
 * 1. unique columns: integer/float/datetime -> sequence; string -> `<NAME>-{seq:08}`.
 * 2. `*_id` / `id`: integer -> sequence from max(1, min) when it fits under max,
 *    else uniform whole numbers; string -> uuid (or `{seq}` when max_length < 36).
 * 3. boolean: the evolution label rate when given, else `is_*`/`has_*`/others 0.5.
 * 4. string with allowed_values -> categorical, uniform weights; with a pattern (supported
 *    subset) -> strings drawn from the pattern.
 * 5. string by name: email, first_name, last_name, *name -> person, company /
 *    merchant -> company, city, country -> ISO codes, currency -> ISO codes
 *    (weighted to majors); otherwise `<name>_{digits:4}`.
 * 6. float/integer named like amount/price/cost/revenue/balance/fee -> lognormal
 *    (median 50 when inside the bounds, sigma 1.2), 2 decimals; `age` -> normal(40, 12)
 *    in [18, 90]; `count`/`quantity`/`num_*` -> poisson(3); otherwise uniform in
 *    [min, max] (defaults 0 and min + 1000), floats with 2 decimals.
 * 7. datetime: uniform within [min, max] or [2024-01-01, 2025-01-01) UTC; whole
 *    seconds, whole days for names ending in `date`. Never the wall clock.
 * 8. date: uniform over the days of [min, max] or 2024-01-01..2024-12-31 (unique:
 *    one day per row from min or 2024-01-01).
 */
export function inferGenerator(c: ColumnSpec, rowCount: number, labelRate?: number): GeneratorSpec {
  const loc = c.loc;
  const n = c.name.toLowerCase();
  const lo = c.min;
  const hi = c.max;
  switch (c.type) {
    case "boolean":
      return { kind: "boolean", rate: labelRate ?? 0.5, loc };
    case "datetime": {
      if (c.unique) return { kind: "sequence", start: lo ?? DEFAULT_START_MS, step: 1000, loc };
      const out: GeneratorSpec = {
        kind: "datetime",
        resolutionMs: /date$/.test(n) ? 86_400_000 : 1000,
        loc,
      };
      out.start = lo ??
        (hi !== undefined ? Math.min(DEFAULT_START_MS, hi - 86_400_000 * 365) : DEFAULT_START_MS);
      out.end = hi ?? Math.max(DEFAULT_END_MS - 1000, out.start + 86_400_000 * 365);
      return out;
    }
    case "date": {
      if (c.unique) return { kind: "sequence", start: lo ?? DEFAULT_START_DAYS, step: 1, loc };
      const start = lo ??
        (hi !== undefined ? Math.min(DEFAULT_START_DAYS, hi - 365) : DEFAULT_START_DAYS);
      const end = hi ?? Math.max(DEFAULT_END_DAYS, start + 365);
      return { kind: "datetime", resolutionMs: 86_400_000, start, end, loc };
    }
    case "string": {
      if (c.allowed && c.allowed.length > 0) {
        return {
          kind: "categorical",
          values: c.allowed.slice(),
          weights: c.allowed.map(() => 1),
          loc,
        };
      }
      if (c.pattern !== undefined) {
        // Strings drawn from the pattern itself (supported subset; see regex.ts).
        const ast = parseRegex(c.pattern);
        if (typeof ast !== "string") return { kind: "regex", pattern: c.pattern, ast, loc };
      }
      if (c.unique || ID_RE.test(n)) {
        if (!c.unique && (c.maxLength === undefined || c.maxLength >= 36)) {
          return { kind: "uuid", loc };
        }
        const prefix = c.name.replace(/_id$/, "").toUpperCase().slice(0, 4);
        const t = c.maxLength !== undefined && c.maxLength < prefix.length + 9
          ? "{seq}"
          : `${prefix}-{seq:08}`;
        return {
          kind: "template",
          template: t,
          parts: parseTemplate(t) as TemplatePart[],
          start: 1,
          loc,
        };
      }
      if (n.includes("email")) {
        return { kind: "email", domains: ["example.com", "example.org", "example.net"], loc };
      }
      if (n.includes("first_name")) return { kind: "person", part: "first", loc };
      if (n.includes("last_name") || n.includes("surname")) {
        return { kind: "person", part: "last", loc };
      }
      if (n.includes("company") || n.includes("merchant") || n.includes("employer")) {
        return { kind: "company", loc };
      }
      if (n.includes("name")) return { kind: "person", part: "full", loc };
      if (n.includes("city")) return { kind: "city", loc };
      if (n.includes("country")) {
        return {
          kind: "categorical",
          values: COUNTRIES.slice(),
          weights: COUNTRIES.map(() => 1),
          loc,
        };
      }
      if (n.includes("currency")) {
        return {
          kind: "categorical",
          values: CURRENCIES.slice(),
          weights: CURRENCY_WEIGHTS.slice(),
          loc,
        };
      }
      const t = `${c.name}_{digits:4}`;
      return {
        kind: "template",
        template: t,
        parts: parseTemplate(t) as TemplatePart[],
        start: 1,
        loc,
      };
    }
    case "integer":
    case "float": {
      const int = c.type === "integer";
      const first = int ? Math.max(1, Math.ceil(lo ?? 1)) : lo ?? 1;
      const fits = hi === undefined || first + rowCount - 1 <= hi;
      if ((c.unique || (int && ID_RE.test(n))) && fits) {
        return { kind: "sequence", start: first, step: 1, loc };
      }
      const common = { truncation: "resample" as const, loc };
      const decimals = int ? {} : { decimals: 2 };
      if (AMOUNT_RE.test(n)) {
        const a = Math.max(lo ?? 0.01, 1e-9);
        const median = 50 > a && (hi === undefined || 50 < hi / 5)
          ? 50
          : hi !== undefined
          ? Math.sqrt(a * Math.max(hi, a * 2))
          : a * 10;
        return { kind: "lognormal", mu: Math.log(median), sigma: 1.2, ...decimals, ...common };
      }
      if (/(^|_)age($|_)/.test(n) && lo === undefined && hi === undefined) {
        return { kind: "normal", mean: 40, std: 12, ...decimals, ...common };
      }
      if (/(count|quantity|qty|^num_|^n_)/.test(n)) {
        return { kind: "poisson", lambda: 3, ...common };
      }
      const min = lo ?? (hi !== undefined ? hi - 1000 : 0);
      const max = hi ?? min + 1000;
      return { kind: "uniform", min, max, ...decimals, ...common };
    }
  }
}
