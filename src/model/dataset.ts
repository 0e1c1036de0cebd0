/**
 * Typed dataset specification: what the three YAML files of a dataset say,
 * after strict parsing. Every spec object remembers where it came from.
 *
 * @module
 */
import type { ColumnType } from "./chunk.ts";
import type { CorrelationSpec, DriftSpec, GeneratorSpec } from "./generator.ts";
import type { Location } from "./location.ts";
import type { TableSpec } from "./relational.ts";

/** One column of schema.yaml. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Inclusive lower bound (epoch ms for datetime, days since 1970-01-01 for date). */
  min?: number;
  /** Inclusive upper bound (epoch ms for datetime, days since 1970-01-01 for date). */
  max?: number;
  /** Allowed values (string columns). */
  allowed?: string[];
  /** Regular expression every value must match in full (string columns). */
  pattern?: string;
  /** Maximum length in UTF-16 code units (string columns). */
  maxLength?: number;
  /** Every non-null value must be distinct. */
  unique: boolean;
  description?: string;
  /**
   * The column's name in the ingested file's header (schema.yaml
   * `source_name`), when it differs from `name`: `Cost Total $` for
   * `cost_total`. Ingest reads that header as this column.
   */
  sourceName?: string;
  /** Declared generator; absent means inference from name, type and constraints. */
  generator?: GeneratorSpec;
  loc: Location;
}

/** Comparison operators of `compare` checks. */
export type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** A table-level check from schema.yaml `checks:`. */
export type CheckSpec =
  | {
    kind: "compare";
    /** Source text, e.g. `low <= open`; also the check's name in reports. */
    name: string;
    left: string;
    op: CompareOp;
    /** A column name or a numeric literal. */
    right: { column: string } | { value: number };
    loc: Location;
  }
  | {
    /** `column` must be null on every row where `when` does not hold. */
    kind: "null_unless";
    name: string;
    column: string;
    whenColumn: string;
    whenValues: string[];
    loc: Location;
  }
  | {
    /** `column` must not be null on every row where `when` holds. */
    kind: "not_null_when";
    name: string;
    column: string;
    whenColumn: string;
    whenValues: string[];
    loc: Location;
  };

/** Drift and quality thresholds (evolution.yaml `thresholds:`), with defaults filled in. */
export interface Thresholds {
  /** PSI at or above this means drift (Evidently default 0.1). */
  psi: number;
  /** Jensen-Shannon distance at or above this means drift (0.1). */
  jensenShannon: number;
  /** Wasserstein distance / reference std at or above this means drift (0.1). */
  wasserstein: number;
  /** KS p-value below this is reported as significant (0.05). */
  ksPValue: number;
  /** A metric at or above `warnRatio` x its drift threshold is a warning (0.5). */
  warnRatio: number;
  /** Allowed absolute difference between configured and realised rates (0.01). */
  rateTolerance: number;
}

/** Default thresholds. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = {
  psi: 0.1,
  jensenShannon: 0.1,
  wasserstein: 0.1,
  ksPValue: 0.05,
  warnRatio: 0.5,
  rateTolerance: 0.01,
};

/** evolution.yaml. */
export interface EvolutionSpec {
  /** Share of rows whose boolean label column is true, keyed by column name (`fraud_rate` -> `is_fraud`). */
  labelRates: Map<string, { rate: number; loc: Location }>;
  /** Share of nulls per nullable column. */
  missingness: Map<string, { rate: number; loc: Location }>;
  /** Declared version-to-version changes (see generator.ts). */
  drift: DriftSpec[];
  thresholds: Thresholds;
}

/** The raw texts of the three files, as loaded (kept for configs_snapshot.json). */
export interface ConfigSources {
  "dataset.yaml": string;
  "schema.yaml": string;
  "evolution.yaml": string;
}

/** A whole dataset: dataset.yaml + schema.yaml + evolution.yaml. */
export interface DatasetSpec {
  name: string;
  domain: string;
  description: string;
  rowCount: number;
  /** Free-form keywords (used for publishing). */
  keywords: string[];
  /** Columns sorted lexicographically by name. */
  columns: ColumnSpec[];
  checks: CheckSpec[];
  /** Declared correlation blocks (Gaussian copula), from schema.yaml `correlations:`. */
  correlations: CorrelationSpec[];
  evolution: EvolutionSpec;
  sources: ConfigSources;
  /** Where the configs came from: `builtin` or a directory path. */
  origin: string;
  /**
   * The tables of a multi-table dataset, parents before children (absent for
   * a single-table dataset, whose `columns` are then the table).
   */
  tables?: TableSpec[];
  /**
   * Columns generators may read but that are not written: the parent columns
   * a child table reads as `<parent>.<column>` (multi-table datasets only).
   */
  external?: ColumnSpec[];
}
