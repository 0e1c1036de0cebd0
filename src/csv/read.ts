/**
 * Streaming, strict RFC 4180 CSV reader.
 *
 * Rules:
 * - Separator `,` (or {@link CsvOptions.separator}, e.g. one found by
 *   {@link detectSeparator}), quote `"`; a quoted field may hold separators,
 *   line breaks and doubled quotes (`""` -> `"`), as Excel, LibreOffice,
 *   DuckDB and PostgreSQL write them. A quote inside an unquoted field, or any
 *   character after a closing quote other than the separator or a line end,
 *   is an error.
 * - Records end with LF or CRLF (mixing is allowed). A CR not followed by LF
 *   outside quotes is an error (old Mac line endings would otherwise be read
 *   as one huge line). Inside quotes, CR and LF are data.
 * - The final line break is optional. An empty line is a record with one
 *   empty field, so it is an error unless the header has a single column
 *   (where it is a null value); blank lines are never skipped silently.
 * - UTF-8 only, decoded strictly: an invalid or truncated byte sequence is an
 *   {@link InputError} at its line and column. A leading BOM is dropped.
 * - The first record is the header (names as written: empty or repeated
 *   names are the caller's to judge); every later record must have the same
 *   number of fields ({@link RaggedRowError}).
 *
 * Locations: `line` is the 1-based physical line (a record's errors point at
 * the line where the record starts). `col` is a 1-based character position
 * (UTF-16 code units) for byte/quote errors, and a 1-based field number for
 * record-level errors (ragged rows, values).
 *
 * Memory is bounded by one input chunk, one batch and `maxRecordChars`: the
 * reader is an async generator, so it reads only as fast as it is consumed.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { columnCountProblem, MAX_COLUMNS } from "../limits.ts";

/** The header record. */
export interface CsvHeader {
  kind: "header";
  names: string[];
  /** Line of the header (1, or later only if it spans lines). */
  line: number;
}

/** A batch of data records. */
export interface CsvRows {
  kind: "rows";
  /** Fields of each record, `names.length` long. */
  rows: string[][];
  /** Line where each record starts, parallel to `rows`. */
  lines: number[];
}

/** What {@link parseCsv} yields: the header first, then batches. */
export type CsvEvent = CsvHeader | CsvRows;

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** File name for messages. */
  file: string;
  /** Records per batch. Default 4096. */
  batchRows?: number;
  /** Longest record accepted, in characters. Default 16 MiB. */
  maxRecordChars?: number;
  /**
   * Field separator: one UTF-16 code unit other than `"`, CR and LF (see
   * {@link separatorProblem}). Default `,`.
   */
  separator?: string;
}

/** Separators {@link detectSeparator} chooses among, in order of preference on ties. */
export const SEPARATOR_CANDIDATES: readonly string[] = [",", ";", "\t", "|"];

/** Records {@link detectSeparator} looks at: the header and up to 50 records. */
export const DETECT_RECORDS = 51;

/** Why `sep` cannot be a separator, or undefined when it can. */
export function separatorProblem(sep: string): string | undefined {
  if (sep.length !== 1) return "it must be a single character";
  if (sep === '"') return "the quote character cannot be the separator";
  if (sep === "\n" || sep === "\r") return "a line break cannot be the separator";
  return undefined;
}

/** A separator for messages: `tab`, or the character in double quotes. */
export function separatorName(sep: string): string {
  return sep === "\t" ? "tab" : JSON.stringify(sep);
}

/**
 * Detect the field separator from the first bytes of a CSV file: among `,`
 * `;` tab `|`, the candidates that split the header and up to 50 more
 * records ({@link DETECT_RECORDS}) into the same number of fields, more than
 * one, on every sampled record (separators and line breaks inside double
 * quotes do not count). Of those, the one giving the most fields wins, ties
 * in the order `,` `;` tab `|`; when no candidate is consistent, `,`.
 *
 * `complete` says whether `head` is the whole file; if not, its last record
 * may be cut and is ignored (unless it is the only one). The candidates and
 * the quote are ASCII, which never occurs inside a multi-byte UTF-8
 * sequence, so bytes are scanned without decoding (a BOM is no separator).
 */
export function detectSeparator(head: Uint8Array, complete: boolean): string {
  let best = ",";
  let bestFields = 0;
  for (const sep of SEPARATOR_CANDIDATES) {
    const counts = fieldCounts(head, sep.charCodeAt(0), complete);
    if (counts.length === 0) continue;
    const n = counts[0];
    if (n > 1 && counts.every((c) => c === n) && n > bestFields) {
      best = sep;
      bestFields = n;
    }
  }
  return best;
}

