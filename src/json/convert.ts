/**
 * JSON records -> typed columns.
 *
 * Columns are the union of the records' keys in first-seen order; a key a
 * record lacks is null there. Type inference, per column over its non-null
 * values (first rule that holds):
 * - only `true`/`false`                                  -> boolean
 * - only numbers written without fraction or exponent,
 *   within int64                                         -> integer (exact)
 * - only numbers (finite; integers within ±(2^53 − 1),
 *   whose digits a float keeps)                          -> float
 * - only strings that are all dates (`2024-12-05`)          -> date
 * - only strings that are all dates or timestamps by the
 *   CSV rules (src/csv/infer.ts: `2024-12-05 19:27:44+00`) -> datetime
 * - anything else (mixed kinds, other strings, nested
 *   values kept as JSON text)                            -> string, each
 *   value as its text (a number as written, `true`, the nested JSON)
 * JSON's own types are kept: a string `"12"` is text, not a number (JSON
 * already says what is a number; `"007"` stays an identifier), and there are
 * no null tokens: only `null` and a missing key are null. A column with no
 * value at all is string.
 *
 * The second pass turns records into the CSV reader's events (a header of
 * the column names and rows of field texts), so chunks are built and values
 * parsed by the same code as CSV (src/csv/convert.ts).
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";
import { InputError } from "../errors.ts";
import { columnCountProblem } from "../limits.ts";
import { type CsvEvent, QUOTED_EMPTY } from "../csv/read.ts";
import { parseDate, parseDatetime, parseInteger, parseValue } from "../csv/infer.ts";
import { ValueError } from "../csv/convert.ts";
import { type JsonCell, JsonNested, JsonNumber, type JsonRecord } from "./read.ts";

const BOOL = 1;
const INT = 2;
const FLOAT = 4;
/** A number sdp cannot hold: an integer beyond int64, or not finite. */
const WIDE = 8;
/** An integer beyond ±(2^53 − 1) within int64: exact in an integer column, not in a float. */
const BIG = 128;
const TIMESTAMP = 16;
const TEXT = 32;
const NESTED = 64;
const DATE = 256;

const INTEGER_RE = /^-?\d+$/;
const NAIVE_RE = /^\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/;

/** What is known about one JSON column after the first pass. */
export interface JsonColumnFacts {
  /** The key, as written. */
  source: string;
  type: ColumnType;
  nullable: boolean;
  /** Nulls and missing keys. */
  nullCount: number;
  /** Text of the first non-null value (as the second pass reads it), or undefined. */
  example?: string;
  /** A timestamp without an offset was read as UTC. */
  naive: boolean;
  /** Nested values kept as JSON text. */
  nested: boolean;
  /** Values of several JSON kinds, read as text. */
  mixed: boolean;
}

