/**
 * The fitted model of a table: per column the generator chosen and why, the
 * copula, and the decisions the summary lists. Plain data; rendered to YAML
 * by yaml.ts.
 *
 * @module
 */
import type { ColumnType, DistSpec } from "../model/mod.ts";

/** Datetime resolution names of the `datetime` kind. */
export type Resolution = "millisecond" | "second" | "minute" | "hour" | "day";

/** The generator a column gets. */
export type FittedGenerator =
  | { kind: "dist"; dist: DistSpec; decimals?: number }
  | { kind: "categorical"; values: Array<string | number>; weights: number[] }
  | { kind: "boolean"; rate: number }
  | {
    kind: "datetime";
    start: number;
    end: number;
    weekday: number[];
    hour: number[];
    resolution: Resolution;
  }
  | { kind: "sequence"; start: number; step: number }
  | { kind: "uuid" }
  | { kind: "email" }
  | { kind: "person"; part: "full" | "first" | "last" }
  | { kind: "city" }
  | { kind: "company" }
  | { kind: "regex"; pattern: string; maxLength?: number };

/** Why a column was modelled as it was. */
export type Role =
  /** A marginal that joins the copula. */
  | "marginal"
  /** One value on every row: a categorical of one value, outside the copula. */
  | "constant"
  /** An identifier replaced by a generator of the same shape (outside the copula). */
  | "identifier"
  /** High-cardinality text replaced by a generator of the same shape (possible personal data). */
  | "personal";

/** A candidate distribution and its KS distance to the training rows. */
export interface Candidate {
  kind: string;
  /**
   * Exact for the three best (the ones shown); for a column with more than
   * 4,096 distinct values, the others carry a lower bound that still ranks
   * them behind (src/fit/marginals.ts `bestFit`).
   */
  ks: number;
}

/** One fitted column. */
export interface ColumnFit {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Share of null training rows. */
  nullRate: number;
  unique: boolean;
  min?: number;
  max?: number;
  gen: FittedGenerator;
  role: Role;
  /** One line for the summary: the kind chosen and the criterion value. */
  why: string;
  /** Numeric columns: every candidate's KS distance, best first. */
  candidates?: Candidate[];
  /** Categorical columns: how many rare categories (and rows) were merged into the bucket. */
  merged?: { categories: number; rows: number; bucket: string };
}

/** The Gaussian copula over the marginal columns. */
export interface FittedCopula {
  columns: string[];
  /** Correlation of normal scores, positive definite, rounded as written. */
  matrix: number[][];
  /** What the repair did (empty when none was needed). */
  repair: string;
  /** Smallest eigenvalue before the repair. */
  minEigenvalue: number;
}

/** Everything `sdp fit` learned. */
export interface FittedModel {
  dataset: string;
  source: { file: string; sha256: string; rows: number };
  trainingRows: number;
  holdoutRows: number;
  holdout: number;
  minCount: number;
  target?: string;
  /** Columns sorted by name. */
  columns: ColumnFit[];
  copula: FittedCopula | null;
}
