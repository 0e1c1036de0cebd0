/**
 * Entity series: entity layouts (panel and events), step times, random walks
 * and event times, with their per-process caches (event counts, walk block
 * sums). State at a chunk start is recomputed from the chunk index alone.
 *
 * @module
 */
import type { GeneratorSpec, StepUnit } from "../model/mod.ts";
import { fmix32 as fmix, Rng } from "../rng/mod.ts";
import type { ChunkEnv, RowFn } from "./env.ts";
import type { PlanColumn } from "./plan.ts";
import { scratchF64 } from "./pools.ts";
import { DAY, HOUR, isoWeekday, templateFn, valueAt } from "./row_fns.ts";

/** Steps per block of a random walk (see {@link walkAt}). */
const WALK_BLOCK = 64;

/**
 * Mix a base stream state with two counters into a fresh xoshiro state
 * (murmur3 finalizer per word): a counter-based stream keyed by (entity, block).
 */
export function mixState(base: Uint32Array, a: number, b: number): Uint32Array {
  const s = new Uint32Array(4);
  const lo = a >>> 0;
  const hi = Math.floor(a / 4294967296) >>> 0;
  for (let k = 0; k < 4; k++) {
    let h = base[k] ^ fmix(lo + Math.imul(k + 1, 0x9e3779b9));
    h = fmix(h ^ fmix(hi ^ Math.imul(b + 1, 0x85ebca6b) ^ k));
    s[k] = fmix(h + Math.imul(b, 0x27d4eb2f) + k);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** Cumulative event counts per `events` entity column, extended on demand (per process). */
const eventCounts = new Map<string, number[]>();

export function entityFn(
  g: Extract<GeneratorSpec, { kind: "entity" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const n = env.rows;
  const entity = scratchF64(n);
  const step = scratchF64(n);
  if (g.layout === "panel") {
    for (let i = 0; i < n; i++) {
      const r = env.start + i;
      entity[i] = r % g.count;
      step[i] = Math.floor(r / g.count);
    }
  } else {
    // Events per entity: 1 + geometric(mean_events - 1), capped, from (column, entity) streams.
    const key = `${env.ctx.seedHex}|${col.name}|${g.meanEvents}|${g.maxEvents}`;
    let cum = eventCounts.get(key);
    if (!cum) {
      if (eventCounts.size > 64) eventCounts.clear(); // bounded: one entry per (run, column)
      eventCounts.set(key, cum = [0]);
    }
    const base = env.bases.get(col.name)!;
    const p = 1 / g.meanEvents;
    const need = env.start + n;
    while (cum[cum.length - 1] < need) {
      const e = cum.length - 1;
      const u = new Rng(mixState(base, e, 0)).nextOpenFloat();
      const extra = p >= 1 ? 0 : Math.floor(Math.log(u) / Math.log(1 - p));
      cum.push(cum[cum.length - 1] + Math.min(g.maxEvents, 1 + extra));
    }
    // Binary search the entity holding the chunk's first row, then walk forward.
    let lo = 0;
    let hi = cum.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cum[mid] <= env.start) lo = mid;
      else hi = mid - 1;
    }
    let e = lo;
    for (let i = 0; i < n; i++) {
      const r = env.start + i;
      while (cum[e + 1] <= r) e++;
      entity[i] = e;
      step[i] = r - cum[e];
    }
  }
  env.entities.set(col.name, { entity, step });
  if (g.values) {
    const values = g.values;
    return (i) => values[entity[i]];
  }
  if (col.type === "string") {
    const parts = g.template ?? [{ t: "seq", width: 0 }];
    return templateFn(parts, env, (i) => g.start + entity[i], col.name);
  }
  return (i) => g.start + entity[i];
}

export function stepTime(start: number, every: StepUnit, k: number): number {
  switch (every) {
    case "minute":
      return start + k * 60_000;
    case "hour":
      return start + k * HOUR;
    case "day":
      return start + k * DAY;
    case "business_day": {
      // Move the start to a weekday, then 5 business days per calendar week; the
      // remaining r < 5 days cross one weekend when they pass Friday.
      let t = start;
      while (isWeekend(t)) t += DAY;
      const r = k % 5;
      const crosses = isoWeekday(t) + r >= 5;
      return t + (Math.floor(k / 5) * 7 + r + (crosses ? 2 : 0)) * DAY;
    }
  }
}

function isWeekend(t: number): boolean {
  return isoWeekday(t) >= 5;
}

/** Block sums S_b per (seed, column, entity), extended on demand (per process). */
const walkPrefix = new Map<string, number[]>();

/**
 * A per-entity random walk whose value at any step is computable alone.
 *
 * Increments Z_1, Z_2, ... (standard normal) are grouped in blocks of
 * {@link WALK_BLOCK}. Block b of entity e has its own counter-based stream
 * `mixState(base, e, b + 1)`: its first normal gives the block total
 * S_b = sqrt(B) N(0, 1), the next B normals a path conditioned on that total
 * (Z_j - mean(Z) + S_b / B, exactly the conditional law of iid normals given
 * their sum). W_k = sum of S over earlier blocks + partial sum inside block.
 * So W_k needs only the block totals before it (one draw per block), never the
 * rows of earlier chunks. Value: gbm start * exp((mu - σ²/2) dt k + σ sqrt(dt) W_k),
 * arithmetic start + mu dt k + σ sqrt(dt) W_k, with dt = 1 / steps_per_year.
 */
export class Walk {
  #g: Extract<GeneratorSpec, { kind: "random_walk" }>;
  #base: Uint32Array;
  #key: string;
  #params = new Map<number, [number, number]>();
  #paths = new Map<number, { block: number; cum: Float64Array }>();
  /** This instance's handles on the shared `walkPrefix` arrays (no key string per row). */
  #prefixes = new Map<number, number[]>();
  constructor(
    g: Extract<GeneratorSpec, { kind: "random_walk" }>,
    seedHex: string,
    column: string,
    base: Uint32Array,
  ) {
    this.#g = g;
    this.#base = base;
    this.#key = `${seedHex}|${column}`;
  }

  /** Per-entity start value and volatility (log-uniform / uniform within the declared ranges). */
  params(e: number): [number, number] {
    let p = this.#params.get(e);
    if (!p) {
      const r = new Rng(mixState(this.#base, e, 0));
      const [s0, s1] = this.#g.start;
      const [v0, v1] = this.#g.volatility;
      const u1 = r.nextFloat();
      const u2 = r.nextFloat();
      const start = this.#g.model === "gbm"
        ? Math.exp(Math.log(s0) + u1 * (Math.log(s1) - Math.log(s0)))
        : s0 + u1 * (s1 - s0);
      p = [start, v0 + u2 * (v1 - v0)];
      this.#params.set(e, p);
    }
    return p;
  }

  /** W_k: sum of the first k increments of entity e. */
  w(e: number, k: number): number {
    if (k <= 0) return 0;
    const B = WALK_BLOCK;
    const b = Math.floor((k - 1) / B);
    let prefix = this.#prefixes.get(e);
    if (!prefix) {
      const pk = `${this.#key}|${e}`;
      prefix = walkPrefix.get(pk);
      if (!prefix) {
        if (walkPrefix.size > 65_536) walkPrefix.clear(); // bounded: one entry per (run, column, entity)
        walkPrefix.set(pk, prefix = [0]);
      }
      this.#prefixes.set(e, prefix);
    }
    while (prefix.length <= b) {
      const j = prefix.length - 1;
      const s = Math.sqrt(B) * new Rng(mixState(this.#base, e, j + 1)).nextNormal();
      prefix.push(prefix[j] + s);
    }
    let path = this.#paths.get(e);
    if (!path || path.block !== b) {
      const r = new Rng(mixState(this.#base, e, b + 1));
      const total = Math.sqrt(B) * r.nextNormal();
      const z = new Float64Array(B);
      let mean = 0;
      for (let j = 0; j < B; j++) mean += z[j] = r.nextNormal();
      mean /= B;
      const cum = new Float64Array(B + 1);
      for (let j = 0; j < B; j++) cum[j + 1] = cum[j] + z[j] - mean + total / B;
      path = { block: b, cum };
      this.#paths.set(e, path);
    }
    return prefix[b] + path.cum[k - b * B];
  }

  /** Walk value of entity e after k steps (k = 0: the start value). */
  value(e: number, k: number): number {
    const [start, vol] = this.params(e);
    const dt = 1 / this.#g.stepsPerYear;
    const w = this.w(e, k);
    return this.#g.model === "gbm"
      ? start * Math.exp((this.#g.drift - (vol * vol) / 2) * dt * k + vol * Math.sqrt(dt) * w)
      : start + this.#g.drift * dt * k + vol * Math.sqrt(dt) * w;
  }
}

/**
 * Monotonic per-entity event times: event 0 comes Exp(first_event_hours) after
 * the entity's `after` value; each later event starts a new session with
 * probability 1 / events_per_session (gap Exp(session_gap_hours)), else follows
 * within the session (gap Exp(event_gap_seconds)). Gaps are rounded up to whole
 * seconds (>= 1 s) so times strictly increase. The sequence of entity e comes from
 * the counter-based stream (event_time column, e).
 */
export function eventTimeFn(
  g: Extract<GeneratorSpec, { kind: "event_time" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const layout = env.entities.get(g.key);
  const after = env.cols.get(g.after);
  const base = env.bases.get(col.name)!;
  const sessions = scratchF64(env.rows);
  env.sessions.set(col.name, sessions);
  if (!layout || !after) return () => null;
  let curE = -1;
  let offsets: number[] = [];
  let sess: number[] = [];
  const pNew = 1 / g.eventsPerSession;
  return (i) => {
    const e = layout.entity[i];
    const j = layout.step[i];
    if (e !== curE) {
      curE = e;
      offsets = [];
      sess = [];
    }
    if (offsets.length <= j) {
      // Regenerate the entity's sequence from its start up to its last event in
      // this chunk (rows of an entity are consecutive), so once per entity and chunk.
      let last = i;
      while (last + 1 < layout.entity.length && layout.entity[last + 1] === e) last++;
      const r = new Rng(mixState(base, e, 1));
      offsets = [];
      sess = [];
      let t = 0;
      let s = 0;
      // The draws are sequential, so a longer or shorter prefix never changes earlier events.
      const upTo = Math.max(j, layout.step[last]);
      for (let k = 0; k <= upTo; k++) {
        let gapMs: number;
        if (k === 0) gapMs = -Math.log(r.nextOpenFloat()) * g.firstEventHours * HOUR;
        else if (r.nextFloat() < pNew) {
          s++;
          gapMs = -Math.log(r.nextOpenFloat()) * g.sessionGapHours * HOUR;
        } else gapMs = -Math.log(r.nextOpenFloat()) * g.eventGapSeconds * 1000;
        t += Math.max(1000, Math.ceil(gapMs / 1000) * 1000);
        offsets.push(t);
        sess.push(s);
      }
    }
    sessions[i] = sess[j];
    const a = valueAt(after, i);
    return a === null ? null : Number(a) + offsets[j];
  };
}
