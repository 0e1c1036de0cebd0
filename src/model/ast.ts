/**
 * Plain-data syntax trees kept inside generator specs (cloneable into
 * Workers): the `derived` expression language and the regex subset.
 *
 * @module
 */

/** A parsed expression node. */
export type Expr =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "col"; name: string }
  | { t: "neg"; a: Expr }
  | { t: "not"; a: Expr }
  | { t: "bin"; op: BinOp; a: Expr; b: Expr }
  | { t: "call"; fn: FnName; args: Expr[] };

/** Binary operators. */
export type BinOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or";

/** A function name of the expression language (arity table: FUNCTIONS in src/generate/expr.ts). */
export type FnName =
  | "min"
  | "max"
  | "abs"
  | "log"
  | "exp"
  | "sqrt"
  | "pow"
  | "floor"
  | "ceil"
  | "round"
  | "clamp"
  | "if"
  | "normal"
  | "uniform"
  | "hour"
  | "weekday"
  | "concat";

/** Plain-data regex AST (cloneable into Workers). */
export type ReNode =
  | { t: "alt"; options: ReNode[][] }
  | { t: "set"; chars: string }
  | { t: "rep"; node: ReNode; min: number; max: number };
