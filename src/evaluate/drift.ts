/**
 * Drift of one dataset profile against a reference profile.
 *
 * Per column (present in both, same type):
 * - numeric (integer, float, datetime, date): PSI on reference-decile bins, KS
 *   statistic and asymptotic p-value, Wasserstein-1 and Wasserstein-1 divided
 *   by the reference population std, floored at 0.001 as Evidently does
 *   (`max(std_ref, 0.001)`), so a constant reference still yields a finite
 *   value (0 when the current column is the same constant), plus mean and std
 *   shift. Status metrics: PSI and normalised Wasserstein.
 * - categorical (string, boolean): PSI and Jensen-Shannon distance over the
 *   union of listed categories plus an "other" bucket for unlisted values;
 *   total variation for the shape score. Status metrics: PSI and JS.
 *   High-cardinality strings (more than half the non-null values distinct, and
 *   more than 20 distinct, on either side, or a Misra-Gries summary) are
 *   compared but their metrics do not set the status: new identifiers each
 *   version would otherwise always look like drift.
 * - null rate: shift = current - reference; it warns when |shift| exceeds
 *   max(rate_tolerance, 3 sqrt(p (1 - p) (1/n1 + 1/n2))) with the pooled null
 *   share p (so sampling noise of small datasets does not warn).
 * - A side with no non-null value: both empty is ok; one empty is drift.
 *
 * Status per metric: >= threshold is drift, >= warn_ratio x threshold is warn.
 * A column takes its worst metric status. Dataset verdict: the worst column
 * status; added, removed or retyped columns make it drift. KS p-value is
 * informational (`significant` when below `ks_p_value`): with large row counts
 * any difference is significant.
 *
 * Metrics use the profiles' support atoms; `approximate` is set, and
 * `ks.error_bound` gives the bound on the KS error, when either side's atoms are
 * not exact. The KS p-value is then computed from max(0, D - error_bound), so
 * that approximation error alone never reads as significant.
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";
import { compareNames } from "../data/mod.ts";
import type { Thresholds } from "../model/mod.ts";
import type { CategoricalProfile, ColumnProfile, DatasetProfile } from "../profile/mod.ts";
import { isNumericType } from "../profile/mod.ts";
import {
  binShares,
  type Discrete,
  jensenShannonDistance,
  ksPValue,
  ksStatistic,
  psi,
  quantileEdges,
  totalVariation,
  wasserstein1,
} from "./metrics.ts";

/** Status of one metric, column or dataset. */
export type DriftStatus = "ok" | "warn" | "drift";

/** Floor of the reference std when normalising Wasserstein (Evidently). */
export const WASSERSTEIN_STD_FLOOR = 0.001;
/** Distinct values a string column needs (beyond half its rows) to count as high-cardinality. */
export const HIGH_CARDINALITY_MIN_DISTINCT = 20;

/** Drift report format: 2 since determinism contract 5 (every key snake_case). */
export const DRIFT_REPORT_FORMAT = 2;

/** A metric value judged against a threshold. */
export interface JudgedMetric {
  value: number;
  threshold: number;
  status: DriftStatus;
}

/** Drift of one column. */
export interface ColumnDrift {
  type: ColumnType;
  kind: "numeric" | "categorical" | "empty";
  status: DriftStatus;
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
    /** |shift| above this warns. */
    band: number;
    status: DriftStatus;
  };
  mean: { reference: number; current: number; shift: number; shift_in_std: number | null } | null;
  std: { reference: number; current: number; shift: number; ratio: number | null } | null;
  psi: (JudgedMetric & { bins: number }) | null;
  ks: { statistic: number; p_value: number; significant: boolean; error_bound: number } | null;
  wasserstein: { distance: number; normalized: JudgedMetric } | null;
  jensen_shannon: JudgedMetric | null;
  total_variation: number | null;
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
  summary: { compared: number; ok: number; warn: number; drift: number; drift_share: number };
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

const RANK: Record<DriftStatus, number> = { ok: 0, warn: 1, drift: 2 };

