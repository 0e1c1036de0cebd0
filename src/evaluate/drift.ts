/**
 * Drift of one dataset profile against a reference profile.
 *
 * The rules are stated for users in docs/artifacts.md ("Drift status rules");
 * this is the implementation summary.
 *
 * Per column (present in both, same type), one status: `ok`, `expected`,
 * `warn` or `drift`, decided by the column's deciding metrics only; every
 * other metric is informational (status `info`) and never colours a verdict.
 * - numeric (integer, float, datetime, date): deciding PSI on reference-decile
 *   bins and Wasserstein-1 divided by the reference population std, floored
 *   at 0.001 as Evidently does (`max(std_ref, 0.001)`). Informational: KS
 *   statistic and asymptotic p-value (with large row counts any difference is
 *   significant), mean and std shift.
 * - categorical (string, boolean): deciding PSI and Jensen-Shannon distance
 *   over the union of listed categories plus an "other" bucket; total
 *   variation informational. High-cardinality strings (more than half the
 *   non-null values distinct, and more than 20 distinct, on either side, or a
 *   Misra-Gries summary): PSI and JS informational.
 * - identifiers (from the schema: `unique: true`, generator `sequence`,
 *   `uuid`, a `template` with `{seq}`, `session_id`, an `entity` key named by
 *   a template): no distribution metrics; identifier checks instead:
 *   uniqueness kept (deciding), format of the listed values kept (deciding),
 *   numeric range (informational).
 * - null rate (every column, deciding): warns when |current - expected|
 *   exceeds max(rate_tolerance, 3 sqrt(p (1 - p) (1/n1 + 1/n2))) with the
 *   pooled null share p; expected = the reference rate, moved by declared
 *   `missingness` drift.
 * - declared drift (evolution.yaml `drift:` between the two version
 *   indexes): the reference is transformed by the declaration (values by
 *   shift/scale, category shares by mix, the true share by rate) and the
 *   deciding metrics are computed against that prediction ("residual"); the
 *   raw metrics become informational. A column whose residual is ok is
 *   `expected`; otherwise the residual's status.
 * - A side with no non-null value: both empty is ok; one empty is drift.
 *
 * Status per deciding metric: >= threshold is drift, >= warn_ratio x
 * threshold is warn. Dataset verdict: the worst column status (ok <
 * expected < warn < drift); added, removed or retyped columns make it drift.
 *
 * Bounds: metrics use the profiles' support atoms. When a side's atoms are
 * approximate, with sup |CDF(atoms) - CDF(data)| <= e (the profile's
 * `cdf_error_bound`) and all atoms inside [min, max]:
 * - KS is within e_ref + e_cur of the exact value (`ks.error_bound`); the
 *   p-value uses max(0, D - error_bound).
 * - Wasserstein-1 is within e_ref (max_ref - min_ref) + e_cur (max_cur -
 *   min_cur) (`wasserstein.error_bound`), since W1 = integral |F_ref - F_cur|
 *   and each CDF is off by at most e over its range; the lower end is raised
 *   to |mean shift| (W1 >= |mean_ref - mean_cur|, means are exact).
 * - PSI: each bin share is off by at most 2e; `psi.bounds` is the range of
 *   PSI over those boxes (PSI terms are jointly convex), computed with
 *   PSI's 1e-4 floor for empty shares.
 * Statuses are judged on the point value; a note says when the bounds
 * straddle a warn or drift level.
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";
import { compareNames } from "../data/mod.ts";
import type { ColumnSpec, DriftSpec, Thresholds } from "../model/mod.ts";
import type { CategoricalProfile, ColumnProfile, DatasetProfile } from "../profile/mod.ts";
import { isNumericType } from "../profile/mod.ts";
import {
  binShares,
  type Discrete,
  jensenShannonDistance,
  ksPValue,
  ksStatistic,
  psi,
  PSI_EPSILON,
  quantileEdges,
  totalVariation,
  wasserstein1,
} from "./metrics.ts";

/** Status of one column or dataset: `expected` is a change declared in evolution.yaml. */
export type DriftStatus = "ok" | "expected" | "warn" | "drift";
/** Status of one metric: `info` when it is informational and decides nothing. */
export type MetricStatus = "ok" | "warn" | "drift" | "info";

/** Floor of the reference std when normalising Wasserstein (Evidently). */
export const WASSERSTEIN_STD_FLOOR = 0.001;
/** Distinct values a string column needs (beyond half its rows) to count as high-cardinality. */
export const HIGH_CARDINALITY_MIN_DISTINCT = 20;

/**
 * Drift report format: 3 since determinism contract 6 (identifiers, declared
 * drift, one status per metric, bounds); 2 since contract 5 (snake_case keys).
 */
export const DRIFT_REPORT_FORMAT = 3;

/** A metric value judged against a threshold (`info` when it does not decide). */
export interface JudgedMetric {
  value: number;
  threshold: number;
  status: MetricStatus;
}

