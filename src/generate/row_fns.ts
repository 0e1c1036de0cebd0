/**
 * Row functions of the stateless kinds and the helpers the kinds share
 * (value readers, per-run categorical tables, templates, e-mails, datetimes).
 *
 * @module
 */
import {
  DEFAULT_END_DAYS,
  DEFAULT_END_MS,
  DEFAULT_START_DAYS,
  DEFAULT_START_MS,
  type DistSpec,
  type GeneratorSpec,
  type NumericCommon,
  type TemplatePart,
} from "../model/mod.ts";
import type { ColumnValues } from "../model/mod.ts";
import { formatDate } from "../data/mod.ts";
import type { Rng } from "../rng/mod.ts";
import { branchAt, distBranch, drawBranch } from "./dist_branch.ts";
import type { Affine, ChunkEnv, RowFn } from "./env.ts";
import type { Val } from "./expr.ts";
import type { PlanColumn } from "./plan.ts";
import { CdfTable } from "./samplers.ts";
import { FIRST_NAMES, LAST_NAMES } from "./words.ts";

/** Text key of a value for `conditional` lookups ("true"/"false", numbers, YYYY-MM-DD, strings, "null"). */
export function keyOf(c: ColumnValues, i: number): string {
  if (c.valid !== null && c.valid[i] === 0) return "null";
  switch (c.type) {
    case "boolean":
      return c.values[i] === 1 ? "true" : "false";
    case "string":
      return c.values[i];
    case "integer":
    case "float":
    case "datetime":
      return String(c.values[i]);
    case "date":
      return formatDate(c.values[i]);
  }
}

/** `row => valueAt(c, row)` with the column resolved (dependencies are complete when compiled). */
export function columnReader(c: ColumnValues | undefined): (row: number) => Val {
  if (!c) return () => null;
  const values: ArrayLike<Val> = c.values;
  return (r) => (c.valid !== null && c.valid[r] === 0 ? null : values[r]);
}

export function valueAt(c: ColumnValues | undefined, i: number): Val {
  if (!c || (c.valid !== null && c.valid[i] === 0)) return null;
  return c.values[i];
}

/** Sampler of a (drift-transformed, truncated) distribution (see {@link distBranch}). */
export function distSampler(
  g: DistSpec & NumericCommon,
  col: PlanColumn,
  env: ChunkEnv,
  t: Affine,
): RowFn {
  const u0 = env.copula.get(col.name);
  const br = distBranch(g, col, { f: t.f, s: t.s, copula: u0 !== undefined });
  return u0 ? (i) => branchAt(br, u0[i]) : (_i, rng) => drawBranch(br, rng);
}

/** A categorical generator resolved for one chunk: a row takes `values[table.search(u * acc)]`. */
export interface CategoricalTable {
  table: CdfTable;
  acc: number;
  values: Val[];
}

/**
 * Per-run tables, built once per worker instead of once per chunk: keyed by the
 * plan's (immutable) generator and column objects, and the version index (drift).
 */
const tablesOf = new WeakMap<object, { col: PlanColumn; v: number; value: unknown }>();

function memoTable<T>(g: object, col: PlanColumn, v: number, build: () => T): T {
  const hit = tablesOf.get(g);
  if (hit !== undefined && hit.col === col && hit.v === v) return hit.value as T;
  const value = build();
  tablesOf.set(g, { col, v, value });
  return value;
}

export function categoricalTable(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  env: ChunkEnv,
): CategoricalTable {
  const v = env.ctx.versionIndex;
  return memoTable(g, col, v, () => buildCategoricalTable(g, col, v));
}

function buildCategoricalTable(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  versionIndex: number,
): CategoricalTable {
  const total = g.weights.reduce((a, b) => a + b, 0);
  let w = g.weights.map((x) => x / total);
  for (const d of col.drift) {
    if (d.kind !== "mix") continue;
    const target = g.values.map((v) => d.target[String(v)] ?? 0);
    const tt = target.reduce((a, b) => a + b, 0);
    const k = Math.min(1, d.perVersion * versionIndex);
    if (tt > 0) w = w.map((x, j) => (1 - k) * x + (k * target[j]) / tt);
  }
  const cum = new Float64Array(w.length);
  let acc = 0;
  w.forEach((x, j) => (cum[j] = acc += x));
  const values: Val[] = g.values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  // First j with cum[j] > u (the last one when rounding leaves u >= cum[last]).
  return { table: new CdfTable(cum, true), acc, values };
}

