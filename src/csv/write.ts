/**
 * CSV encoding of chunks (RFC 4180): header of sorted column names, `\n` line
 * ends, fields quoted only when they contain `"`, `,`, `\r` or `\n` (or start
 * or end with a space). Null is the empty field; an empty string is `""`.
 * Floats print with JavaScript's shortest round-trip form (locale-free),
 * datetimes as ISO-8601 UTC with milliseconds and `Z`, dates as `YYYY-MM-DD`,
 * booleans as true/false.
 */
import { type Chunk, type ColumnValues, formatDate, formatDatetime } from "../data/mod.ts";

function quote(s: string): string {
  if (s === "") return '""';
  if (/[",\r\n]/.test(s) || s[0] === " " || s[s.length - 1] === " ") {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}

/** The header line for columns in order. */
export function csvHeader(columns: readonly string[]): string {
  return columns.map(quote).join(",") + "\n";
}

function cell(col: ColumnValues, i: number): string {
  if (col.valid !== null && col.valid[i] === 0) return "";
  return col.type === "string" ? quote(col.values[i]) : valueText(col, i);
}

/**
 * A present value as data.csv writes it, unquoted: integers exactly (int64
 * beyond 2^53 included), datetimes in ISO 8601 UTC, dates as YYYY-MM-DD.
 */
export function valueText(col: ColumnValues, i: number): string {
  switch (col.type) {
    case "string":
      return col.values[i];
    case "integer":
    case "float":
      return col.exact !== undefined ? String(col.exact[i]) : String(col.values[i]);
    case "datetime":
      return formatDatetime(col.values[i]);
    case "date":
      return formatDate(col.values[i]);
    case "boolean":
      return col.values[i] ? "true" : "false";
  }
}

/** CSV text of a chunk's rows (no header), columns in the given order. */
export function chunkToCsv(chunk: Chunk, columns: readonly string[]): string {
  const cols = columns.map((n) => {
    const c = chunk.columns.get(n);
    if (!c) throw new Error(`chunk ${chunk.index} lacks column "${n}"`);
    return c;
  });
  const lines = new Array<string>(chunk.rows);
  for (let i = 0; i < chunk.rows; i++) {
    let line = "";
    for (let j = 0; j < cols.length; j++) {
      if (j > 0) line += ",";
      line += cell(cols[j], i);
    }
    lines[i] = line;
  }
  return chunk.rows === 0 ? "" : lines.join("\n") + "\n";
}