/** One declared quantity side by side: prior value, declared (predicted) and realised. */
export interface DeclaredChange {
  kind: DriftSpec["kind"];
  /** What is compared: `mean`, `std`, `null rate`, `share of <category>`. */
  quantity: string;
  reference: number;
  declared: number;
  realised: number;
}

/** Metrics of the current version against the prior transformed by the declaration. */
export interface ResidualMetrics {
  psi: (JudgedMetric & { bins: number }) | null;
  wasserstein: { distance: number; normalized: JudgedMetric } | null;
  jensen_shannon: JudgedMetric | null;
}

/** Declared drift of one column between the two versions (evolution.yaml `drift:`). */
export interface DeclaredDrift {
  reference_index: number;
  current_index: number;
  /** The declaration in words, e.g. `scale 1.08 per version (x1.0800 over 1 step)`. */
  description: string;
  changes: DeclaredChange[];
  /** Null when the declaration only moves the null rate (then the null-rate check uses it). */
  residual: ResidualMetrics | null;
}

/** Identifier checks of one column (instead of distribution drift). */
export interface IdentifierChecks {
  /** Why the column is an identifier, e.g. `unique: true`, `generator sequence`. */
  reason: string;
  /** Distinct / non-null values per side (null when a side has no value). */
  uniqueness: {
    reference: number | null;
    current: number | null;
    exact: boolean;
    status: MetricStatus;
  };
  /** Shapes of the listed values (alphanumeric runs as `w`), strings only. */
  format: { reference: string[]; current: string[]; new: string[]; status: MetricStatus } | null;
  /** Min and max per side (numeric identifiers; informational). */
  range: { reference: [number, number]; current: [number, number] } | null;
}

/** Drift of one column. */
export interface ColumnDrift {
  type: ColumnType;
  kind: "numeric" | "categorical" | "empty" | "identifier";
  status: DriftStatus;
  /** Why the column has its status, in one sentence. */
  explanation: string;
  /** Why the status is not ok, one line each. */
  reasons: string[];
  /** Notes on how metrics were computed or why some are missing. */
  notes: string[];
  /** True when a metric came from approximate (sketch or compressed) summaries. */
  approximate: boolean;
  high_cardinality: boolean;
  rows: { reference: number; current: number };
  null_rate: {
    reference: number;
    current: number;
    shift: number;
    /** The rate the current version should have (reference moved by declared missingness). */
    expected: number;
    /** |current - expected| above this warns. */
    band: number;
    status: MetricStatus;
  };
  mean: { reference: number; current: number; shift: number; shift_in_std: number | null } | null;
  std: { reference: number; current: number; shift: number; ratio: number | null } | null;
  psi: (JudgedMetric & { bins: number; bounds: [number, number] }) | null;
  ks: {
    statistic: number;
    p_value: number;
    significant: boolean;
    error_bound: number;
    status: "info";
  } | null;
  wasserstein: {
    distance: number;
    error_bound: number;
    normalized: JudgedMetric & { bounds: [number, number] };
  } | null;
  jensen_shannon: JudgedMetric | null;
  total_variation: number | null;
  identifier: IdentifierChecks | null;
  declared: DeclaredDrift | null;
}

/** Drift of a dataset version against a reference version. */
export interface DriftReport {
  /** Report format ({@link DRIFT_REPORT_FORMAT}). */
  version: typeof DRIFT_REPORT_FORMAT;
  /** False when there was no reference (no prior version). */
  available: boolean;
  verdict: DriftStatus | "no_prior";
  message: string;
  thresholds: DriftThresholds;
  summary: {
    compared: number;
    ok: number;
    expected: number;
    warn: number;
    drift: number;
    drift_share: number;
  };
  schema: { added: string[]; removed: string[]; type_changed: string[] };
  columns: Record<string, ColumnDrift>;
}

/** The thresholds a report was judged with, keyed as in evolution.yaml's `thresholds:`. */
export interface DriftThresholds {
  psi: number;
  jensen_shannon: number;
  wasserstein: number;
  ks_p_value: number;
  warn_ratio: number;
  rate_tolerance: number;
}

/** What {@link compareProfiles} judges with, besides the two profiles. */
export interface CompareOptions {
  thresholds: Thresholds;
  /** Identifier columns and why (see {@link identifierColumns}). */
  identifiers?: Readonly<Record<string, string>>;
  /** Declared drift and the version indexes of the reference and the current version. */
  declared?: { drift: readonly DriftSpec[]; referenceIndex: number; currentIndex: number };
}

/** The thresholds as a report records them. */
export function reportThresholds(t: Thresholds): DriftThresholds {
  return {
    psi: t.psi,
    jensen_shannon: t.jensenShannon,
    wasserstein: t.wasserstein,
    ks_p_value: t.ksPValue,
    warn_ratio: t.warnRatio,
    rate_tolerance: t.rateTolerance,
  };
}

const RANK: Record<DriftStatus, number> = { ok: 0, expected: 1, warn: 2, drift: 3 };

