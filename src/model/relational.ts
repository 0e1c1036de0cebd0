/**
 * Multi-table datasets: tables with primary keys and foreign keys between
 * them, the number of children per parent, parent picks for lookups and
 * self-references, and checks that span a child and its parent. Plain,
 * structured-cloneable data.
 *
 * @module
 */
import type { CompareOp, DatasetSpec } from "./dataset.ts";
import type { Location } from "./location.ts";

/** How many children each parent row has (clipped to [min, max]). */
export type ChildCountSpec =
  | { kind: "poisson"; lambda: number; min: number; max: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "categorical"; values: number[]; weights: number[]; min: number; max: number };

/** How a lookup picks its parent row: uniformly, or Zipf-like (the first rows most popular). */
export type ParentPick = { kind: "uniform" } | { kind: "zipf"; s: number };

/** The two ways a foreign key is filled. */
export type ForeignKeyMode =
  /** One-to-many: each parent row has a drawn number of children, in parent order. */
  | { kind: "per_parent"; count: ChildCountSpec }
  /** Many-to-one lookup: each row picks a parent (an earlier row for a self-reference). */
  | { kind: "pick"; pick: ParentPick; nullRate: number };

/** One foreign key of a table. */
export interface ForeignKeySpec {
  /** The child's key columns, in order. */
  columns: string[];
  /** The referenced table. */
  table: string;
  /** The referenced columns (the parent's primary key), in the same order. */
  refColumns: string[];
  mode: ForeignKeyMode;
  /** The key points into its own table (acyclic: only earlier rows). */
  self: boolean;
  loc: Location;
}

/** A check between a child column and a column of the parent its foreign key names. */
export interface CrossCheckSpec {
  /** Source text, e.g. `ordered_at >= customers.signup_at`; the check's name in reports. */
  name: string;
  left: string;
  op: CompareOp;
  /** The parent table (reached through this table's foreign key to it). */
  table: string;
  right: string;
  loc: Location;
}

/** One table of a multi-table dataset. */
export interface TableSpec {
  name: string;
  primaryKey: string[];
  foreignKeys: ForeignKeySpec[];
  crossChecks: CrossCheckSpec[];
  /**
   * The table as a single-table spec (name `<dataset>.<table>`, so its
   * streams differ from every other table's). `rowCount` is the declared
   * count of a root table and 0 for a child (it follows from its parents).
   */
  spec: DatasetSpec;
  loc: Location;
}
