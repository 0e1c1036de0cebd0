/**
 * Test helpers: build chunks from plain arrays. Used by the profile and
 * evaluate tests only.
 *
 * @module
 */
import type { Chunk, ColumnType, ColumnValues } from "../data/mod.ts";

/** A plain column: values with `null` for nulls. */
export type PlainColumn =
  | { type: "integer" | "float" | "datetime"; values: Array<number | null> }
  | { type: "boolean"; values: Array<boolean | null> }
  | { type: "string"; values: Array<string | null> };

/** Convert a plain column slice to {@link ColumnValues}. */
export function columnValues(col: PlainColumn, from: number, to: number): ColumnValues {
  const n = to - from;
  const valid = new Uint8Array(n);
  let anyNull = false;
  for (let i = 0; i < n; i++) {
    valid[i] = col.values[from + i] === null ? 0 : 1;
    if (valid[i] === 0) anyNull = true;
  }
  const v = anyNull ? valid : null;
  if (col.type === "string") {
    return { type: "string", values: col.values.slice(from, to).map((x) => x ?? ""), valid: v };
  }
  if (col.type === "boolean") {
    return {
      type: "boolean",
      values: Uint8Array.from(col.values.slice(from, to), (x) => (x ? 1 : 0)),
      valid: v,
    };
  }
  return {
    type: col.type,
    values: Float64Array.from(col.values.slice(from, to), (x) => x ?? 0),
    valid: v,
  };
}

/** Split plain columns into chunks of `chunkRows` rows. */
export function chunksOf(columns: Record<string, PlainColumn>, chunkRows: number): Chunk[] {
  const names = Object.keys(columns).sort();
  const rows = names.length === 0 ? 0 : columns[names[0]].values.length;
  const chunks: Chunk[] = [];
  for (let start = 0, index = 0; start < rows; start += chunkRows, index++) {
    const end = Math.min(rows, start + chunkRows);
    const m = new Map<string, ColumnValues>();
    for (const name of names) m.set(name, columnValues(columns[name], start, end));
    chunks.push({ index, start, rows: end - start, columns: m });
  }
  return chunks;
}

/** Column declarations for a Profiler from plain columns. */
export function declarations(
  columns: Record<string, PlainColumn>,
): Array<{ name: string; type: ColumnType }> {
  return Object.entries(columns).map(([name, c]) => ({ name, type: c.type }));
}