/** The worse of two statuses (ok < expected < warn < drift). */
export function worstStatus(a: DriftStatus, b: DriftStatus): DriftStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether `status` is at or above `level` (for --fail-on). */
export function statusAtLeast(status: DriftStatus | "no_prior", level: "warn" | "drift"): boolean {
  return status !== "no_prior" && RANK[status] >= RANK[level];
}

/** Judge a metric: >= threshold drift, >= warnRatio x threshold warn. */
export function judge(value: number, threshold: number, warnRatio: number): JudgedMetric {
  const status: MetricStatus = value >= threshold
    ? "drift"
    : value >= warnRatio * threshold
    ? "warn"
    : "ok";
  return { value, threshold, status };
}

/** The drift report used when there is no prior version. */
export function noPriorDrift(thresholds: Thresholds, message?: string): DriftReport {
  return {
    version: DRIFT_REPORT_FORMAT,
    available: false,
    verdict: "no_prior",
    message: message ?? "No prior version: this is the first version, so drift was not computed.",
    thresholds: reportThresholds(thresholds),
    summary: { compared: 0, ok: 0, expected: 0, warn: 0, drift: 0, drift_share: 0 },
    schema: { added: [], removed: [], type_changed: [] },
    columns: {},
  };
}

/** Compare two profiles column by column (reference = older version). */
export function compareProfiles(
  reference: DatasetProfile,
  current: DatasetProfile,
  options: CompareOptions,
): DriftReport {
  const thresholds = options.thresholds;
  const refNames = Object.keys(reference.columns).sort(compareNames);
  const curNames = Object.keys(current.columns).sort(compareNames);
  // Own keys only: a column named `constructor` must not find Object.prototype's.
  const added = curNames.filter((n) => !Object.hasOwn(reference.columns, n));
  const removed = refNames.filter((n) => !Object.hasOwn(current.columns, n));
  const typeChanged: string[] = [];
  const columns: Record<string, ColumnDrift> = Object.create(null);
  const summary = { compared: 0, ok: 0, expected: 0, warn: 0, drift: 0, drift_share: 0 };
  let verdict: DriftStatus = added.length + removed.length > 0 ? "drift" : "ok";
  const ids = options.identifiers ?? {};
  for (const name of curNames) {
    if (!Object.hasOwn(reference.columns, name)) continue;
    const ref = reference.columns[name];
    const cur = current.columns[name];
    if (ref.type !== cur.type) {
      typeChanged.push(name);
      verdict = "drift";
      continue;
    }
    const d = options.declared;
    const entries = d && d.currentIndex !== d.referenceIndex
      ? d.drift.filter((x) => x.column === name)
      : [];
    const cd = compareColumn(ref, cur, {
      t: thresholds,
      identifier: Object.hasOwn(ids, name) ? ids[name] : undefined,
      declared: d && entries.length > 0
        ? { entries, from: d.referenceIndex, to: d.currentIndex }
        : undefined,
    });
    columns[name] = cd;
    summary.compared++;
    summary[cd.status]++;
    verdict = worstStatus(verdict, cd.status);
  }
  if (typeChanged.length > 0) verdict = "drift";
  summary.drift_share = summary.compared === 0 ? 0 : summary.drift / summary.compared;
  const schemaNote = added.length + removed.length + typeChanged.length > 0
    ? `; schema changed (added ${added.length}, removed ${removed.length}, retyped ${typeChanged.length})`
    : "";
  const expectedNote = summary.expected > 0 ? `, ${summary.expected} expected (declared)` : "";
  return {
    version: DRIFT_REPORT_FORMAT,
    available: true,
    verdict,
    message: `${summary.drift} of ${summary.compared} columns drifted, ${summary.warn} warn` +
      `${expectedNote}${schemaNote}.`,
    thresholds: reportThresholds(thresholds),
    summary,
    schema: { added, removed, type_changed: typeChanged },
    columns,
  };
}

