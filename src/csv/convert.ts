/**
 * CSV records -> sdp {@link Chunk}s.
 *
 * Columns are typed by a declared schema or by {@link inferCsvColumns} (a
 * first pass over the whole file); values are parsed with the rules of
 * `infer.ts`. Every chunk holds `chunkRows` rows (the last one fewer) and
 * lists its columns in lexicographic name order, as every sdp stage expects.
 *
 * @module
 */

import {
  type Chunk,
  CHUNK_ROWS,
  type ColumnType,
  type ColumnValues,
  compareNames,
} from "../data/mod.ts";
import { InputError } from "../errors.ts";
import { type CsvEvent, QUOTED_EMPTY } from "./read.ts";
import {
  DEFAULT_NULLS,
  type InferredColumn,
  inferredColumns,
  observeRows,
  parseValue,
  startInference,
  tokenLength,
} from "./infer.ts";

/** A column to read: its name in the header and its type. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** When false, an empty field is an error. Default true. */
  nullable?: boolean;
}

/** Options for {@link csvToChunks} and {@link inferCsvColumns}. */
export interface ConvertOptions {
  /** File name for messages. */
  file: string;
  /** Rows per chunk; default {@link CHUNK_ROWS} (part of the format contract). */
  chunkRows?: number;
  /**
   * Null tokens for non-string columns (see infer.ts); default
   * `DEFAULT_NULL_TOKENS` of infer.ts. The unquoted empty field is always null.
   */
  nullValues?: readonly string[];
  /** The null tokens are null in string columns too (R's `NA`, pandas' `NaN` for missing text). */
  nullsInStrings?: boolean;
}

/** The null-token set of `options`. */
function nullSet(options: ConvertOptions): ReadonlySet<string> {
  return options.nullValues === undefined ? DEFAULT_NULLS : new Set(options.nullValues);
}

/** A field that does not parse as its column's type (or is empty when not nullable). */
export class ValueError extends InputError {
  override name = "ValueError";
  /** Column name. */
  readonly column: string;
  /** The field text. */
  readonly value: string;
  /** The column's type. */
  readonly type: ColumnType;
  constructor(
    loc: { file: string; line: number; col: number },
    column: string,
    value: string,
    type: ColumnType,
    reason: string,
  ) {
    const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
    super(`column "${column}" (${type}): ${JSON.stringify(shown)}: ${reason}`, loc);
    this.column = column;
    this.value = value;
    this.type = type;
  }
}

/** First pass: infer column types from every record of a parsed CSV. */
export async function inferCsvColumns(
  events: AsyncIterable<CsvEvent>,
  options: ConvertOptions,
): Promise<InferredColumn[]> {
  let state: ReturnType<typeof startInference> | undefined;
  for await (const ev of events) {
    if (ev.kind === "header") {
      state = startInference(ev.names, nullSet(options), {
        stringNulls: options.nullsInStrings === true,
      });
    } else if (state) observeRows(state, ev.rows);
  }
  if (state === undefined) {
    throw new InputError("no header row", { file: options.file, line: 1, col: 1 });
  }
  return inferredColumns(state);
}

/**
 * Second pass: parse every field with its column's type and yield chunks.
 * The header must hold exactly the declared columns (any order).
 */
export async function* csvToChunks(
  events: AsyncIterable<CsvEvent>,
  columns: readonly ColumnSpec[],
  options: ConvertOptions,
): AsyncGenerator<Chunk, void, undefined> {
  let builder: ChunkBuilder | undefined;
  for await (const ev of events) {
    if (ev.kind === "header") {
      builder = startChunks(ev.names, columns, { ...options, headerLine: ev.line });
      continue;
    }
    if (builder === undefined) continue;
    yield* addRows(builder, ev.rows, ev.lines);
  }
  if (builder === undefined) {
    throw new InputError("no header row", { file: options.file, line: 1, col: 1 });
  }
  const last = finishChunks(builder);
  if (last !== null) yield last;
}

