/**
 * Test fixtures for the evaluate tests: a minimal {@link DatasetSpec} and
 * profile builders.
 *
 * @module
 */
import { type ColumnSpec, type DatasetSpec, DEFAULT_THRESHOLDS } from "../../src/model/mod.ts";
import type { ColumnType } from "../../src/data/mod.ts";
import { type DatasetProfile, Profiler } from "../../src/profile/mod.ts";
import { chunksOf, declarations, type PlainColumn } from "./profile.ts";

const LOC = { file: "test.yaml", line: 0, col: 0 };

/** A spec with the given columns, label rates and missingness. */
export function specFor(
  columns: Array<{ name: string; type: ColumnType; unique?: boolean; nullable?: boolean }>,
  opts: { labelRates?: Record<string, number>; missingness?: Record<string, number> } = {},
): DatasetSpec {
  const cols: ColumnSpec[] = columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable ?? true,
    unique: c.unique ?? false,
    loc: LOC,
  }));
  return {
    name: "demo",
    domain: "test",
    description: "",
    rowCount: 0,
    keywords: [],
    columns: cols.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    checks: [],
    correlations: [],
    evolution: {
      labelRates: new Map(
        Object.entries(opts.labelRates ?? {}).map(([k, rate]) => [k, { rate, loc: LOC }]),
      ),
      missingness: new Map(
        Object.entries(opts.missingness ?? {}).map(([k, rate]) => [k, { rate, loc: LOC }]),
      ),
      drift: [],
      thresholds: { ...DEFAULT_THRESHOLDS },
    },
    sources: { "dataset.yaml": "", "schema.yaml": "", "evolution.yaml": "" },
    origin: "test",
  };
}

/** Profile plain columns (chunks of `chunkRows`). */
export function profileOf(
  columns: Record<string, PlainColumn>,
  chunkRows = 1000,
  options: { labels?: string[] } = {},
): DatasetProfile {
  const p = new Profiler(declarations(columns), options);
  for (const c of chunksOf(columns, chunkRows)) p.add(c);
  return p.finish();
}