interface ColumnContext {
  t: Thresholds;
  identifier: string | undefined;
  declared: { entries: DriftSpec[]; from: number; to: number } | undefined;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function compareColumn(ref: ColumnProfile, cur: ColumnProfile, ctx: ColumnContext): ColumnDrift {
  const { t } = ctx;
  const reasons: string[] = [];
  const notes: string[] = [];
  const steps = ctx.declared ? ctx.declared.to - ctx.declared.from : 0;
  const entries = ctx.declared?.entries ?? [];
  const refNull = share(ref.nulls, ref.count);
  const curNull = share(cur.nulls, cur.count);
  let missing = 0;
  for (const e of entries) if (e.kind === "missingness") missing += e.amount;
  const expectedNull = missing === 0 ? refNull : clamp01(refNull + missing * steps);
  const pooled = share(ref.nulls + cur.nulls, ref.count + cur.count);
  const noise = ref.count > 0 && cur.count > 0
    ? 3 * Math.sqrt(pooled * (1 - pooled) * (1 / ref.count + 1 / cur.count))
    : 0;
  const band = Math.max(t.rateTolerance, noise);
  const nullStatus: MetricStatus = Math.abs(curNull - expectedNull) > band ? "warn" : "ok";
  if (nullStatus !== "ok") {
    reasons.push(
      `null rate ${pct(curNull)} is outside ${pct(expectedNull)} ± ${pct(band)}` +
        (missing === 0 ? "" : " (declared missingness)"),
    );
  }
  const out: ColumnDrift = {
    type: cur.type,
    kind: "empty",
    status: nullStatus === "ok" ? "ok" : "warn",
    explanation: "",
    reasons,
    notes,
    approximate: false,
    high_cardinality: false,
    rows: { reference: ref.count, current: cur.count },
    null_rate: {
      reference: refNull,
      current: curNull,
      shift: curNull - refNull,
      expected: expectedNull,
      band,
      status: nullStatus,
    },
    mean: null,
    std: null,
    psi: null,
    ks: null,
    wasserstein: null,
    jensen_shannon: null,
    total_variation: null,
    identifier: null,
    declared: null,
  };
  const changes: DeclaredChange[] = [];
  if (missing !== 0) {
    changes.push({
      kind: "missingness",
      quantity: "null rate",
      reference: refNull,
      declared: expectedNull,
      realised: curNull,
    });
  }
  if (ctx.declared) {
    out.declared = {
      reference_index: ctx.declared.from,
      current_index: ctx.declared.to,
      description: entries.map((e) => describeEntry(e, steps)).join("; "),
      changes,
      residual: null,
    };
  }
  const refValues = ref.count - ref.nulls;
  const curValues = cur.count - cur.nulls;
  if (ctx.identifier !== undefined) {
    return identifierColumn(out, { ref, cur, reason: ctx.identifier, warnRatio: t.warnRatio });
  }
  if (isNumericType(cur.type)) {
    const rn = ref.numeric;
    const cn = cur.numeric;
    if (rn === null || cn === null) {
      return emptySide(out, { ref: rn === null, cur: cn === null }, t.warnRatio);
    }
    out.kind = "numeric";
    out.approximate = !rn.support.exact || !cn.support.exact;
    if (out.approximate) {
      notes.push("metrics computed from approximate support atoms (see the error bounds)");
    }
    out.mean = {
      reference: rn.mean,
      current: cn.mean,
      shift: cn.mean - rn.mean,
      shift_in_std: rn.std > 0 ? (cn.mean - rn.mean) / rn.std : null,
    };
    out.std = {
      reference: rn.std,
      current: cn.std,
      shift: cn.std - rn.std,
      ratio: rn.std > 0 ? cn.std / rn.std : null,
    };
    const side = (p: typeof rn): NumericSide => ({
      dist: p.support,
      mean: p.mean,
      std: p.std,
      error: p.support.cdf_error_bound,
      span: p.max - p.min,
    });
    const raw = numericMetrics(side(rn), side(cn), t);
    out.psi = raw.psi;
    out.wasserstein = raw.wasserstein;
    const d = raw.ks;
    const p = ksPValue(Math.max(0, d.statistic - d.errorBound), rn.count, cn.count);
    out.ks = {
      statistic: d.statistic,
      p_value: p,
      significant: p < t.ksPValue,
      error_bound: d.errorBound,
      status: "info",
    };
    if (rn.std === 0) {
      notes.push(`reference is constant: Wasserstein normalised by ${WASSERSTEIN_STD_FLOOR}`);
    }
    const affine = declaredAffine(entries, ctx.declared);
    if (affine !== null && out.declared) {
      const f = affine.factor;
      const predicted: NumericSide = {
        dist: { values: rn.support.values.map((x) => affine.apply(x)), counts: rn.support.counts },
        mean: affine.apply(rn.mean),
        std: Math.abs(f) * rn.std,
        error: rn.support.cdf_error_bound,
        span: Math.abs(f) * (rn.max - rn.min),
      };
      const res = numericMetrics(predicted, side(cn), t);
      out.declared.residual = {
        psi: res.psi,
        wasserstein: res.wasserstein,
        jensen_shannon: null,
      };
      const kind = entries.some((e) => e.kind === "scale") ? "scale" : "shift";
      changes.push(
        { kind, quantity: "mean", reference: rn.mean, declared: predicted.mean, realised: cn.mean },
        { kind, quantity: "std", reference: rn.std, declared: predicted.std, realised: cn.std },
      );
      informational(out);
      decide(out, "residual PSI", res.psi, t.warnRatio);
      decide(out, "residual Wasserstein/std", res.wasserstein.normalized, t.warnRatio);
      boundNote(out, "residual Wasserstein/std", res.wasserstein.normalized, t.warnRatio);
    } else {
      decide(out, "PSI", out.psi, t.warnRatio);
      decide(out, "Wasserstein/std", out.wasserstein.normalized, t.warnRatio);
      boundNote(out, "PSI", out.psi, t.warnRatio);
      boundNote(out, "Wasserstein/std", out.wasserstein.normalized, t.warnRatio);
    }
    return explain(out, t.warnRatio);
  }
  const rc = ref.categorical as CategoricalProfile;
  const cc = cur.categorical as CategoricalProfile;
  if (refValues === 0 || curValues === 0) {
    return emptySide(out, { ref: refValues === 0, cur: curValues === 0 }, t.warnRatio);
  }
  out.kind = "categorical";
  out.approximate = rc.method !== "exact" || cc.method !== "exact";
  if (out.approximate) notes.push("category counts from Misra-Gries summaries (approximate)");
  const aligned = alignCategories(rc, cc);
  const raw = categoricalMetrics(shares(aligned.refCounts), aligned.curCounts, t);
  out.psi = { ...raw.psi, bounds: [raw.psi.value, raw.psi.value] };
  out.jensen_shannon = raw.jensen_shannon;
  out.total_variation = totalVariation(aligned.refCounts, aligned.curCounts);
  out.high_cardinality = cur.type === "string" &&
    (isHighCardinality(ref.distinct.count, refValues, rc) ||
      isHighCardinality(cur.distinct.count, curValues, cc));
  const predicted = ctx.declared ? declaredShares(aligned, entries, ctx.declared) : null;
  if (predicted !== null && out.declared) {
    const res = categoricalMetrics(predicted.shares, predicted.curCounts, t);
    out.declared.residual = { psi: res.psi, wasserstein: null, jensen_shannon: res.jensen_shannon };
    const refShares = shares(predicted.refCounts);
    const curShares = shares(predicted.curCounts);
    predicted.categories.forEach((c, i) => {
      changes.push({
        kind: predicted.kind,
        quantity: `share of ${c}`,
        reference: refShares[i],
        declared: predicted.shares[i],
        realised: curShares[i],
      });
    });
    informational(out);
    if (!out.high_cardinality) {
      decide(out, "residual PSI", res.psi, t.warnRatio);
      decide(out, "residual JS distance", res.jensen_shannon, t.warnRatio);
    }
  } else if (out.high_cardinality) {
    informational(out);
    notes.push("high-cardinality column: category metrics are informational");
  } else {
    decide(out, "PSI", out.psi, t.warnRatio);
    decide(out, "JS distance", out.jensen_shannon, t.warnRatio);
  }
  return explain(out, t.warnRatio);
}

/** One side of a numeric comparison: atoms, exact moments, CDF error and value span. */
interface NumericSide {
  dist: Discrete;
  mean: number;
  std: number;
  /** Bound on sup |CDF(atoms) - CDF(data)|. */
  error: number;
  /** max - min of the data. */
  span: number;
}

function numericMetrics(ref: NumericSide, cur: NumericSide, t: Thresholds): {
  psi: JudgedMetric & { bins: number; bounds: [number, number] };
  wasserstein: {
    distance: number;
    error_bound: number;
    normalized: JudgedMetric & { bounds: [number, number] };
  };
  ks: { statistic: number; errorBound: number };
} {
  const edges = quantileEdges(ref.dist);
  const rs = binShares(ref.dist, edges);
  const cs = binShares(cur.dist, edges);
  const psiValue = psi(rs, cs);
  const w = wasserstein1(ref.dist, cur.dist);
  const wError = ref.error * ref.span + cur.error * cur.span;
  const scale = Math.max(ref.std, WASSERSTEIN_STD_FLOOR);
  const wLow = Math.max(0, w - wError, Math.abs(cur.mean - ref.mean));
  return {
    psi: {
      ...judge(psiValue, t.psi, t.warnRatio),
      bins: edges.length + 1,
      bounds: psiBounds(rs, cs, { ref: 2 * ref.error, cur: 2 * cur.error }),
    },
    wasserstein: {
      distance: w,
      error_bound: wError,
      normalized: {
        ...judge(w / scale, t.wasserstein, t.warnRatio),
        bounds: [Math.min(wLow, w) / scale, (w + wError) / scale],
      },
    },
    ks: { statistic: ksStatistic(ref.dist, cur.dist), errorBound: ref.error + cur.error },
  };
}

function categoricalMetrics(
  refShares: readonly number[],
  curCounts: readonly number[],
  t: Thresholds,
): { psi: JudgedMetric & { bins: number }; jensen_shannon: JudgedMetric } {
  return {
    psi: {
      ...judge(psi(refShares, shares(curCounts)), t.psi, t.warnRatio),
      bins: refShares.length,
    },
    jensen_shannon: judge(
      jensenShannonDistance(refShares, curCounts),
      t.jensenShannon,
      t.warnRatio,
    ),
  };
}

/**
 * Range of PSI when every reference share may be off by `delta.ref` and every
 * current share by `delta.cur`. Each term (c - r) ln(c / r) is jointly convex
 * and 0 on c = r, so its maximum over a box is at a corner and its minimum at
 * the corner nearest the diagonal (0 when the box meets it). Shares are kept
 * in [0, 1] and an empty share counts as PSI_EPSILON, as in {@link psi}.
 */
export function psiBounds(
  reference: readonly number[],
  current: readonly number[],
  delta: { ref: number; cur: number },
): [number, number] {
  const f = (c: number, r: number) => {
    const cc = c === 0 ? PSI_EPSILON : c;
    const rr = r === 0 ? PSI_EPSILON : r;
    return (cc - rr) * Math.log(cc / rr);
  };
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < reference.length; i++) {
    const rLo = Math.max(0, reference[i] - delta.ref);
    const rHi = Math.min(1, reference[i] + delta.ref);
    const cLo = Math.max(0, current[i] - delta.cur);
    const cHi = Math.min(1, current[i] + delta.cur);
    hi += Math.max(f(cLo, rLo), f(cLo, rHi), f(cHi, rLo), f(cHi, rHi));
    if (cHi < rLo) lo += f(cHi, rLo);
    else if (cLo > rHi) lo += f(cLo, rHi);
  }
  return [lo, hi];
}