/** Accumulates parsed rows into fixed-size chunks. */
export interface ChunkBuilder {
  file: string;
  chunkRows: number;
  /** Header position -> column spec. */
  specs: ColumnSpec[];
  /** Header positions in lexicographic name order. */
  order: number[];
  cols: ColumnValues[];
  hasNull: boolean[];
  rows: number;
  /** Rows the column arrays hold now: they grow up to chunkRows as rows arrive. */
  capacity: number;
  index: number;
  /** Null tokens for non-string columns. */
  nulls: ReadonlySet<string>;
  /** The tokens are null in string columns too. */
  stringNulls: boolean;
  /** Per column: exact int64 values, allocated at the chunk's first integer beyond ±2^53. */
  exact: (BigInt64Array | undefined)[];
}

/**
 * Rows allocated per column when a chunk starts. Allocating chunkRows up front
 * would cost 64 Ki x 9 bytes per column even for a three-row file (5.6 GB at
 * 10,000 columns); growing by doubling keeps memory proportional to the data.
 */
const FIRST_CAPACITY = 1024;

/**
 * Match a header against the declared columns and start building chunks.
 * Throws {@link InputError} for an undeclared or missing column.
 */
function startChunks(
  header: readonly string[],
  columns: readonly ColumnSpec[],
  options: ConvertOptions & { headerLine?: number },
): ChunkBuilder {
  const file = options.file;
  const line = options.headerLine ?? 1;
  const byName = new Map(columns.map((c) => [c.name, c]));
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        `column name "${name}" appears twice (columns ${first} and ${i + 1})`,
        { file, line, col: i + 1 },
      );
    }
    seen.set(name, i + 1);
  });
  const specs = header.map((name, i) => {
    const spec = byName.get(name);
    if (spec === undefined) {
      throw new InputError(`column "${name}" is not declared in the schema`, {
        file,
        line,
        col: i + 1,
      });
    }
    return spec;
  });
  const inHeader = new Set(header);
  const missing = columns.filter((c) => !inHeader.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new InputError(`the header lacks declared column(s): ${missing.join(", ")}`, {
      file,
      line,
      col: 1,
    });
  }
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const order = header.map((_, i) => i).sort((a, b) => compareNames(header[a], header[b]));
  const b: ChunkBuilder = {
    file,
    chunkRows,
    specs,
    order,
    cols: [],
    hasNull: [],
    rows: 0,
    capacity: 0,
    index: 0,
    nulls: nullSet(options),
    stringNulls: options.nullsInStrings === true,
    exact: [],
  };
  resetColumns(b);
  return b;
}

/** Add parsed rows (with their line numbers); returns the chunks completed. */
function addRows(
  b: ChunkBuilder,
  rows: readonly (readonly string[])[],
  lines: readonly number[],
): Chunk[] {
  const done: Chunk[] = [];
  const n = b.specs.length;
  const maxToken = tokenLength(b.nulls);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const at = b.rows;
    if (at === b.capacity) growColumns(b);
    for (let c = 0; c < n; c++) {
      const spec = b.specs[c];
      const text = row[c];
      const col = b.cols[c];
      if (
        text === "" ||
        (spec.type !== "string" &&
          (text === QUOTED_EMPTY || (text.length <= maxToken && b.nulls.has(text)))) ||
        (spec.type === "string" && b.stringNulls && text.length <= maxToken &&
          b.nulls.has(text))
      ) {
        if (spec.nullable === false) {
          throw new ValueError(
            { file: b.file, line: lines[r], col: c + 1 },
            spec.name,
            text,
            spec.type,
            text === "" || text === QUOTED_EMPTY
              ? "empty, but the column is not nullable"
              : "a null token, but the column is not nullable",
          );
        }
        b.hasNull[c] = true;
        (col.valid as Uint8Array)[at] = 0;
        continue;
      }
      const parsed = parseValue(text, spec.type, b.nulls);
      if (!parsed.ok) {
        throw new ValueError(
          { file: b.file, line: lines[r], col: c + 1 },
          spec.name,
          text,
          spec.type,
          parsed.reason,
        );
      }
      const v = parsed.value;
      if (col.type === "string") col.values[at] = v as string;
      else if (col.type === "boolean") col.values[at] = v ? 1 : 0;
      else if (typeof v === "bigint") setExact(b, c, at, v);
      else {
        col.values[at] = v as number;
        const exact = b.exact[c];
        if (exact !== undefined) exact[at] = BigInt(v as number);
      }
    }
    b.rows++;
    if (b.rows === b.chunkRows) done.push(emit(b));
  }
  return done;
}