/** The worse of two statuses. */
function worstStatus(a: DriftStatus, b: DriftStatus): DriftStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Judge a metric: >= threshold drift, >= warnRatio x threshold warn. */
export function judge(value: number, threshold: number, warnRatio: number): JudgedMetric {
  const status: DriftStatus = value >= threshold
    ? "drift"
    : value >= warnRatio * threshold
    ? "warn"
    : "ok";
  return { value, threshold, status };
}

/** The drift report used when there is no prior version. */
export function noPriorDrift(thresholds: Thresholds): DriftReport {
  return {
    version: DRIFT_REPORT_FORMAT,
    available: false,
    verdict: "no_prior",
    message: "No prior version: this is the first version, so drift was not computed.",
    thresholds: reportThresholds(thresholds),
    summary: { compared: 0, ok: 0, warn: 0, drift: 0, drift_share: 0 },
    schema: { added: [], removed: [], type_changed: [] },
    columns: {},
  };
}

/** Compare two profiles column by column (reference = older version). */
export function compareProfiles(
  reference: DatasetProfile,
  current: DatasetProfile,
  thresholds: Thresholds,
): DriftReport {
  const refNames = Object.keys(reference.columns).sort(compareNames);
  const curNames = Object.keys(current.columns).sort(compareNames);
  // Own keys only: a column named `constructor` must not find Object.prototype's.
  const added = curNames.filter((n) => !Object.hasOwn(reference.columns, n));
  const removed = refNames.filter((n) => !Object.hasOwn(current.columns, n));
  const typeChanged: string[] = [];
  const columns: Record<string, ColumnDrift> = Object.create(null);
  const summary = { compared: 0, ok: 0, warn: 0, drift: 0, drift_share: 0 };
  let verdict: DriftStatus = added.length + removed.length > 0 ? "drift" : "ok";
  for (const name of curNames) {
    if (!Object.hasOwn(reference.columns, name)) continue;
    const ref = reference.columns[name];
    const cur = current.columns[name];
    if (ref.type !== cur.type) {
      typeChanged.push(name);
      verdict = "drift";
      continue;
    }
    const cd = compareColumn(ref, cur, thresholds);
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
  return {
    version: DRIFT_REPORT_FORMAT,
    available: true,
    verdict,
    message:
      `${summary.drift} of ${summary.compared} columns drifted, ${summary.warn} warn${schemaNote}.`,
    thresholds: reportThresholds(thresholds),
    summary,
    schema: { added, removed, type_changed: typeChanged },
    columns,
  };
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function compareColumn(ref: ColumnProfile, cur: ColumnProfile, t: Thresholds): ColumnDrift {
  const reasons: string[] = [];
  const notes: string[] = [];
  const refNull = share(ref.nulls, ref.count);
  const curNull = share(cur.nulls, cur.count);
  const pooled = share(ref.nulls + cur.nulls, ref.count + cur.count);
  const noise = ref.count > 0 && cur.count > 0
    ? 3 * Math.sqrt(pooled * (1 - pooled) * (1 / ref.count + 1 / cur.count))
    : 0;
  const band = Math.max(t.rateTolerance, noise);
  const nullShift = curNull - refNull;
  const nullStatus: DriftStatus = Math.abs(nullShift) > band ? "warn" : "ok";
  if (nullStatus !== "ok") {
    reasons.push(`null rate ${pct(refNull)} -> ${pct(curNull)} (band ${pct(band)})`);
  }
  const out: ColumnDrift = {
    type: cur.type,
    kind: "empty",
    status: nullStatus,
    reasons,
    notes,
    approximate: false,
    high_cardinality: false,
    rows: { reference: ref.count, current: cur.count },
    null_rate: { reference: refNull, current: curNull, shift: nullShift, band, status: nullStatus },
    mean: null,
    std: null,
    psi: null,
    ks: null,
    wasserstein: null,
    jensen_shannon: null,
    total_variation: null,
  };
  const refValues = ref.count - ref.nulls;
  const curValues = cur.count - cur.nulls;
  if (isNumericType(cur.type)) {
    const rn = ref.numeric;
    const cn = cur.numeric;
    if (rn === null || cn === null) return emptySide(out, rn === null, cn === null);
    out.kind = "numeric";
    const rd: Discrete = rn.support;
    const cdist: Discrete = cn.support;
    out.approximate = !rn.support.exact || !cn.support.exact;
    if (out.approximate) {
      notes.push("metrics computed from approximate support atoms (see ks.error_bound)");
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
    const edges = quantileEdges(rd);
    out.psi = {
      ...judge(psi(binShares(rd, edges), binShares(cdist, edges)), t.psi, t.warnRatio),
      bins: edges.length + 1,
    };
    const d = ksStatistic(rd, cdist);
    const errorBound = rn.support.cdf_error_bound + cn.support.cdf_error_bound;
    // Conservative: approximation error alone must never look significant.
    const p = ksPValue(Math.max(0, d - errorBound), rn.count, cn.count);
    out.ks = { statistic: d, p_value: p, significant: p < t.ksPValue, error_bound: errorBound };
    const w = wasserstein1(rd, cdist);
    if (rn.std === 0) {
      notes.push(`reference is constant: Wasserstein normalised by ${WASSERSTEIN_STD_FLOOR}`);
    }
    out.wasserstein = {
      distance: w,
      normalized: judge(w / Math.max(rn.std, WASSERSTEIN_STD_FLOOR), t.wasserstein, t.warnRatio),
    };
    applyMetric(out, "PSI", out.psi, t.warnRatio);
    applyMetric(out, "Wasserstein/std", out.wasserstein.normalized, t.warnRatio);
    return out;
  }
  const rc = ref.categorical as CategoricalProfile;
  const cc = cur.categorical as CategoricalProfile;
  if (refValues === 0 || curValues === 0) return emptySide(out, refValues === 0, curValues === 0);
  out.kind = "categorical";
  out.approximate = rc.method !== "exact" || cc.method !== "exact";
  if (out.approximate) notes.push("category counts from Misra-Gries summaries (approximate)");
  const { refCounts, curCounts } = alignCategories(rc, cc);
  out.psi = {
    ...judge(psi(shares(refCounts), shares(curCounts)), t.psi, t.warnRatio),
    bins: refCounts.length,
  };
  out.jensen_shannon = judge(
    jensenShannonDistance(refCounts, curCounts),
    t.jensenShannon,
    t.warnRatio,
  );
  out.total_variation = totalVariation(refCounts, curCounts);
  out.high_cardinality = cur.type === "string" &&
    (isHighCardinality(ref.distinct.count, refValues, rc) ||
      isHighCardinality(cur.distinct.count, curValues, cc));
  if (out.high_cardinality) {
    notes.push("high-cardinality column: category metrics are reported but do not set the status");
  } else {
    applyMetric(out, "PSI", out.psi, t.warnRatio);
    applyMetric(out, "JS distance", out.jensen_shannon, t.warnRatio);
  }
  return out;
}

function isHighCardinality(distinct: number, values: number, c: CategoricalProfile): boolean {
  return c.method !== "exact" ||
    (distinct > HIGH_CARDINALITY_MIN_DISTINCT && distinct > values / 2);
}

function emptySide(out: ColumnDrift, refEmpty: boolean, curEmpty: boolean): ColumnDrift {
  if (refEmpty && curEmpty) {
    out.notes.push("no non-null values in either version: distribution not compared");
  } else {
    const which = refEmpty ? "reference" : "current";
    out.reasons.push(`no non-null values in the ${which} version only`);
    out.status = "drift";
  }
  return out;
}

function applyMetric(out: ColumnDrift, label: string, m: JudgedMetric, warnRatio: number): void {
  if (m.status === "ok") return;
  out.reasons.push(
    m.status === "drift"
      ? `${label} ${fmt(m.value)} >= threshold ${fmt(m.threshold)}`
      : `${label} ${fmt(m.value)} >= warn level ${fmt(warnRatio * m.threshold)}`,
  );
  out.status = worstStatus(out.status, m.status);
}

function shares(counts: readonly number[]): number[] {
  let t = 0;
  for (const c of counts) t += c;
  return counts.map((c) => (t === 0 ? 0 : c / t));
}

/** Count vectors over the union of listed categories (code-unit order), then "other". */
function alignCategories(
  ref: CategoricalProfile,
  cur: CategoricalProfile,
): { categories: string[]; refCounts: number[]; curCounts: number[] } {
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