/** The declared affine change of a numeric column from version `from` to `to`, or null. */
function declaredAffine(
  entries: readonly DriftSpec[],
  declared: ColumnContext["declared"],
): { factor: number; apply: (x: number) => number } | null {
  if (declared === undefined) return null;
  // Version v holds F^v Y + S v (generate/env.ts affineFor), so from -> to maps
  // x to F^(to - from) (x - S from) + S to.
  let f = 1;
  let s = 0;
  let any = false;
  for (const e of entries) {
    if (e.kind === "scale") (f *= e.factor, any = true);
    else if (e.kind === "shift") (s += e.amount, any = true);
  }
  if (!any) return null;
  const factor = Math.pow(f, declared.to - declared.from);
  const { from, to } = declared;
  return { factor, apply: (x) => factor * (x - s * from) + s * to };
}

/**
 * The category shares the declaration predicts from the reference: `mix`
 * moves a share k = (t_to - t_from) / (1 - t_from) of the way to the target
 * (t_v = min(1, per_version v), generate/row_fns.ts), `rate` moves the true
 * share of a boolean by amount x (to - from), clamped. Null without such entries.
 */
function declaredShares(
  aligned: Aligned,
  entries: readonly DriftSpec[],
  versions: { from: number; to: number },
): {
  kind: "mix" | "rate";
  categories: string[];
  refCounts: number[];
  curCounts: number[];
  shares: number[];
} | null {
  const active = entries.filter((e) => e.kind === "mix" || e.kind === "rate");
  if (active.length === 0) return null;
  const listed = aligned.categories.length;
  const rows = aligned.categories.map((c, i) => ({
    c,
    r: aligned.refCounts[i],
    k: aligned.curCounts[i],
  }));
  // Targets may name categories neither version listed.
  for (const e of active) {
    const names = e.kind === "mix" ? Object.keys(e.target) : ["false", "true"];
    for (const c of names) if (!rows.some((x) => x.c === c)) rows.push({ c, r: 0, k: 0 });
  }
  rows.sort((a, b) => compareNames(a.c, b.c));
  if (aligned.refCounts.length > listed) {
    rows.push({ c: "(other)", r: aligned.refCounts[listed], k: aligned.curCounts[listed] });
  }
  const categories = rows.map((x) => x.c);
  const refCounts = rows.map((x) => x.r);
  const curCounts = rows.map((x) => x.k);
  let p = shares(refCounts);
  let kind: "mix" | "rate" = "mix";
  for (const e of active) {
    if (e.kind === "mix") {
      kind = "mix";
      const tFrom = Math.min(1, e.perVersion * versions.from);
      const tTo = Math.min(1, e.perVersion * versions.to);
      const k = tFrom >= 1 ? 0 : (tTo - tFrom) / (1 - tFrom);
      let total = 0;
      for (const c of categories) total += Object.hasOwn(e.target, c) ? e.target[c] : 0;
      p = p.map((x, i) => {
        const c = categories[i];
        const target = total > 0 && Object.hasOwn(e.target, c) ? e.target[c] / total : 0;
        return (1 - k) * x + k * target;
      });
    } else if (e.kind === "rate") {
      kind = "rate";
      const ti = categories.indexOf("true");
      const fi = categories.indexOf("false");
      const trueShare = clamp01(p[ti] + e.amount * (versions.to - versions.from));
      p = p.map((x, i) => (i === ti ? trueShare : i === fi ? 1 - trueShare : x));
    }
  }
  return { kind, categories, refCounts, curCounts, shares: p };
}

