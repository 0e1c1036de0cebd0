/**
 * Streaming reader of JSON records: a JSON array of objects, or JSON Lines
 * (objects separated by line breaks, as DuckDB's `FORMAT json` and pandas'
 * `lines=True` write them).
 *
 * Rules:
 * - The first byte that is not blank (after an optional UTF-8 BOM) decides:
 *   `[` is an array of objects, `{` is JSON Lines. Every element or line must
 *   be an object; blank lines are skipped; after the array's `]` only blanks
 *   may follow.
 * - Records are flat: a value is a string, number, `true`/`false` or `null`.
 *   A nested object or array is an {@link InputError} naming the field,
 *   unless `nested: "json"`, which keeps it as its JSON text without blanks
 *   ({@link JsonNested}).
 * - Strict JSON (RFC 8259): no comments, trailing commas, single quotes,
 *   `NaN`; a key twice in one object is an error; a string escape that makes
 *   a lone surrogate is an error (sdp strings are well-formed Unicode).
 * - UTF-8 only, decoded strictly; an invalid byte is an error at its line
 *   and column.
 * - Numbers keep their text ({@link JsonNumber}), so digits beyond float64
 *   are not lost before the column's type is known.
 *
 * Locations: 1-based line and column (UTF-16 code units, as the CSV reader).
 *
 * Memory is bounded by one record: a record longer than `maxRecordBytes`
 * (default {@link MAX_JSON_RECORD_BYTES}) is an error, not a hang, so a
 * 1 GB array streams in the space of its largest record.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { firstInvalidUtf8 } from "../csv/mod.ts";
import { columnCountProblem, MAX_COLUMNS } from "../limits.ts";

/** A JSON number, as written. */
export class JsonNumber {
  /** The number's text, e.g. `-1.5e3`. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A nested object or array, as its JSON text without blanks. */
export class JsonNested {
  /** The value's JSON text. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A field's value. */
export type JsonCell = null | boolean | string | JsonNumber | JsonNested;

/** One object of the input. */
export interface JsonRecord {
  /** Keys in the order written. */
  keys: string[];
  /** Values, parallel to `keys`. */
  values: JsonCell[];
  /** Line and column where each value starts, parallel to `keys`. */
  lines: number[];
  cols: number[];
  /** Line and column of the record's `{`. */
  line: number;
  col: number;
}

/** Longest record accepted by default, in bytes (16 MiB, as a CSV record). */
export const MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024;

/** Deepest nesting kept with `nested: "json"`. */
export const MAX_JSON_DEPTH = 64;

/** Options for {@link parseJsonRecords}. */
export interface JsonOptions {
  /** File name for messages. */
  file: string;
  /** Nested values: an error (default) or kept as JSON text. */
  nested?: "error" | "json";
  /** Longest record accepted, in bytes; default {@link MAX_JSON_RECORD_BYTES}. */
  maxRecordBytes?: number;
  /** Records per batch; default 1024. */
  batchRecords?: number;
}

/** The input layout found from the first byte. */
export type JsonLayout = "array" | "lines";

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LF = 0x0a;

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** A growable window over a byte stream. */
class ByteWindow {
  buf = new Uint8Array(1 << 16);
  start = 0;
  end = 0;
  #it: AsyncIterator<Uint8Array>;
  #done = false;
  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#it = chunks[Symbol.asyncIterator]();
  }
  /** Append the next chunk; false at the end of the stream. */
  async fill(): Promise<boolean> {
    for (;;) {
      if (this.#done) return false;
      const next = await this.#it.next();
      if (next.done) {
        this.#done = true;
        return false;
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      const used = this.end - this.start;
      if (this.start > 0 && used + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else if (used + chunk.length > this.buf.length) {
        let size = this.buf.length;
        while (size < used + chunk.length) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = used;
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return true;
    }
  }
  async cancel(): Promise<void> {
    if (!this.#done) await this.#it.return?.();
    this.#done = true;
  }
}

/**
 * Parse JSON records from a byte stream, yielding batches of records (see the
 * module rules). Throws {@link InputError} with file, line and column.
 */
export async function* parseJsonRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: JsonOptions,
): AsyncGenerator<JsonRecord[], void, undefined> {
  const file = options.file;
  const maxBytes = options.maxRecordBytes ?? MAX_JSON_RECORD_BYTES;
  const batchRecords = options.batchRecords ?? 1024;
  const nested = options.nested ?? "error";
  const w = new ByteWindow(chunks);
  let line = 1;
  let col = 1;
  const fail = (message: string, at = { line, col }): never => {
    throw new InputError(message, { file, line: at.line, col: at.col });
  };
  /** The next byte that is not blank (consumed blanks move line/col), or -1 at the end. */
  const peek = async (): Promise<number> => {
    for (;;) {
      if (w.start === w.end && !(await w.fill())) return -1;
      const b = w.buf[w.start];
      if (!isBlank(b)) return b;
      w.start++;
      if (b === LF) {
        line++;
        col = 1;
      } else col++;
    }
  };
  const unexpected = (b: number, wanted: string): never => {
    if (b < 0) return fail(`the file ends where ${wanted} was expected`);
    if (b >= 0x80) {
      return fail(`unexpected non-ASCII byte 0x${b.toString(16)} where ${wanted} was expected`);
    }
    return fail(
      `unexpected ${JSON.stringify(String.fromCharCode(b))} where ${wanted} was expected`,
    );
  };

  const readRecord = async (): Promise<JsonRecord> => {
    // Find the end of the object: depth over brackets outside strings.
    let depth = 0;
    let inString = false;
    let escaped = false;
    let rel = 0;
    for (;;) {
      const buf = w.buf;
      const base = w.start;
      const stop = w.end;
      let k = base + rel;
      let found = -1;
      for (; k < stop; k++) {
        const b = buf[k];
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
        } else if (b === QUOTE) inString = true;
        else if (b === LBRACE || b === LBRACKET) depth++;
        else if (b === RBRACE || b === RBRACKET) {
          depth--;
          if (depth === 0) {
            found = k + 1;
            break;
          }
        }
      }
      if (found >= 0) {
        const len = found - base;
        if (len > maxBytes) tooLong();
        const rec = parseRecord(buf.subarray(base, found), { file, line, col, nested });
        w.start = found;
        line = rec.endLine;
        col = rec.endCol;
        return rec.record;
      }
      rel = stop - base;
      if (rel > maxBytes) tooLong();
      if (!(await w.fill())) {
        fail(
          `the file ends inside the record that starts here (${
            inString ? "an unterminated string" : "an unclosed { or ["
          }); truncated?`,
        );
      }
    }
  };
  const tooLong = (): never =>
    fail(
      `a record longer than ${maxBytes} bytes starts here; sdp reads records of at most ` +
        `${maxBytes} bytes (is a bracket or quote left open?)`,
    );

  try {
    // A UTF-8 BOM is dropped.
    while (w.end - w.start < 3 && (await w.fill()));
    if (
      w.end - w.start >= 3 && w.buf[w.start] === 0xef && w.buf[w.start + 1] === 0xbb &&
      w.buf[w.start + 2] === 0xbf
    ) w.start += 3;
    const first = await peek();
    if (first < 0) fail("the file is empty: JSON input is an array of objects or JSON Lines");
    let batch: JsonRecord[] = [];
    if (first === LBRACKET) {
      w.start++;
      col++;
      let b = await peek();
      if (b === RBRACKET) {
        w.start++;
        col++;
      } else {
        for (let element = 1;; element++) {
          if (b !== LBRACE) {
            if (b === LBRACKET || b === QUOTE || b === 0x2d || (b >= 0x30 && b <= 0x39)) {
              fail(
                `element ${element} of the array is not an object; sdp reads an array of objects`,
              );
            }
            unexpected(b, "an object");
          }
          batch.push(await readRecord());
          if (batch.length >= batchRecords) {
            yield batch;
            batch = [];
          }
          b = await peek();
          if (b === COMMA) {
            w.start++;
            col++;
            b = await peek();
            continue;
          }
          if (b === RBRACKET) {
            w.start++;
            col++;
            break;
          }
          unexpected(b, "`,` or `]`");
        }
      }
      const after = await peek();
      if (after >= 0) unexpected(after, "the end of the file after the array");
    } else if (first === LBRACE) {
      for (;;) {
        const b = await peek();
        if (b < 0) break;
        if (b !== LBRACE) unexpected(b, "an object (one per line)");
        batch.push(await readRecord());
        if (batch.length >= batchRecords) {
          yield batch;
          batch = [];
        }
      }
    } else unexpected(first, "`[` (an array of objects) or `{` (JSON Lines)");
    if (batch.length > 0) yield batch;
  } finally {
    await w.cancel();
  }
}

// ---------------------------------------------------------------- one record

const decoder = new TextDecoder("utf-8", { fatal: true });
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

interface Start {
  file: string;
  line: number;
  col: number;
  nested: "error" | "json";
}

/** Parse the bytes of one object (from `{` to its `}`). */
function parseRecord(
  bytes: Uint8Array,
  at: Start,
): { record: JsonRecord; endLine: number; endCol: number } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = decoder.decode(bytes.subarray(0, Math.max(bad, 0)));
    const p = new Parser(before, at);
    p.i = before.length;
    p.advanceLines(0);
    throw p.error("invalid UTF-8 byte sequence (sdp reads UTF-8 only)");
  }
  const p = new Parser(text, at);
  const record = p.record();
  p.advanceLines(0);
  return { record, endLine: p.line, endCol: p.colAt(p.i) };
}

/** Characters of numbers and literals (and of the usual mistakes: NaN, Infinity, bare words). */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d || c === 0x2b || c === 0x2e;
}

class Parser {
  i = 0;
  line: number;
  /** Index where the current line starts (negative on the first line: the record's column). */
  lineStart: number;
  /** Index up to which line breaks were counted. */
  #counted = 0;
  readonly #s: string;
  readonly #at: Start;
  constructor(s: string, at: Start) {
    this.#s = s;
    this.#at = at;
    this.line = at.line;
    this.lineStart = -(at.col - 1);
  }

