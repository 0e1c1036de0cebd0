/**
 * Test helpers: build chunks from plain arrays. Used by the profile and
 * evaluate tests only.
 *
 * @module
 */
import type { Chunk, ColumnType, ColumnValues } from "../../src/data/mod.ts";

/** A plain column: values with `null` for nulls. */
export type PlainColumn =
  | { type: "integer" | "float" | "datetime" | "date"; values: Array<number | null> }
  | { type: "boolean"; values: Array<boolean | null> }
  | { type: "string"; values: Array<string | null> };

/** Convert a plain column slice to {@link ColumnValues}. */
function columnValues(col: PlainColumn, from: number, to: number): ColumnValues {
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

/**
 * `chunk` with dictionary codes on every string column of at most 256
 * distinct values (as generation attaches them); codes at null rows are set
 * to 255, since readers must not look at them.
 */
export function withCodes(chunk: Chunk): Chunk {
  const columns = new Map<string, ColumnValues>();
  for (const [name, col] of chunk.columns) {
    if (col.type !== "string") {
      columns.set(name, col);
      continue;
    }
    const dict: string[] = [];
    const index = new Map<string, number>();
    const codes = new Uint8Array(chunk.rows);
    for (let i = 0; i < chunk.rows; i++) {
      if (col.valid !== null && col.valid[i] === 0) {
        codes[i] = 255;
        continue;
      }
      let c = index.get(col.values[i]);
      if (c === undefined) {
        index.set(col.values[i], c = dict.length);
        dict.push(col.values[i]);
      }
      codes[i] = c;
    }
    columns.set(name, dict.length > 256 ? col : { ...col, codes: { dict, codes } });
  }
  return { ...chunk, columns };
}
