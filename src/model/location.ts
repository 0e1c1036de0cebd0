/**
 * Where a config problem is and what it says: plain types shared by every
 * stage (the error classes that carry them are in src/errors.ts).
 *
 * @module
 */

/** A position in a config or input file (1-based line and column). */
export interface Location {
  file: string;
  line: number;
  col: number;
}

/** One problem found in a config file. */
export interface ConfigProblem {
  /** Where it is; `line`/`col` are 0 when the whole file is meant. */
  loc: Location;
  /** Dotted path of the offending field, e.g. `columns.amount.constraints.min`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}