  colAt(i: number): number {
    return i - this.lineStart + 1;
  }

  /** Count line breaks up to `i` (+ `extra`). */
  advanceLines(extra: number): void {
    const s = this.#s;
    const to = Math.min(this.i + extra, s.length);
    for (let k = this.#counted; k < to; k++) {
      if (s.charCodeAt(k) === LF) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
    this.#counted = Math.max(this.#counted, to);
  }

  error(message: string): InputError {
    this.advanceLines(0);
    return new InputError(message, {
      file: this.#at.file,
      line: this.line,
      col: this.colAt(this.i),
    });
  }

  #blanks(): void {
    const s = this.#s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++;
      else if (c === LF) {
        this.i++;
        this.advanceLines(0);
      } else break;
    }
  }

  #expect(c: number, what: string): void {
    this.#blanks();
    if (this.#s.charCodeAt(this.i) !== c) throw this.#unexpected(what);
    this.i++;
  }

  #unexpected(what: string): InputError {
    const ch = this.#s[this.i];
    return this.error(
      ch === undefined
        ? `the record ends where ${what} was expected`
        : `unexpected ${JSON.stringify(ch)} where ${what} was expected`,
    );
  }

  record(): JsonRecord {
    const rec: JsonRecord = {
      keys: [],
      values: [],
      lines: [],
      cols: [],
      line: this.line,
      col: this.colAt(this.i),
    };
    const seen = new Set<string>();
    this.#expect(LBRACE, "`{`");
    this.#blanks();
    if (this.#s.charCodeAt(this.i) === RBRACE) {
      this.i++;
      return rec;
    }
    for (;;) {
      this.#blanks();
      if (this.#s.charCodeAt(this.i) !== QUOTE) throw this.#unexpected("a key in double quotes");
      const keyAt = { line: this.line, col: this.colAt(this.i) };
      const key = this.#string().value;
      if (seen.has(key)) {
        throw new InputError(`key ${JSON.stringify(key)} appears twice in this record`, {
          file: this.#at.file,
          ...keyAt,
        });
      }
      seen.add(key);
      if (seen.size > MAX_COLUMNS) {
        throw new InputError(`a record ${columnCountProblem(seen.size)}`, {
          file: this.#at.file,
          ...keyAt,
        });
      }
      this.#expect(0x3a, "`:`");
      this.#blanks();
      rec.keys.push(key);
      rec.lines.push(this.line);
      rec.cols.push(this.colAt(this.i));
      rec.values.push(this.#value(key));
      this.#blanks();
      const c = this.#s.charCodeAt(this.i);
      if (c === COMMA) {
        this.i++;
        continue;
      }
      if (c === RBRACE) {
        this.i++;
        return rec;
      }
      throw this.#unexpected("`,` or `}`");
    }
  }

  #value(field: string): JsonCell {
    const c = this.#s.charCodeAt(this.i);
    if (c === QUOTE) return this.#string().value;
    if (c === LBRACE || c === LBRACKET) {
      if (this.#at.nested === "error") {
        throw this.error(
          `field ${JSON.stringify(field)} holds a nested ${
            c === LBRACE ? "object" : "array"
          }; sdp reads flat records (pass --nested-as-json to keep nested values as JSON text ` +
            `in a string column)`,
        );
      }
      return new JsonNested(this.#nested(1));
    }
    return this.#scalar();
  }

  /** A scalar other than a string: number, true, false, null. */
  #scalar(): null | boolean | JsonNumber {
    const s = this.#s;
    let k = this.i;
    while (k < s.length && isWordChar(s.charCodeAt(k))) k++;
    const word = s.slice(this.i, k);
    if (word === "null" || word === "true" || word === "false") {
      this.i = k;
      return word === "null" ? null : word === "true";
    }
    if (NUMBER_RE.test(word)) {
      this.i = k;
      return new JsonNumber(word);
    }
    if (word === "") throw this.#unexpected("a value");
    throw this.error(
      `${JSON.stringify(word.slice(0, 40))} is not a JSON value (strings need double quotes; ` +
        `NaN and Infinity are not JSON)`,
    );
  }

  /** A string at `i`: its value and its raw text. */
  #string(): { value: string; raw: string } {
    const s = this.#s;
    const begin = this.i;
    let k = begin + 1;
    let simple = true;
    for (;;) {
      if (k >= s.length) {
        this.i = begin;
        throw this.error("unterminated string");
      }
      const c = s.charCodeAt(k);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        simple = false;
        k += 2;
        continue;
      }
      if (c < 0x20) {
        this.i = k;
        throw this.error("a control character inside a string must be escaped (\\n, \\t, \\u0000)");
      }
      k++;
    }
    const raw = s.slice(begin, k + 1);
    this.i = k + 1;
    if (simple) return { value: raw.slice(1, -1), raw };
    let value: string;
    try {
      value = JSON.parse(raw) as string;
    } catch {
      this.i = begin;
      throw this.error(`invalid escape in string ${JSON.stringify(raw.slice(0, 40))}`);
    }
    if (!value.isWellFormed()) {
      this.i = begin;
      throw this.error("a \\u escape in this string makes a lone surrogate (not Unicode text)");
    }
    return { value, raw };
  }

  /** A nested object or array as JSON text without blanks. */
  #nested(depth: number): string {
    if (depth > MAX_JSON_DEPTH) {
      throw this.error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const s = this.#s;
    const open = s.charCodeAt(this.i);
    const close = open === LBRACE ? RBRACE : RBRACKET;
    this.i++;
    let out = open === LBRACE ? "{" : "[";
    this.#blanks();
    if (s.charCodeAt(this.i) === close) {
      this.i++;
      return out + String.fromCharCode(close);
    }
    for (let first = true;; first = false) {
      if (!first) out += ",";
      this.#blanks();
      if (open === LBRACE) {
        if (s.charCodeAt(this.i) !== QUOTE) throw this.#unexpected("a key in double quotes");
        out += this.#string().raw;
        this.#expect(0x3a, "`:`");
        out += ":";
        this.#blanks();
      }
      const c = s.charCodeAt(this.i);
      if (c === QUOTE) out += this.#string().raw;
      else if (c === LBRACE || c === LBRACKET) out += this.#nested(depth + 1);
      else {
        const v = this.#scalar();
        out += v === null ? "null" : typeof v === "boolean" ? String(v) : v.text;
      }
      this.#blanks();
      const d = s.charCodeAt(this.i);
      if (d === COMMA) {
        this.i++;
        continue;
      }
      if (d === close) {
        this.i++;
        return out + String.fromCharCode(close);
      }
      throw this.#unexpected(`\`,\` or \`${String.fromCharCode(close)}\``);
    }
  }
}
