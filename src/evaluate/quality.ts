/**
 * Data quality of one version.
 *
 * Components, each in [0, 1]:
 * - completeness = 1 - nulls / (rows x columns).
 * - validity = 1 - (column violations + check violations) /
 *   (rows x (columns + checks)), from the validator's summary.
 * - uniqueness = mean over columns declared `unique` of distinct / non-null
 *   (capped at 1; HyperLogLog estimate above 100,000 distinct values); null
 *   when no column is declared unique.
 * - rate_conformance = share of configured rates (label rates, missingness) whose
 *   realised value is within `rate_tolerance` of the configured one; null when
 *   none are configured. Label rate realised = true / non-null of the boolean
 *   column; missingness realised = nulls / rows. The binomial 3-sigma band
 *   configured +- 3 sqrt(c (1 - c) / n) is reported for information.
 * - column_shapes (SDMetrics-style, vs the prior version): mean over columns of
 *   KSComplement = 1 - KS statistic (integer, float, datetime, date) or
 *   TVComplement = 1 - total variation distance (string, boolean); columns
 *   empty on either side are skipped. Null without a prior.
 * - column_pair_trends (SDMetrics CorrelationSimilarity, vs the prior): mean over
 *   numeric column pairs with a Pearson r in both versions of
 *   1 - |r_cur - r_ref| / 2. Null without a prior.
 *
 * score = (arithmetic mean of the components that are not null) x checks_passed,
 * where checks_passed = share of the validated items (each column's
 * constraints, each table check) with no violation, and 0 when the validation
 * failed for another reason (schema, row count). A few failing rows among
 * millions barely move `validity`; a failed check must show in the score.
 *
 * @module
 */
import type { DatasetSpec } from "../model/mod.ts";
import { compareNames } from "../data/mod.ts";
import type { DatasetProfile } from "../profile/mod.ts";
import type { DriftReport } from "./drift.ts";

/** What the validator reports (the validate stage provides it). */
export interface ValidationSummary {
  passed: boolean;
  rows: number;
  columns: Record<string, { violations: number }>;
  checks: Record<string, { violations: number }>;
}

/** The aggregate score's formula, as stated in every report. */
export const SCORE_FORMULA =
  "score = mean of the available components among completeness, validity, uniqueness, " +
  "rate_conformance, column_shapes, column_pair_trends (null components are left out) " +
  "x checks_passed (share of columns and table checks without violations; 0 when the " +
  "validation failed otherwise)";

/** A configured-vs-realised rate check. */
export interface RateCheck {
  kind: "label_rate" | "missingness";
  column: string;
  configured: number;
  /** Null when the column is missing, of the wrong type or has no values. */
  realised: number | null;
  difference: number | null;
  tolerance: number;
  /** Binomial 3-sigma band around the configured rate (information only). */
  band: { low: number; high: number };
  within_band: boolean;
  passed: boolean;
  note: string;
}

/** Quality of one column. */
export interface ColumnQuality {
  completeness: number;
  validity: number;
  violations: number;
  /** distinct / non-null (null when the column has no values). */
  distinct_ratio: number | null;
  unique: boolean;
  shape: { metric: "KSComplement" | "TVComplement"; score: number } | null;
}

/** Correlation similarity of one numeric column pair. */
export interface PairTrend {
  columns: [string, string];
  reference: number;
  current: number;
  score: number;
}

/** Quality section of an evaluation. */
export interface QualityReport {
  score: number;
  formula: string;
  /**
   * Share of validated items (columns, table checks) without violations; 0
   * when the validation failed otherwise (schema, row count). Multiplies the score.
   */
  checks_passed: number;
  components: {
    completeness: number;
    validity: number;
    uniqueness: number | null;
    rate_conformance: number | null;
    column_shapes: number | null;
    column_pair_trends: number | null;
  };
  columns: Record<string, ColumnQuality>;
  rates: RateCheck[];
  rates_passed: boolean;
  pairs: PairTrend[];
  notes: string[];
}