function describeEntry(e: DriftSpec, steps: number): string {
  const over = `over ${steps} version step${Math.abs(steps) === 1 ? "" : "s"}`;
  switch (e.kind) {
    case "shift":
      return `shift ${fmt(e.amount)} per version (${fmt(e.amount * steps)} ${over})`;
    case "scale":
      return `scale ${fmt(e.factor)} per version (x${fmt(Math.pow(e.factor, steps))} ${over})`;
    case "mix":
      return `mix toward ${Object.keys(e.target).sort(compareNames).join(", ")} by ${
        fmt(e.perVersion)
      } per version`;
    case "rate":
      return `rate ${fmt(e.amount)} per version (${fmt(e.amount * steps)} ${over})`;
    case "missingness":
      return `missingness ${fmt(e.amount)} per version (${fmt(e.amount * steps)} ${over})`;
  }
}

/** Shape of an identifier value: runs of letters and digits as `w`, other characters kept. */
export function identifierShape(value: string): string {
  return value.replace(/[A-Za-z0-9]+/g, "w");
}

function shapesOf(c: CategoricalProfile | null): string[] {
  const set = new Set<string>();
  for (const t of c?.top ?? []) set.add(identifierShape(t.value));
  return [...set].sort(compareNames);
}

function identifierColumn(
  out: ColumnDrift,
  input: { ref: ColumnProfile; cur: ColumnProfile; reason: string; warnRatio: number },
): ColumnDrift {
  const { ref, cur, reason } = input;
  out.kind = "identifier";
  const ratio = (p: ColumnProfile) => {
    const values = p.count - p.nulls;
    return values > 0 ? Math.min(1, p.distinct.count / values) : null;
  };
  const exact = ref.distinct.exact && cur.distinct.exact;
  // An HLL count may read a little low: unique within 3 standard errors.
  const slack = (
    p: ColumnProfile,
  ) => (p.distinct.exact ? 0 : 3 * p.distinct.relative_standard_error);
  const unique = (p: ColumnProfile) => {
    const r = ratio(p);
    return r === null || r >= 1 - slack(p);
  };
  const lost = unique(ref) && !unique(cur);
  const uniqueness = {
    reference: ratio(ref),
    current: ratio(cur),
    exact,
    status: (lost ? "drift" : "ok") as MetricStatus,
  };
  if (lost) {
    out.reasons.push(
      `identifier no longer unique: ${
        fmt(uniqueness.current ?? 0)
      } distinct per value (reference 1)`,
    );
  }
  let format: IdentifierChecks["format"] = null;
  if (cur.type === "string") {
    const rs = shapesOf(ref.categorical);
    const cs = shapesOf(cur.categorical);
    const added = rs.length === 0 ? [] : cs.filter((s) => !rs.includes(s));
    format = {
      reference: rs.slice(0, 20),
      current: cs.slice(0, 20),
      new: added.slice(0, 20),
      status: added.length > 0 ? "drift" : "ok",
    };
    if (added.length > 0) {
      out.reasons.push(
        `identifier format changed: new shape${added.length === 1 ? "" : "s"} ${
          added.slice(0, 3).map((s) => JSON.stringify(s)).join(", ")
        } (listed values; letters and digits as w)`,
      );
    }
  }
  const rn = ref.numeric;
  const cn = cur.numeric;
  const range = rn && cn
    ? { reference: [rn.min, rn.max], current: [cn.min, cn.max] } as {
      reference: [number, number];
      current: [number, number];
    }
    : null;
  out.identifier = { reason, uniqueness, format, range };
  out.notes.push(
    `identifier (${reason}): checked for uniqueness, format and null rate; distribution drift is not tested`,
  );
  if (uniqueness.status === "drift" || format?.status === "drift") out.status = "drift";
  return explain(out, input.warnRatio);
}

