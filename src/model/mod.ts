/**
 * The data model every stage shares: datasets, columns and their types,
 * generator specs, correlations, drift, chunks and config locations. Plain
 * types and constants only; this folder imports nothing outside itself (no
 * YAML library, no Deno APIs), so any stage and any Worker may load it.
 *
 * @module
 */
export type { BinOp, Expr, FnName, ReNode } from "./ast.ts";
export {
  type Chunk,
  CHUNK_ROWS,
  COLUMN_TYPES,
  type ColumnType,
  type ColumnValues,
  type StringCodes,
} from "./chunk.ts";
export {
  DEFAULT_END_DAYS,
  DEFAULT_END_MS,
  DEFAULT_MAX_STRING_CHARS,
  DEFAULT_START_DAYS,
  DEFAULT_START_MS,
  DIST_KINDS,
  MAX_DATE_DAYS,
  MAX_DATETIME_MS,
  MAX_FLOAT_MAGNITUDE,
  MAX_ROW_COUNT,
  MAX_STRING_CHARS,
  MIN_DATE_DAYS,
  MIN_DATETIME_MS,
} from "./constants.ts";
export {
  type CheckSpec,
  type ColumnSpec,
  type CompareOp,
  type ConfigSources,
  type DatasetSpec,
  DEFAULT_THRESHOLDS,
  type EvolutionSpec,
  type Thresholds,
} from "./dataset.ts";
export {
  type CorrelationSpec,
  type DistSpec,
  type DriftSpec,
  GENERATOR_KINDS,
  type GeneratorKind,
  type GeneratorSpec,
  type NumericCommon,
  type StepUnit,
  type TemplatePart,
  type Truncation,
} from "./generator.ts";
export type { ConfigProblem, Location } from "./location.ts";
export type {
  ChildCountSpec,
  CrossCheckSpec,
  ForeignKeyMode,
  ForeignKeySpec,
  ParentPick,
  TableSpec,
} from "./relational.ts";