/** The last, partial chunk, or null when the rows filled whole chunks. */
function finishChunks(b: ChunkBuilder): Chunk | null {
  return b.rows > 0 ? emit(b) : null;
}

function emit(b: ChunkBuilder): Chunk {
  const rows = b.rows;
  const columns = new Map<string, ColumnValues>();
  for (const c of b.order) {
    const col = b.cols[c];
    // Validity bytes are kept only when the chunk has a null in that column.
    const valid = b.hasNull[c] ? (col.valid as Uint8Array).slice(0, rows) : null;
    let out: ColumnValues;
    if (col.type === "string") out = { type: "string", values: col.values.slice(0, rows), valid };
    else if (col.type === "boolean") {
      out = { type: "boolean", values: col.values.slice(0, rows), valid };
    } else {
      out = { type: col.type, values: col.values.slice(0, rows), valid };
      const exact = b.exact[c];
      if (exact !== undefined) out.exact = exact.slice(0, rows);
    }
    columns.set(b.specs[c].name, out);
  }
  const chunk: Chunk = { index: b.index, start: b.index * b.chunkRows, rows, columns };
  b.index++;
  b.rows = 0;
  resetColumns(b);
  return chunk;
}

function resetColumns(b: ChunkBuilder): void {
  const n = Math.min(b.chunkRows, FIRST_CAPACITY);
  b.capacity = n;
  b.cols = b.specs.map((s): ColumnValues => {
    // Validity starts all-present; only null rows are written.
    const valid = new Uint8Array(n).fill(1);
    switch (s.type) {
      case "string":
        return { type: "string", values: new Array<string>(n).fill(""), valid };
      case "boolean":
        return { type: "boolean", values: new Uint8Array(n), valid };
      default:
        return { type: s.type, values: new Float64Array(n), valid };
    }
  });
  b.hasNull = b.specs.map(() => false);
  b.exact = b.specs.map(() => undefined);
}

/**
 * Store an integer beyond ±2^53 at row `at` of column `c`: its nearest
 * float64 in `values`, its exact value in the column's `exact` array, which
 * is created with the exact values of the chunk's earlier rows.
 */
function setExact(b: ChunkBuilder, c: number, at: number, v: bigint): void {
  const col = b.cols[c] as { values: Float64Array };
  col.values[at] = Number(v);
  let exact = b.exact[c];
  if (exact === undefined) {
    exact = new BigInt64Array(b.capacity);
    for (let i = 0; i < at; i++) exact[i] = BigInt(col.values[i]);
    b.exact[c] = exact;
  }
  exact[at] = v;
}

/** Double the column arrays (up to chunkRows), keeping the rows so far. */
function growColumns(b: ChunkBuilder): void {
  const n = Math.min(b.chunkRows, b.capacity * 2);
  const grown = <A extends Uint8Array | Float64Array>(a: A, make: (n: number) => A): A => {
    const out = make(n);
    out.set(a);
    return out;
  };
  b.exact = b.exact.map((e) => {
    if (e === undefined) return undefined;
    const out = new BigInt64Array(n);
    out.set(e);
    return out;
  });
  b.cols = b.cols.map((col): ColumnValues => {
    const valid = grown(col.valid as Uint8Array, (k) => new Uint8Array(k).fill(1));
    switch (col.type) {
      case "string": {
        const values = col.values;
        for (let i = values.length; i < n; i++) values.push("");
        return { type: "string", values, valid };
      }
      case "boolean":
        return { type: "boolean", values: grown(col.values, (k) => new Uint8Array(k)), valid };
      default:
        return { type: col.type, values: grown(col.values, (k) => new Float64Array(k)), valid };
    }
  });
  b.capacity = n;
}