export function categorical(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const { table, acc, values } = categoricalTable(g, col, env);
  // In a copula, the value is the category whose cumulative-weight interval
  // (in the declared order) holds the column's uniform.
  const u0 = env.copula.get(col.name);
  if (u0 !== undefined) return (i) => values[table.search(u0[i] * acc)];
  return (_i, rng) => values[table.search(rng.nextFloat() * acc)];
}

export function uuid(rng: Rng): string {
  const h = [rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()];
  h[1] = ((h[1] & 0xffff0fff) | 0x00004000) >>> 0; // version 4
  h[2] = ((h[2] & 0x3fffffff) | 0x80000000) >>> 0; // RFC 4122 variant
  const x = h.map((n) => n.toString(16).padStart(8, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const HEX = "0123456789abcdef";

export function templateFn(
  parts: TemplatePart[],
  env: ChunkEnv,
  seq: (i: number) => number,
  _self: string,
): RowFn {
  return (i, rng) => {
    let s = "";
    for (const p of parts) {
      switch (p.t) {
        case "lit":
          s += p.v;
          break;
        case "seq":
          s += String(seq(i)).padStart(p.width, "0");
          break;
        case "digits":
          for (let k = 0; k < p.n; k++) s += String(rng.nextInt(10));
          break;
        case "letters":
          for (let k = 0; k < p.n; k++) s += LETTERS[rng.nextInt(26)];
          break;
        case "hex":
          for (let k = 0; k < p.n; k++) s += HEX[rng.nextInt(16)];
          break;
        case "col": {
          const c = env.cols.get(p.name);
          const v = valueAt(c, i);
          if (v === null) return null;
          s += c?.type === "datetime"
            ? new Date(Number(v)).toISOString()
            : c?.type === "date"
            ? formatDate(Number(v))
            : String(v);
          break;
        }
      }
    }
    return s;
  };
}

export function emailFn(from: string | undefined, domains: string[], env: ChunkEnv): RowFn {
  return (i, rng) => {
    let local: string;
    if (from !== undefined) {
      const v = valueAt(env.cols.get(from), i);
      if (v === null) return null;
      local = String(v).toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.+|\.+$/g, "") ||
        "user";
    } else {
      local = `${FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)]}.${
        LAST_NAMES[rng.nextInt(LAST_NAMES.length)]
      }`.toLowerCase();
    }
    // A number half of the time, as real addresses often carry one.
    const n = rng.nextInt(200);
    const suffix = n < 100 ? "" : String(n - 100);
    return `${local}${suffix}@${domains[rng.nextInt(domains.length)]}`;
  };
}

/** Milliseconds per hour. */
export const HOUR = 3_600_000;
/** Milliseconds per day. */
export const DAY = 86_400_000;

/** UTC weekday of epoch ms `t`, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(t: number): number {
  const d = (Math.floor(t / DAY) + 3) % 7;
  return d < 0 ? d + 7 : d;
}

/**
 * Datetime sampler. Without profiles: uniform over the instants of the range on
 * the resolution grid. With weekday/hour weights: the range is cut into hourly
 * (daily for day resolution) slots, each weighted by weekday weight x hour
 * weight x number of grid instants in it; a slot is drawn by inverse CDF, then an
 * instant uniformly inside it.
 */
export function datetimeFn(
  g: Extract<GeneratorSpec, { kind: "datetime" }>,
  col: PlanColumn,
  copula?: Float64Array,
): RowFn {
  const fns = memoTable(g, col, 0, () => buildDatetimeFn(g, col));
  if (copula === undefined) return fns.draw;
  const at = fns.at;
  return (i) => at(copula[i]);
}

/** A datetime column's sampler (`draw`) and its inverse CDF (`at`, for copula uniforms). */
interface DatetimeFns {
  draw: RowFn;
  at(u: number): number | null;
}

function buildDatetimeFn(
  g: Extract<GeneratorSpec, { kind: "datetime" }>,
  col: PlanColumn,
): DatetimeFns {
  if (col.type === "date") return buildDateFns(g, col);
  const res = g.resolutionMs;
  let a = Math.max(g.start ?? col.min ?? DEFAULT_START_MS, col.min ?? -Infinity);
  let b = Math.min(g.end ?? col.max ?? DEFAULT_END_MS, col.max ?? Infinity);
  a = Math.ceil(a / res) * res;
  b = Math.floor(b / res) * res;
  if (!(b >= a)) return { draw: () => null, at: () => null };
  const count = (b - a) / res + 1;
  const flat = (u: number) => a + Math.min(count - 1, Math.floor(u * count)) * res;
  if (!g.weekdayWeights && !g.hourWeights) {
    return { draw: (_i, rng) => a + Math.floor(rng.nextFloat() * count) * res, at: flat };
  }
  const wd = g.weekdayWeights ?? [1, 1, 1, 1, 1, 1, 1];
  const hw = g.hourWeights ?? new Array<number>(24).fill(1);
  const slot = res >= DAY ? DAY : HOUR;
  const first = Math.floor(a / slot) * slot;
  const nSlots = Math.floor((b - first) / slot) + 1;
  const cum = new Float64Array(nSlots);
  const firstK = new Float64Array(nSlots);
  const nK = new Float64Array(nSlots);
  let acc = 0;
  for (let k = 0; k < nSlots; k++) {
    const s0 = first + k * slot;
    const lo = Math.max(s0, a);
    const hi = Math.min(s0 + slot - 1, b);
    const k0 = Math.ceil((lo - a) / res);
    const k1 = Math.floor((hi - a) / res);
    const m = Math.max(0, k1 - k0 + 1);
    // Slots start on whole UTC hours (days), so the hour is s0 mod DAY / HOUR.
    const hour = Math.floor((s0 - Math.floor(s0 / DAY) * DAY) / HOUR);
    const w = wd[isoWeekday(s0)] * (slot === DAY ? 1 : hw[hour]);
    acc += w * m;
    cum[k] = acc;
    firstK[k] = k0;
    nK[k] = m;
  }
  if (!(acc > 0)) {
    return { draw: (_i, rng) => a + Math.floor(rng.nextFloat() * count) * res, at: flat };
  }
  // The first slot with cum > u, as a binary search finds it, in O(1) on average.
  const table = new CdfTable(cum, true);
  return {
    draw: (_i, rng) => {
      const k = table.search(rng.nextFloat() * acc);
      return a + (firstK[k] + Math.floor(rng.nextFloat() * nK[k])) * res;
    },
    // Inverse CDF: the slot whose cumulative interval holds u, then the instant
    // at u's relative position inside that interval.
    at: (u) => {
      const x = u * acc;
      const k = table.search(x);
      const c0 = k > 0 ? cum[k - 1] : 0;
      const span = cum[k] - c0;
      const r = span > 0 ? (x - c0) / span : 0;
      return a + (firstK[k] + Math.min(nK[k] - 1, Math.floor(r * nK[k]))) * res;
    },
  };
}

/**
 * Date sampler: the datetime sampler at day resolution over the UTC midnights
 * of [start, end] (days, both inclusive; default 2024-01-01 to 2024-12-31),
 * each midnight turned back into its day number. Weekday weights weight whole
 * days; there are no hour weights.
 */
function buildDateFns(
  g: Extract<GeneratorSpec, { kind: "datetime" }>,
  col: PlanColumn,
): DatetimeFns {
  const ms = (d: number | undefined) => d === undefined ? undefined : d * DAY;
  const start = g.start ?? col.min ?? DEFAULT_START_DAYS;
  const end = g.end ?? col.max ?? DEFAULT_END_DAYS;
  const inner = buildDatetimeFn(
    {
      kind: "datetime",
      start: start * DAY,
      end: end * DAY,
      weekdayWeights: g.weekdayWeights,
      resolutionMs: DAY,
      loc: g.loc,
    },
    { ...col, type: "datetime", min: ms(col.min), max: ms(col.max) },
  );
  const day = (v: number | string | null) => typeof v === "number" ? v / DAY : v;
  return {
    draw: (i, rng) => day(inner.draw(i, rng)),
    at: (u) => day(inner.at(u)) as number | null,
  };
}
