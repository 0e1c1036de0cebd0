/**
 * What the column compilers share within one chunk: the run inputs, the
 * per-chunk environment, row functions and the drift transform.
 *
 * @module
 */
import type { ColumnValues } from "../model/mod.ts";
import {
  MAX_DATE_DAYS,
  MAX_DATETIME_MS,
  MAX_FLOAT_MAGNITUDE,
  MIN_DATE_DAYS,
  MIN_DATETIME_MS,
} from "../model/mod.ts";
import type { Rng } from "../rng/mod.ts";
import type { Val } from "./expr.ts";
import type { GenerationPlan, PlanColumn } from "./plan.ts";

/** Inputs of a run that every chunk needs. */
export interface GenerationContext {
  /** Run seed (hex SHA-256 of `<dataset>:<version>`). */
  seedHex: string;
  rowCount: number;
  /** 0-based position of this version among the dataset's finalized versions (drift multiplier). */
  versionIndex: number;
  /** Rows per chunk (normally CHUNK_ROWS; part of the format contract). */
  chunkRows: number;
}

/** A row function: value of chunk row `i` drawing from `rng`. */
export type RowFn = (i: number, rng: Rng) => Val;

/** Linear transform x -> f * x + s applied by drift. */
export interface Affine {
  f: number;
  s: number;
}

/** Per-chunk state shared by the column compilers. */
export interface ChunkEnv {
  plan: GenerationPlan;
  ctx: GenerationContext;
  chunk: number;
  start: number;
  rows: number;
  cols: Map<string, ColumnValues>;
  /** `#entity` base states per column (counter-based per-entity streams). */
  bases: Map<string, Uint32Array>;
  /** Copula uniforms per column. */
  copula: Map<string, Float64Array>;
  /** Entity layout per key column: entity index and step/event index per row. */
  entities: Map<string, { entity: Float64Array; step: Float64Array }>;
  /** Session number (0-based) per row for event_time columns. */
  sessions: Map<string, Float64Array>;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function driftSum(col: PlanColumn, kind: "shift" | "rate" | "missingness"): number {
  let s = 0;
  for (const d of col.drift) if (d.kind === kind) s += d.amount;
  return s;
}

export function affineFor(col: PlanColumn, v: number): Affine {
  let f = 1;
  let s = 0;
  for (const d of col.drift) {
    if (d.kind === "scale") f *= Math.pow(d.factor, v);
  }
  for (const d of col.drift) if (d.kind === "shift") s += d.amount * v;
  return { f, s };
}

export function withAffine(fn: RowFn, t: Affine): RowFn {
  if (t.f === 1 && t.s === 0) return fn;
  return (i, rng) => {
    const x = fn(i, rng);
    return typeof x === "number" ? t.f * x + t.s : x;
  };
}

/**
 * The values a numeric column can hold: safe integers, floats up to
 * {@link MAX_FLOAT_MAGNITUDE}, datetimes and dates of years 0000-9999.
 */
export function typeRange(type: "integer" | "float" | "datetime" | "date"): [number, number] {
  switch (type) {
    case "integer":
      return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    case "float":
      return [-MAX_FLOAT_MAGNITUDE, MAX_FLOAT_MAGNITUDE];
    case "datetime":
      return [MIN_DATETIME_MS, MAX_DATETIME_MS];
    case "date":
      return [MIN_DATE_DAYS, MAX_DATE_DAYS];
  }
}