function isHighCardinality(distinct: number, values: number, c: CategoricalProfile): boolean {
  return c.method !== "exact" ||
    (distinct > HIGH_CARDINALITY_MIN_DISTINCT && distinct > values / 2);
}

function emptySide(
  out: ColumnDrift,
  empty: { ref: boolean; cur: boolean },
  warnRatio: number,
): ColumnDrift {
  const refEmpty = empty.ref;
  const curEmpty = empty.cur;
  if (refEmpty && curEmpty) {
    out.notes.push("no non-null values in either version: distribution not compared");
  } else {
    const which = refEmpty ? "reference" : "current";
    out.reasons.push(`no non-null values in the ${which} version only`);
    out.status = "drift";
  }
  return explain(out, warnRatio);
}

/** Raw distribution metrics become informational (identifier, high cardinality, declared drift). */
function informational(out: ColumnDrift): void {
  if (out.psi) out.psi.status = "info";
  if (out.wasserstein) out.wasserstein.normalized.status = "info";
  if (out.jensen_shannon) out.jensen_shannon.status = "info";
}

function decide(out: ColumnDrift, label: string, m: JudgedMetric, warnRatio: number): void {
  if (m.status === "ok" || m.status === "info") return;
  out.reasons.push(
    m.status === "drift"
      ? `${label} ${fmt(m.value)} >= threshold ${fmt(m.threshold)}`
      : `${label} ${fmt(m.value)} >= warn level ${fmt(warnRatio * m.threshold)}`,
  );
  out.status = worstStatus(out.status, m.status);
}

