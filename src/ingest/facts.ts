/**
 * What ingest decided per column, collected in the scan pass: null count,
 * first non-null value, and notes (renamed, naive timestamps read as UTC,
 * decimals read as float, nested values kept as JSON text). `sdp ingest`
 * prints them as a table, or with `--json` as JSON.
 *
 * @module
 */
import type { Chunk, ColumnType } from "../data/mod.ts";
import { QUOTED_EMPTY } from "../csv/read.ts";
import { type CellValue, parseValue, tokenLength } from "../csv/infer.ts";

/** One column as ingested, for the decision table. */
export interface ColumnReport {
  /** The sdp column name. */
  name: string;
  /** The name in the file (header, key or Parquet field). */
  sourceName: string;
  type: ColumnType;
  nullable: boolean;
  nullCount: number;
  /** The first non-null value, rendered (datetimes as ISO 8601 UTC), cut to {@link EXAMPLE_CHARS}; null when none. */
  example: string | null;
  notes: string[];
}

/** Longest example shown, in characters. */
export const EXAMPLE_CHARS = 32;

/** Note for a column whose timestamps had no offset. */
export const NAIVE_NOTE = "timestamps without offset read as UTC";

/** A value rendered for the decision table. */
export function renderValue(type: ColumnType, v: CellValue): string | null {
  if (v === null) return null;
  let s: string;
  if (type === "datetime" && typeof v === "number") s = new Date(v).toISOString();
  else s = String(v);
  return s.length > EXAMPLE_CHARS ? `${s.slice(0, EXAMPLE_CHARS - 3)}...` : s;
}

/** A text value (CSV field, JSON value text) rendered as its column's type reads it. */
export function renderText(
  type: ColumnType,
  text: string | undefined,
  nulls: ReadonlySet<string>,
): string | null {
  if (text === undefined) return null;
  const parsed = parseValue(text, type, nulls);
  return parsed.ok ? renderValue(type, parsed.value) : renderValue("string", text);
}

const NAIVE_RE = /^\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/;

/**
 * Per-position facts over text rows (CSV fields): empty fields, null
 * tokens, quoted empty fields, the first text of each kind, naive
 * timestamps. Which of these are nulls depends on the type, known only at
 * the end ({@link TextFacts.column}).
 */
export class TextFacts {
  #empty: number[];
  #tokens: number[];
  #quotedEmpty: number[];
  #firstText: (string | undefined)[];
  #firstValue: (string | undefined)[];
  #naive: boolean[];
  readonly nulls: ReadonlySet<string>;
  /** The tokens are null in string columns too. */
  readonly stringNulls: boolean;

  constructor(width: number, nulls: ReadonlySet<string>, options: { stringNulls?: boolean } = {}) {
    this.stringNulls = options.stringNulls === true;
    this.#empty = new Array(width).fill(0);
    this.#tokens = new Array(width).fill(0);
    this.#quotedEmpty = new Array(width).fill(0);
    this.#firstText = new Array(width).fill(undefined);
    this.#firstValue = new Array(width).fill(undefined);
    this.#naive = new Array(width).fill(false);
    this.nulls = nulls;
  }

  /** Observe a batch of rows. */
  observe(rows: readonly (readonly string[])[]): void {
    const n = this.#empty.length;
    const maxToken = tokenLength(this.nulls);
    for (const row of rows) {
      for (let c = 0; c < n; c++) {
        const t = row[c];
        if (t === "") {
          this.#empty[c]++;
          continue;
        }
        if (t === QUOTED_EMPTY) {
          this.#quotedEmpty[c]++;
          if (this.#firstText[c] === undefined) this.#firstText[c] = t;
          continue;
        }
        if (this.#firstText[c] === undefined) this.#firstText[c] = t;
        if (t.length <= maxToken && this.nulls.has(t)) {
          this.#tokens[c]++;
          continue;
        }
        if (this.#firstValue[c] === undefined) this.#firstValue[c] = t;
        if (!this.#naive[c] && t.length >= 19 && NAIVE_RE.test(t)) this.#naive[c] = true;
      }
    }
  }

  /** Null count, example and naive flag of position `c` read as `type`. */
  column(
    c: number,
    type: ColumnType,
  ): { nullCount: number; example: string | null; naive: boolean } {
    if (type === "string" && this.stringNulls) {
      return {
        nullCount: this.#empty[c] + this.#tokens[c],
        example: renderText(
          type,
          this.#firstValue[c] ?? (this.#quotedEmpty[c] > 0 ? QUOTED_EMPTY : undefined),
          this.nulls,
        ),
        naive: false,
      };
    }
    if (type === "string") {
      return {
        nullCount: this.#empty[c],
        example: renderText(type, this.#firstText[c], this.nulls),
        naive: false,
      };
    }
    return {
      nullCount: this.#empty[c] + this.#tokens[c] + this.#quotedEmpty[c],
      example: renderText(type, this.#firstValue[c], this.nulls),
      naive: type === "datetime" && this.#naive[c],
    };
  }
}

/** Per-column null counts and first values over typed chunks (Parquet). */
export class ChunkFacts {
  readonly nullCount = new Map<string, number>();
  readonly example = new Map<string, string>();

  /** Observe one chunk. */
  observe(chunk: Chunk): void {
    for (const [name, col] of chunk.columns) {
      let nulls = 0;
      if (col.valid) { for (let i = 0; i < chunk.rows; i++) if (col.valid[i] === 0) nulls++; }
      this.nullCount.set(name, (this.nullCount.get(name) ?? 0) + nulls);
      if (this.example.has(name)) continue;
      for (let i = 0; i < chunk.rows; i++) {
        if (col.valid && col.valid[i] === 0) continue;
        const v = col.type === "boolean"
          ? col.values[i] === 1
          : col.type === "integer" && col.exact
          ? col.exact[i]
          : col.values[i];
        this.example.set(name, renderValue(col.type, v)!);
        break;
      }
    }
  }
}
