/**
 * schema.yaml `correlations:` blocks (Gaussian copula): parsed and checked
 * for shape, symmetry and positive semi-definiteness.
 *
 * @module
 */
import { isScalar } from "yaml";
import { join, type ParseContext, type YNode } from "../strict_yaml/mod.ts";
import type { CorrelationSpec } from "../model/mod.ts";
import { choleskyPsd } from "./math.ts";

/** Parse schema.yaml `correlations:` (a list of `{columns: [...], matrix: [[...]]}`). */
export function parseCorrelations(node: YNode, ctx: ParseContext): CorrelationSpec[] {
  if (node === undefined || node === null || isScalar(node) && node.value === null) return [];
  const items = ctx.items(node, "correlations");
  if (!items) return [];
  const out: CorrelationSpec[] = [];
  items.forEach((item, i) => {
    const field = join("correlations", i);
    const before = ctx.problems.length;
    const f = ctx.fields(item, field, ["columns", "matrix"]);
    const colsNode = f.get("columns");
    const cols: string[] = [];
    if (!f.has("columns")) ctx.problem(item, join(field, "columns"), "is required");
    else {
      (ctx.items(colsNode, join(field, "columns")) ?? []).forEach((c, j) => {
        const s = ctx.string(c, join(field, `columns.${j}`));
        if (s !== undefined) cols.push(s);
      });
    }
    if (new Set(cols).size !== cols.length) {
      ctx.problem(colsNode, join(field, "columns"), "lists a column twice");
    }
    if (cols.length < 2) {
      ctx.problem(colsNode ?? item, join(field, "columns"), "needs at least 2 columns");
    }
    const matrix: number[][] = [];
    const mNode = f.get("matrix");
    if (!f.has("matrix")) ctx.problem(item, join(field, "matrix"), "is required");
    else {
      const rows = ctx.items(mNode, join(field, "matrix")) ?? [];
      rows.forEach((r, a) => {
        const rf = join(field, `matrix.${a}`);
        const vals = ctx.items(r, rf) ?? [];
        const row: number[] = [];
        vals.forEach((v, b) => {
          const x = ctx.number(v, join(rf, b));
          if (x === undefined) return;
          if (x < -1 || x > 1) ctx.problem(v, join(rf, b), `correlations lie in [-1, 1], got ${x}`);
          row.push(x);
        });
        if (vals.length !== cols.length) {
          ctx.problem(
            r,
            rf,
            `must have ${cols.length} entries (one per column), got ${vals.length}`,
          );
        }
        matrix.push(row);
      });
      if (rows.length !== cols.length) {
        ctx.problem(
          mNode,
          join(field, "matrix"),
          `must have ${cols.length} rows, got ${rows.length}`,
        );
      }
    }
    if (ctx.problems.length > before) return;
    for (let a = 0; a < cols.length; a++) {
      if (matrix[a][a] !== 1) {
        ctx.problem(
          mNode,
          join(field, "matrix"),
          `diagonal entry ${a} must be 1, got ${matrix[a][a]}`,
        );
        return;
      }
      for (let b = 0; b < a; b++) {
        if (matrix[a][b] !== matrix[b][a]) {
          ctx.problem(
            mNode,
            join(field, "matrix"),
            `must be symmetric: [${a}][${b}] = ${matrix[a][b]} but [${b}][${a}] = ${matrix[b][a]}`,
          );
          return;
        }
      }
    }
    if (choleskyPsd(matrix) === undefined) {
      ctx.problem(
        mNode,
        join(field, "matrix"),
        "is not positive semi-definite (no joint distribution has these correlations); weaken the off-diagonal entries",
      );
      return;
    }
    out.push({ columns: cols, matrix, loc: ctx.loc(item) });
  });
  return out;
}