/** Fields per record for separator byte `sep`, over at most {@link DETECT_RECORDS} records. */
function fieldCounts(head: Uint8Array, sep: number, complete: boolean): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let empty = true; // nothing since the last record ended
  for (let i = 0; i < head.length && counts.length < DETECT_RECORDS; i++) {
    const b = head[i];
    if (b === QUOTE) {
      quoted = !quoted;
      empty = false;
    } else if (quoted) continue;
    else if (b === sep) {
      fields++;
      empty = false;
    } else if (b === LF) {
      counts.push(fields);
      fields = 1;
      empty = true;
    } else if (b !== CR) empty = false;
  }
  if (counts.length < DETECT_RECORDS && !empty && (complete || counts.length === 0)) {
    counts.push(fields);
  }
  return counts;
}

/** A record whose field count differs from the header's. */
export class RaggedRowError extends InputError {
  override name = "RaggedRowError";
  /** Fields in the header. */
  readonly expected: number;
  /** Fields in this record. */
  readonly got: number;
  constructor(file: string, line: number, expected: number, got: number) {
    super(
      `record has ${got} field${got === 1 ? "" : "s"}, the header has ${expected}`,
      { file, line, col: Math.min(expected, got) + 1 },
    );
    this.expected = expected;
    this.got = got;
  }
}

/** Byte input: a stream or any async iterable of chunks. */
export type ByteChunks = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Parse CSV bytes: yields one {@link CsvHeader}, then {@link CsvRows} batches.
 * Throws {@link InputError} (or {@link RaggedRowError}) on the first problem;
 * stopping early cancels the source.
 */
export async function* parseCsv(
  source: ByteChunks,
  options: CsvOptions,
): AsyncGenerator<CsvEvent, void, undefined> {
  const file = options.file;
  const batchRows = options.batchRows ?? 4096;
  const decoder = new StrictUtf8(file);
  const separator = options.separator ?? ",";
  const sepProblem = separatorProblem(separator);
  if (sepProblem) throw new RangeError(`separator ${JSON.stringify(separator)}: ${sepProblem}`);
  const parser = new RecordParser(
    file,
    options.maxRecordChars ?? 16 * 1024 * 1024,
    separator.charCodeAt(0),
  );
  let header: string[] | undefined;
  let rows: string[][] = [];
  let lines: number[] = [];

  // Moves parsed records into the batch; returns events ready to yield.
  const collect = (): CsvEvent[] => {
    const events: CsvEvent[] = [];
    const out = parser.take();
    for (let i = 0; i < out.fields.length; i++) {
      const fields = out.fields[i];
      const line = out.lines[i];
      if (header === undefined) {
        header = checkHeader(fields, file, line);
        events.push({ kind: "header", names: header, line });
        continue;
      }
      if (fields.length !== header.length) {
        throw new RaggedRowError(file, line, header.length, fields.length);
      }
      rows.push(fields);
      lines.push(line);
      if (rows.length >= batchRows) {
        events.push({ kind: "rows", rows, lines });
        rows = [];
        lines = [];
      }
    }
    return events;
  };

  for await (const chunk of source) {
    parser.feed(decoder.decode(chunk, false));
    yield* collect();
  }
  parser.feed(decoder.decode(new Uint8Array(0), true));
  parser.finish();
  yield* collect();
  if (header === undefined) {
    throw new InputError("the file is empty: a header row is required", { file, line: 1, col: 1 });
  }
  if (rows.length > 0) yield { kind: "rows", rows, lines };
}

/** Read a CSV file as a byte stream (closed when fully read or cancelled). */
export async function openCsvFile(path: string): Promise<ReadableStream<Uint8Array>> {
  const f = await Deno.open(path, { read: true });
  return f.readable;
}

function checkHeader(names: string[], file: string, line: number): string[] {
  // Before anything is done per column: wide input costs time and memory per column.
  const wide = columnCountProblem(names.length);
  if (wide) throw new InputError(`the header ${wide}`, { file, line, col: MAX_COLUMNS + 1 });
  // Empty and repeated names are the caller's to judge: ingest derives identifiers from them.
  names = names.map((n) => (n === QUOTED_EMPTY ? "" : n));
  return names;
}

// ---------------------------------------------------------------- UTF-8

/**
 * Strict streaming UTF-8 decoding with error positions. Each chunk is cut at
 * the last complete character (an incomplete tail waits for the next chunk),
 * then decoded with a fatal decoder; only on failure is the chunk scanned to
 * find the exact byte.
 */