/** Running inference over JSON records. */
export class JsonInference {
  #index = new Map<string, number>();
  #sources: string[] = [];
  #kinds: number[] = [];
  #present: number[] = [];
  #nulls: number[] = [];
  #example: (string | undefined)[] = [];
  #naive: boolean[] = [];
  rows = 0;
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  /** Observe a batch of records. */
  observe(records: readonly JsonRecord[]): void {
    for (const rec of records) {
      this.rows++;
      for (let k = 0; k < rec.keys.length; k++) {
        const c = this.#column(rec.keys[k], rec.lines[k], rec.cols[k]);
        this.#present[c]++;
        const v = rec.values[k];
        if (v === null) {
          this.#nulls[c]++;
          continue;
        }
        const kind = kindOf(v);
        this.#kinds[c] |= kind;
        if (this.#example[c] === undefined) this.#example[c] = cellText(v);
        if (kind === TIMESTAMP && !this.#naive[c] && NAIVE_RE.test(v as string)) {
          this.#naive[c] = true;
        }
      }
    }
  }

  #column(key: string, line: number, col: number): number {
    const c = this.#index.get(key);
    if (c !== undefined) return c;
    const wide = columnCountProblem(this.#sources.length + 1);
    if (wide) {
      throw new InputError(`the records' keys together ${wide}`, { file: this.#file, line, col });
    }
    const n = this.#sources.length;
    this.#index.set(key, n);
    this.#sources.push(key);
    this.#kinds.push(0);
    // Records before this one lacked the key.
    this.#present.push(0);
    this.#nulls.push(0);
    this.#example.push(undefined);
    this.#naive.push(false);
    return n;
  }

  /** The columns in first-seen order. */
  columns(): JsonColumnFacts[] {
    return this.#sources.map((source, c) => {
      const kinds = this.#kinds[c];
      const type = typeOf(kinds);
      const nullCount = this.rows - this.#present[c] + this.#nulls[c];
      const kindCount = [BOOL, INT | FLOAT | WIDE | BIG, DATE | TIMESTAMP | TEXT, NESTED]
        .filter((k) => (kinds & k) !== 0).length;
      return {
        source,
        type,
        nullable: nullCount > 0,
        nullCount,
        ...(this.#example[c] === undefined ? {} : { example: this.#example[c] }),
        naive: type === "datetime" && this.#naive[c],
        nested: (kinds & NESTED) !== 0,
        mixed: kindCount > 1,
      };
    });
  }
}

function kindOf(v: Exclude<JsonCell, null>): number {
  if (typeof v === "boolean") return BOOL;
  if (typeof v === "string") {
    if (v.length === 10 && parseDate(v) !== undefined) return DATE;
    return parseDatetime(v) !== undefined ? TIMESTAMP : TEXT;
  }
  if (v instanceof JsonNested) return NESTED;
  const n = Number(v.text);
  if (!Number.isFinite(n)) return WIDE;
  if (INTEGER_RE.test(v.text)) {
    if (Number.isSafeInteger(n)) return INT;
    return parseInteger(v.text) === undefined ? WIDE : BIG;
  }
  return FLOAT;
}

function typeOf(kinds: number): ColumnType {
  switch (kinds) {
    case BOOL:
      return "boolean";
    case INT:
    case BIG:
    case INT | BIG:
      return "integer";
    case FLOAT:
    case INT | FLOAT:
      return "float";
    case DATE:
      return "date";
    case TIMESTAMP:
    case TIMESTAMP | DATE:
      return "datetime";
    default:
      return "string";
  }
}

/** A value's text as the CSV typing rules read it (null: the unquoted empty field). */
export function cellText(v: JsonCell): string {
  if (v === null) return "";
  if (typeof v === "string") return v === "" ? QUOTED_EMPTY : v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof JsonNumber || v instanceof JsonNested) return v.text;
  return v satisfies never;
}

/** A column of the second pass: the key it is read from, its name and type. */
export interface JsonTarget {
  source: string;
  name: string;
  type: ColumnType;
  nullable: boolean;
}

const NO_NULL_TOKENS: ReadonlySet<string> = new Set();

/**
 * Records as CSV reader events: a header of the targets' names, then rows of
 * field texts (a missing key is the empty field). With `check`, every value
 * is parsed against its target first, so a problem is reported at the
 * value's own line and column (the CSV converter only knows records). A key
 * that is not a target is an error.
 */
export async function* jsonToEvents(
  batches: AsyncIterable<JsonRecord[]>,
  targets: readonly JsonTarget[],
  options: { file: string; check: boolean; schemaName?: string },
): AsyncGenerator<CsvEvent> {
  const file = options.file;
  const index = new Map(targets.map((t, i) => [t.source, i]));
  const n = targets.length;
  yield { kind: "header", names: targets.map((t) => t.name), line: 1 };
  for await (const records of batches) {
    const rows: string[][] = [];
    const lines: number[] = [];
    for (const rec of records) {
      const row = new Array<string>(n).fill("");
      for (let k = 0; k < rec.keys.length; k++) {
        const c = index.get(rec.keys[k]);
        const at = { file, line: rec.lines[k], col: rec.cols[k] };
        if (c === undefined) {
          throw new InputError(
            `key ${JSON.stringify(rec.keys[k])} is not a column of ${
              options.schemaName ?? "the schema"
            }`,
            at,
          );
        }
        const text = cellText(rec.values[k]);
        row[c] = text;
        if (options.check) check(text, targets[c], at);
      }
      if (options.check) {
        for (let c = 0; c < n; c++) {
          if (row[c] === "" && !targets[c].nullable) {
            throw new ValueError(
              { file, line: rec.line, col: rec.col },
              targets[c].name,
              "",
              targets[c].type,
              `null or missing key ${JSON.stringify(targets[c].source)}, but the column is ` +
                `not nullable`,
            );
          }
        }
      }
      rows.push(row);
      lines.push(rec.line);
    }
    if (rows.length > 0) yield { kind: "rows", rows, lines };
  }
}

function check(
  text: string,
  t: JsonTarget,
  at: { file: string; line: number; col: number },
): void {
  if (text === "") return; // null: checked per record
  const parsed = parseValue(text, t.type, NO_NULL_TOKENS);
  if (!parsed.ok) {
    throw new ValueError(at, t.name, text === QUOTED_EMPTY ? "" : text, t.type, parsed.reason);
  }
}
