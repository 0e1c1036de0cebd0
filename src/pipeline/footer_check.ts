/**
 * Cross-check of data.parquet's footer against what was validated.
 *
 * When chunks are validated and profiled where they are encoded (in the
 * workers, before the bytes exist on disk), the footer is what ties the file
 * to those checks: for every row group (= chunk) its row count, and for
 * every column its value count, null count and, for numeric and boolean
 * columns, min and max, must equal what the chunk's parts saw. parquet-rs
 * computes these statistics from the values it encoded, so a mismatch means
 * the file does not hold the data that was checked.
 *
 * @module
 */
import type { ColumnSpec } from "../model/mod.ts";
import { compareNames } from "../data/mod.ts";
import type { FooterSummary } from "../parquet/stitch.ts";
import type { ChunkProfile } from "../profile/mod.ts";

/** What one chunk's parts state about a column, in schema order. */
export interface ColumnFacts {
  nulls: number;
  /** Exact min/max when known (numeric columns without non-finite values; booleans). */
  min?: number | boolean;
  max?: number | boolean;
}

/** What one chunk's parts state about its row group. */
export interface ChunkFacts {
  rows: number;
  columns: ColumnFacts[];
}

/** The facts of a chunk from its profile part (profile order is code-unit name order). */
export function chunkFacts(columns: readonly ColumnSpec[], part: ChunkProfile): ChunkFacts {
  const byName = columns.map((c) => c.name).sort(compareNames);
  const index = new Map(byName.map((n, i) => [n, i]));
  return {
    rows: part.rows,
    columns: columns.map((c) => {
      const p = part.columns[index.get(c.name)!];
      switch (p.kind) {
        case "numeric":
          return p.nonFinite === 0 && p.n > 0
            ? { nulls: p.nulls, min: p.min, max: p.max }
            : { nulls: p.nulls };
        case "boolean":
          return p.trues + p.falses === 0
            ? { nulls: p.nulls }
            : { nulls: p.nulls, min: p.falses === 0, max: p.trues > 0 };
        case "string":
          return { nulls: p.nulls };
      }
    }),
  };
}

/** Every disagreement between the footer and the chunks' facts, as report lines. */
export function footerProblems(footer: FooterSummary, facts: readonly ChunkFacts[]): string[] {
  const problems: string[] = [];
  if (footer.rowGroups.length !== facts.length) {
    problems.push(
      `data.parquet has ${footer.rowGroups.length} row groups, ${facts.length} chunks were validated`,
    );
    return problems;
  }
  footer.rowGroups.forEach((rg, g) => {
    const f = facts[g];
    if (rg.numRows !== f.rows) {
      problems.push(
        `data.parquet row group ${g} holds ${rg.numRows} rows, ${f.rows} were validated`,
      );
    }
    rg.columns.forEach((st, j) => {
      const want = f.columns[j];
      const name = footer.columns[j]?.name ?? `#${j}`;
      const where = `data.parquet row group ${g} column ${name}`;
      if (!want) return;
      if (st.numValues !== f.rows) {
        problems.push(`${where}: ${st.numValues} values, ${f.rows} rows`);
      }
      if (st.nullCount === undefined) {
        problems.push(`${where}: no statistics in the footer`);
        return;
      }
      if (st.nullCount !== want.nulls) {
        problems.push(
          `${where}: footer states ${st.nullCount} nulls, ${want.nulls} were validated`,
        );
      }
      for (const [key, got] of [["min", st.min], ["max", st.max]] as const) {
        const expected = want[key];
        if (expected === undefined) continue;
        const value = typeof got === "bigint" ? Number(got) : got;
        if (value !== expected) {
          problems.push(
            `${where}: footer ${key} ${String(value)}, validated ${key} ${String(expected)}`,
          );
        }
      }
    });
  });
  return problems;
}
