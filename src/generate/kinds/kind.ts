/**
 * What one generator kind is: the contract every file in kinds/ fills and
 * the table in kinds/mod.ts checks for every {@link GeneratorKind}.
 *
 * @module
 */
import type { ParseContext, YNode } from "../../strict_yaml/mod.ts";
import type {
  ColumnSpec,
  ColumnType,
  GeneratorKind,
  GeneratorSpec,
  Location,
} from "../../model/mod.ts";
import type { Affine, ChunkEnv, RowFn } from "../env.ts";
import type { ColumnInfo, Params } from "../params.ts";
import type { PlanColumn } from "../plan.ts";

/** The generator spec of kind `K`. */
export type SpecOf<K extends GeneratorKind> = Extract<GeneratorSpec, { kind: K }>;

/** What a kind's parser receives. */
export interface ParseInput {
  /** The block's keys (already checked against the kind's `keys`). */
  p: Params;
  ctx: ParseContext;
  column: ColumnInfo;
  /** Dotted path of the block, e.g. `columns.amount.generator`. */
  field: string;
  loc: Location;
  /** False inside `cases`, `otherwise` and `of`. */
  topLevel: boolean;
  /** Parse a nested generator block (YAML null means a null value). */
  sub(node: YNode, field: string): GeneratorSpec | null | undefined;
}

/** What a kind's cross-column checks receive (the whole spec is known). */
export interface CheckInput {
  col: ColumnSpec;
  field: string;
  rowCount: number;
  byName: Map<string, ColumnSpec>;
  add(loc: Location, field: string, message: string): void;
  /** The column `name`, or a problem "`what` refers to unknown column" at the generator. */
  need(name: string, what: string): ColumnSpec | undefined;
}

/** What a kind's compiler receives for one column of one chunk. */
export interface CompileInput {
  col: PlanColumn;
  env: ChunkEnv;
  /** Drift transform of numeric values (shift and scale). */
  t: Affine;
  /** Compile a nested generator for the same column. */
  compile(g: GeneratorSpec): RowFn;
  /** Whether a nested generator reads nothing but its random stream. */
  rowFree(g: GeneratorSpec): boolean;
}

/** One generator kind, defined once. */
export interface KindDef<K extends GeneratorKind> {
  /** Allowed keys of the block (including `kind`). */
  keys: readonly string[];
  /** Column types the kind can fill. */
  types: readonly ColumnType[];
  /** Parse the block; problems go to `a.ctx`. */
  parse(a: ParseInput): SpecOf<K> | undefined;
  /** Columns read from the same row; `deps` recurses into nested generators. */
  deps?(g: SpecOf<K>, deps: (g: GeneratorSpec | null) => string[]): string[];
  /** Decimals the kind declares; `decimals` recurses into nested generators. */
  decimals?(
    g: SpecOf<K>,
    decimals: (g: GeneratorSpec | null) => number | undefined,
  ): number | undefined;
  /** Values are distinct by construction (so `unique: true` columns may use it). */
  unique?(g: SpecOf<K>): boolean;
  /** References to other columns; `refs` checks a nested generator. */
  checkRefs?(g: SpecOf<K>, a: CheckInput, refs: (g: GeneratorSpec | null) => void): void;
  /** Whether values can land inside the column bounds; `mass` checks a nested generator. */
  checkMass?(g: SpecOf<K>, a: CheckInput, mass: (g: GeneratorSpec | null) => void): void;
  /** Ranges that would leave the column bounds over `rowCount` rows (top level only). */
  checkRange?(g: SpecOf<K>, a: CheckInput): void;
  /** The row function of one column in one chunk (the sampler wiring). */
  compile(g: SpecOf<K>, c: CompileInput): RowFn;
  /**
   * True when the values read nothing but the random stream (not the row
   * index, other columns or copula uniforms), so equal streams give equal
   * values; absent means false.
   */
  rowFree?(g: SpecOf<K>, col: PlanColumn, env: ChunkEnv): boolean;
}

/** Every kind's definition, keyed by kind. */
export type KindTable = { [K in GeneratorKind]: KindDef<K> };