function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Compute the quality report (drift supplies KS / TV for shape scores). */
export function assessQuality(
  spec: DatasetSpec,
  profile: DatasetProfile,
  prior: DatasetProfile | null,
  drift: DriftReport,
  validation: ValidationSummary,
): QualityReport {
  const notes: string[] = [];
  const names = Object.keys(profile.columns).sort(compareNames);
  const rows = profile.rows;
  const uniqueSet = new Set(spec.columns.filter((c) => c.unique).map((c) => c.name));
  const columns: Record<string, ColumnQuality> = Object.create(null);
  let nulls = 0;
  let colViolations = 0;
  const uniq: number[] = [];
  const shapes: number[] = [];
  for (const name of names) {
    const p = profile.columns[name];
    nulls += p.nulls;
    const violations = Object.hasOwn(validation.columns, name)
      ? validation.columns[name].violations
      : 0;
    colViolations += violations;
    const values = p.count - p.nulls;
    const distinctRatio = values > 0 ? Math.min(1, p.distinct.count / values) : null;
    if (uniqueSet.has(name) && distinctRatio !== null) uniq.push(distinctRatio);
    const d = Object.hasOwn(drift.columns, name) ? drift.columns[name] : undefined;
    let shape: ColumnQuality["shape"] = null;
    if (d !== undefined && d.kind === "numeric" && d.ks !== null) {
      shape = { metric: "KSComplement", score: 1 - d.ks.statistic };
    } else if (d !== undefined && d.kind === "categorical" && d.total_variation !== null) {
      shape = { metric: "TVComplement", score: 1 - d.total_variation };
    }
    if (shape !== null) shapes.push(shape.score);
    columns[name] = {
      completeness: p.count === 0 ? 1 : 1 - p.nulls / p.count,
      validity: rows === 0 ? 1 : Math.max(0, 1 - violations / rows),
      violations,
      distinct_ratio: distinctRatio,
      unique: uniqueSet.has(name),
      shape,
    };
  }
  let checkViolations = 0;
  const checkNames = Object.keys(validation.checks);
  for (const c of checkNames) checkViolations += validation.checks[c].violations;
  const cells = rows * names.length;
  const completeness = cells === 0 ? 1 : 1 - nulls / cells;
  const validityCells = rows * (names.length + checkNames.length);
  const validity = validityCells === 0
    ? 1
    : Math.max(0, 1 - (colViolations + checkViolations) / validityCells);
  const uniqueness = mean(uniq);
  if (uniqueSet.size === 0) notes.push("uniqueness: no column is declared unique");

  const rates = rateChecks(spec, profile);
  const rateConformance = rates.length === 0
    ? null
    : rates.filter((r) => r.passed).length / rates.length;

  let columnShapes: number | null = null;
  let columnPairTrends: number | null = null;
  const pairs: PairTrend[] = [];
  if (prior === null) {
    notes.push(
      "no prior version: column shape and column-pair trend scores need a reference and are null",
    );
  } else {
    columnShapes = mean(shapes);
    const ri = new Map(prior.correlations.columns.map((c, i) => [c, i]));
    const cc = profile.correlations;
    for (let i = 0; i < cc.columns.length; i++) {
      for (let j = i + 1; j < cc.columns.length; j++) {
        const a = ri.get(cc.columns[i]);
        const b = ri.get(cc.columns[j]);
        if (a === undefined || b === undefined) continue;
        const rRef = prior.correlations.matrix[a][b];
        const rCur = cc.matrix[i][j];
        if (rRef === null || rCur === null) continue;
        pairs.push({
          columns: [cc.columns[i], cc.columns[j]],
          reference: rRef,
          current: rCur,
          score: 1 - Math.abs(rCur - rRef) / 2,
        });
      }
    }
    columnPairTrends = mean(pairs.map((p) => p.score));
    if (columnShapes === null) notes.push("column shapes: no column comparable with the prior");
    if (columnPairTrends === null) {
      notes.push("column-pair trends: fewer than two numeric columns with correlations");
    }
  }
  const components = {
    completeness,
    validity,
    uniqueness,
    rate_conformance: rateConformance,
    column_shapes: columnShapes,
    column_pair_trends: columnPairTrends,
  };
  const available = Object.values(components).filter((v): v is number => v !== null);
  const checksPassed = checksPassedShare(validation);
  if (checksPassed < 1) {
    notes.push(
      `failed checks: the score is the components' mean x ${
        checksPassed.toFixed(4)
      } (share of columns and table checks without violations)`,
    );
  }
  return {
    score: (mean(available) as number) * checksPassed,
    formula: SCORE_FORMULA,
    checks_passed: checksPassed,
    components,
    columns,
    rates,
    rates_passed: rates.every((r) => r.passed),
    pairs,
    notes,
  };
}

/** Share of columns and table checks without violations (see module doc). */
function checksPassedShare(v: ValidationSummary): number {
  const items = [...Object.values(v.columns), ...Object.values(v.checks)];
  const failing = items.filter((x) => x.violations > 0).length;
  if (failing === 0) return v.passed ? 1 : 0;
  return (items.length - failing) / items.length;
}

function rateChecks(spec: DatasetSpec, profile: DatasetProfile): RateCheck[] {
  const tol = spec.evolution.thresholds.rateTolerance;
  const out: RateCheck[] = [];
  const label = [...spec.evolution.labelRates].sort((a, b) => compareNames(a[0], b[0]));
  for (const [column, { rate }] of label) {
    const p = Object.hasOwn(profile.columns, column) ? profile.columns[column] : undefined;
    let realised: number | null = null;
    let n = 0;
    let note = "";
    if (p === undefined) note = "column not in the data";
    else if (p.type !== "boolean" || p.categorical === null) note = "not a boolean column";
    else {
      n = p.count - p.nulls;
      const trues = p.categorical.top.find((c) => c.value === "true")?.count ?? 0;
      if (n === 0) note = "no non-null values";
      else realised = trues / n;
    }
    out.push(rateCheck("label_rate", column, rate, realised, n, tol, note));
  }
  const miss = [...spec.evolution.missingness].sort((a, b) => compareNames(a[0], b[0]));
  for (const [column, { rate }] of miss) {
    const p = Object.hasOwn(profile.columns, column) ? profile.columns[column] : undefined;
    let realised: number | null = null;
    let note = "";
    if (p === undefined) note = "column not in the data";
    else if (p.count === 0) note = "no rows";
    else realised = p.nulls / p.count;
    out.push(rateCheck("missingness", column, rate, realised, p?.count ?? 0, tol, note));
  }
  return out;
}

function rateCheck(
  kind: RateCheck["kind"],
  column: string,
  configured: number,
  realised: number | null,
  n: number,
  tolerance: number,
  note: string,
): RateCheck {
  const sigma3 = n > 0 ? 3 * Math.sqrt((configured * (1 - configured)) / n) : 0;
  const band = { low: Math.max(0, configured - sigma3), high: Math.min(1, configured + sigma3) };
  const difference = realised === null ? null : realised - configured;
  return {
    kind,
    column,
    configured,
    realised,
    difference,
    tolerance,
    band,
    within_band: realised !== null && realised >= band.low && realised <= band.high,
    passed: difference !== null && Math.abs(difference) <= tolerance + 1e-12,
    note,
  };
}