/** Say when a metric's bounds straddle its warn or drift level. */
function boundNote(
  out: ColumnDrift,
  label: string,
  m: JudgedMetric & { bounds: [number, number] },
  warnRatio: number,
): void {
  const [lo, hi] = m.bounds;
  const lo1 = judge(lo, m.threshold, warnRatio).status;
  const hi1 = judge(hi, m.threshold, warnRatio).status;
  if (lo1 !== hi1) {
    out.notes.push(
      `${label} lies in [${fmt(lo)}, ${fmt(hi)}] given the approximation: ` +
        `its status could be ${lo1} to ${hi1}; judged on the point value ${fmt(m.value)}`,
    );
  }
}

/** Set `explanation`: why the column has its status, and `expected` for explained declared change. */
function explain(out: ColumnDrift, warnRatio: number): ColumnDrift {
  const declared = out.declared;
  if (out.status === "ok" && declared !== null) out.status = "expected";
  const deciding: string[] = [];
  const below = (label: string, m: JudgedMetric | null | undefined) => {
    if (m && m.status === "ok") {
      deciding.push(`${label} ${fmt(m.value)} < ${fmt(warnRatio * m.threshold)}`);
    }
  };
  switch (out.status) {
    case "warn":
    case "drift":
      out.explanation = `${out.status}: ${
        declared === null ? "" : `beyond the declared ${declared.description}: `
      }${out.reasons.join("; ")}`;
      return out;
    case "expected": {
      const r = declared!.residual;
      if (r) {
        below("residual PSI", r.psi);
        below("residual W/std", r.wasserstein?.normalized);
        below("residual JS", r.jensen_shannon);
      }
      out.explanation = `expected: declared ${declared!.description}; the declaration explains ` +
        `the realised change (${
          [
            ...deciding,
            `null rate within ± ${pct(out.null_rate.band)} of ${pct(out.null_rate.expected)}`,
          ].join(", ")
        })`;
      return out;
    }
    case "ok": {
      if (out.kind === "identifier") {
        out.explanation = `ok: identifier (${out.identifier!.reason}): ${
          out.identifier!.format ? "uniqueness and format kept" : "uniqueness kept"
        }, null rate within band; distribution drift is not tested`;
        return out;
      }
      below("PSI", out.psi);
      below("W/std", out.wasserstein?.normalized);
      below("JS", out.jensen_shannon);
      const what = out.kind === "empty"
        ? "no values to compare"
        : out.high_cardinality
        ? "high-cardinality column: category metrics are informational"
        : deciding.length > 0
        ? `every deciding metric below its warn level (${deciding.join(", ")})`
        : "no deciding metric";
      out.explanation = `ok: ${what}; null rate within ± ${pct(out.null_rate.band)}`;
      return out;
    }
  }
}

function shares(counts: readonly number[]): number[] {
  let t = 0;
  for (const c of counts) t += c;
  return counts.map((c) => (t === 0 ? 0 : c / t));
}

/** Count vectors over the union of listed categories (code-unit order), then "other". */
interface Aligned {
  categories: string[];
  refCounts: number[];
  curCounts: number[];
}

function alignCategories(ref: CategoricalProfile, cur: CategoricalProfile): Aligned {
  const rm = new Map(ref.top.map((c) => [c.value, c.count]));
  const cm = new Map(cur.top.map((c) => [c.value, c.count]));
  const categories = [...new Set([...rm.keys(), ...cm.keys()])].sort(compareNames);
  const refCounts = categories.map((c) => rm.get(c) ?? 0);
  const curCounts = categories.map((c) => cm.get(c) ?? 0);
  if (ref.other > 0 || cur.other > 0) {
    refCounts.push(ref.other);
    curCounts.push(cur.other);
  }
  return { categories, refCounts, curCounts };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Fixed-precision number for messages (deterministic). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-4) ? x.toExponential(3) : x.toFixed(4);
}

/**
 * Identifier columns of a schema and why: `unique: true`, or a generator that
 * makes identifiers (`sequence`, `uuid`, a `template` with `{seq}`,
 * `session_id`, an `entity` key named by a template).
 */
export function identifierColumns(
  columns: ReadonlyArray<Pick<ColumnSpec, "name" | "unique" | "generator">>,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const c of columns) {
    const g = c.generator;
    const reason = c.unique
      ? "unique: true"
      : g === undefined
      ? null
      : g.kind === "sequence" || g.kind === "uuid" || g.kind === "session_id"
      ? `generator ${g.kind}`
      : g.kind === "template" && g.parts.some((p) => p.t === "seq")
      ? "generator template with {seq}"
      : g.kind === "entity" && g.template !== undefined
      ? "entity key named by a template"
      : null;
    if (reason !== null) out[c.name] = reason;
  }
  return out;
}