class StrictUtf8 {
  #file: string;
  #carry = new Uint8Array(0);
  #line = 1;
  /** Characters already on the current line. */
  #col = 0;
  #started = false;
  #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  constructor(file: string) {
    this.#file = file;
  }

  decode(chunk: Uint8Array, final: boolean): string {
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry);
      bytes.set(chunk, this.#carry.length);
    }
    const cut = final ? bytes.length : completePrefix(bytes);
    const body = bytes.subarray(0, cut);
    this.#carry = bytes.slice(cut);
    let text: string;
    try {
      text = this.#decoder.decode(body);
    } catch {
      throw this.#errorAt(body);
    }
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lf = text.lastIndexOf("\n");
    if (lf >= 0) {
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.#line++;
      this.#col = text.length - lf - 1;
    } else {
      this.#col += text.length;
    }
    return text;
  }

  #errorAt(body: Uint8Array): InputError {
    const off = Math.max(0, firstInvalidUtf8(body));
    let line = this.#line;
    let lineStart = 0;
    for (let i = 0; i < off; i++) {
      if (body[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    let before = new TextDecoder("utf-8", { ignoreBOM: true }).decode(body.subarray(lineStart, off))
      .length;
    // A leading BOM is dropped from the text, so it takes no column.
    if (
      !this.#started && lineStart === 0 && off >= 3 && body[0] === 0xef && body[1] === 0xbb &&
      body[2] === 0xbf
    ) {
      before -= 1;
    }
    const col = (lineStart === 0 ? this.#col : 0) + before + 1;
    const hex = body.length > off ? body[off].toString(16).padStart(2, "0") : "end of file";
    return new InputError(
      `invalid UTF-8 (byte 0x${hex}); the file must be UTF-8 encoded`,
      { file: this.#file, line, col },
    );
  }
}

/** Length of the prefix of `bytes` that ends on a character boundary. */
function completePrefix(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    if (b < 0xc0) return n; // ASCII
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return n - i < need ? i : n;
  }
  return n;
}

/**
 * Offset of the first byte of the first invalid or truncated UTF-8 sequence,
 * or -1. Follows the WHATWG decoder (no overlongs, surrogates or > U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated at the end
    const b1 = bytes[i + 1];
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const bk = bytes[i + k];
      if (bk < 0x80 || bk > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

// ---------------------------------------------------------------- records

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A quoted empty field (`""`) as emitted by the parser. An unquoted empty
 * field is `""` (null); a quoted one is this marker, which consumers read as
 * the empty string in string columns (PostgreSQL's CSV convention). A lone
 * surrogate can never come out of strict UTF-8 decoding, so it cannot clash
 * with data.
 */
export const QUOTED_EMPTY = "\uD800";

// Parser states.
const START = 0; // at the start of a field
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // just after a quote inside a quoted field
const AFTER_CR = 4; // after a CR that must be followed by LF

/** Character-level CSV state machine over decoded text chunks. */
class RecordParser {
  #file: string;
  #maxChars: number;
  /** The separator's code unit. */
  #sep: number;
  #state = START;
  #fields: string[] = [];
  #partial = "";
  #inRecord = false;
  #recordLine = 1;
  #recordChars = 0;
  #line = 1;
  /** Characters on the current line before this chunk. */
  #colBase = 0;
  /** Index of the last LF in the current chunk, or a virtual one before it. */
  #lfAt = -1;
  #quoteLine = 0;
  #quoteCol = 0;
  #outFields: string[][] = [];
  #outLines: number[] = [];

  constructor(file: string, maxChars: number, sep: number) {
    this.#file = file;
    this.#maxChars = maxChars;
    this.#sep = sep;
  }

  /** Completed records since the last call. */
  take(): { fields: string[][]; lines: number[] } {
    const out = { fields: this.#outFields, lines: this.#outLines };
    this.#outFields = [];
    this.#outLines = [];
    return out;
  }

  feed(text: string): void {
    const n = text.length;
    const SEP = this.#sep;
    this.#lfAt = -1 - this.#colBase;
    let segStart = 0;
    let i = 0;
    while (i < n) {
      switch (this.#state) {
        case START: {
          if (!this.#inRecord) {
            this.#inRecord = true;
            this.#recordLine = this.#line;
            this.#recordChars = 0;
          }
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.#state = QUOTED;
            this.#quoteLine = this.#line;
            this.#quoteCol = i - this.#lfAt;
            segStart = i + 1;
          } else if (c === SEP) {
            this.#push("");
          } else if (c === LF) {
            this.#push("");
            this.#endRecord();
            this.#newLine(i);
          } else if (c === CR) {
            this.#push("");
            this.#state = AFTER_CR;
          } else {
            this.#state = UNQUOTED;
            segStart = i;
          }
          i++;
          break;
        }
        case UNQUOTED: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = text.charCodeAt(j);
            if (c === SEP || c === LF || c === CR || c === QUOTE) break;
          }
          if (j === n) {
            i = n;
            break;
          }
          if (c === QUOTE) {
            throw this.#error(
              'a quote (") inside an unquoted field; quote the whole field and double inner quotes',
              j,
            );
          }
          const value = this.#partial + text.slice(segStart, j);
          this.#partial = "";
          this.#push(value);
          if (c === SEP) {
            this.#state = START;
          } else if (c === LF) {
            this.#endRecord();
            this.#newLine(j);
            this.#state = START;
          } else {
            this.#state = AFTER_CR;
          }
          i = j + 1;
          break;
        }
        case QUOTED: {
          let j = i;
          for (; j < n; j++) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) break;
            if (c === LF) this.#newLine(j);
          }
          if (j === n) {
            i = n;
            break;
          }
          this.#partial += text.slice(segStart, j);
          this.#state = QUOTE_SEEN;
          i = j + 1;
          break;
        }
        case QUOTE_SEEN: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.#partial += '"';
            this.#state = QUOTED;
            segStart = i + 1;
          } else if (c === SEP || c === LF || c === CR) {
            this.#push(this.#partial === "" ? QUOTED_EMPTY : this.#partial);
            this.#partial = "";
            if (c === SEP) this.#state = START;
            else if (c === CR) this.#state = AFTER_CR;
            else {
              this.#endRecord();
              this.#newLine(i);
              this.#state = START;
            }
          } else {
            throw this.#error(
              `unexpected character after a closing quote (expected ${
                SEP === 0x2c
                  ? "a comma"
                  : `the separator ${separatorName(String.fromCharCode(SEP))}`
              } or a line end)`,
              i,
            );
          }
          i++;
          break;
        }
        case AFTER_CR: {
          if (text.charCodeAt(i) !== LF) {
            throw this.#error("a carriage return (CR) not followed by a line feed (LF)", i - 1);
          }
          this.#endRecord();
          this.#newLine(i);
          this.#state = START;
          i++;
          break;
        }
      }
    }
    if (this.#state === UNQUOTED || this.#state === QUOTED) {
      this.#partial += text.slice(segStart, n);
    }
    this.#colBase = n - 1 - this.#lfAt;
    if (this.#inRecord && this.#recordChars + this.#partial.length > this.#maxChars) {
      const hint = this.#state === QUOTED
        ? `; is the quote opened at line ${this.#quoteLine} column ${this.#quoteCol} closed?`
        : "";
      throw new InputError(
        `record is longer than ${this.#maxChars} characters${hint}`,
        { file: this.#file, line: this.#recordLine, col: 1 },
      );
    }
  }

  finish(): void {
    switch (this.#state) {
      case START:
        if (this.#inRecord) {
          this.#push(""); // the record ended with a separator
          this.#endRecord();
        }
        break;
      case UNQUOTED:
      case QUOTE_SEEN:
        this.#push(
          this.#state === QUOTE_SEEN && this.#partial === "" ? QUOTED_EMPTY : this.#partial,
        );
        this.#partial = "";
        this.#endRecord();
        break;
      case QUOTED:
        throw new InputError(
          "a quoted field is not closed before the end of the file",
          { file: this.#file, line: this.#quoteLine, col: this.#quoteCol },
        );
      case AFTER_CR:
        throw new InputError(
          "a carriage return (CR) not followed by a line feed (LF)",
          { file: this.#file, line: this.#line, col: this.#colBase },
        );
    }
    this.#state = START;
  }

  #push(value: string): void {
    this.#fields.push(value);
    this.#recordChars += value.length + 1;
  }

  #endRecord(): void {
    this.#outFields.push(this.#fields);
    this.#outLines.push(this.#recordLine);
    this.#fields = [];
    this.#inRecord = false;
  }

  #newLine(index: number): void {
    this.#line++;
    this.#lfAt = index;
  }

  #error(message: string, index: number): InputError {
    return new InputError(message, { file: this.#file, line: this.#line, col: index - this.#lfAt });
  }
}
