/**
 * Reading a user's Parquet file for `sdp ingest`.
 *
 * Type mapping (Arrow type as read by parquet-wasm -> sdp type):
 * - Utf8, LargeUtf8, Dictionary of Utf8/LargeUtf8   -> string
 * - Int8..Int64, UInt8..UInt64                       -> integer (values must be
 *   within ±(2^53 − 1), exact in float64, or the file is rejected)
 * - Float16/32/64                                    -> float (finite values only:
 *   NaN and ±Infinity are rejected; store missing values as nulls)
 * - Decimal (DECIMAL on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY;
 *   Arrow Decimal128/256)                            -> float, the nearest
 *   float64 to the exact decimal (noted: digits beyond about 15-17
 *   significant ones are rounded)
 * - Bool                                             -> boolean
 * - Timestamp (any unit, any zone), Date32, Date64   -> datetime, UTC epoch
 *   milliseconds; digits beyond milliseconds are dropped (floor toward the
 *   past), the rule for CSV text too. A timestamp without a time zone
 *   (Parquet `isAdjustedToUTC = false`, "naive") is read as UTC (noted).
 * - anything else (binary, time of day, intervals, lists, structs, ...) is an
 *   {@link InputError} naming the column and its type.
 *
 * A declared integer column may be read into a float column (exact widening);
 * no other type change is accepted.
 *
 * The file is read one row group at a time in record batches, and re-cut into
 * {@link CHUNK_ROWS}-row chunks, so memory stays bounded by a row group and a
 * chunk whatever the file's size, and the output does not depend on how the
 * input was laid out.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import {
  type Chunk,
  CHUNK_ROWS,
  type ColumnType,
  type ColumnValues,
  compareNames,
} from "../data/mod.ts";
import { InputError } from "../errors.ts";
import type { ByteSource } from "../io/mod.ts";
import { columnCountProblem } from "../limits.ts";
import {
  checkParquetLayout,
  CorruptParquetError,
  guardEngine,
  isEnginePanic,
  parquetFileFrom,
  type ParquetLayout,
} from "../parquet/mod.ts";

/** A column found in the Parquet file. */
export interface ParquetInputColumn {
  name: string;
  /** The sdp type its Arrow type maps to. */
  type: ColumnType;
  /** The Arrow type, for messages. */
  arrowType: string;
  /** What was decided about the type, when the user should know (decimal, naive timestamp). */
  note?: string;
}

/** A column to produce: name, sdp type, nullability. */
export interface TargetColumn {
  name: string;
  /** The file's name for the column, when it is not `name`. */
  sourceName?: string;
  type: ColumnType;
  nullable: boolean;
}

function notParquet(file: string, why: string): InputError {
  return new InputError(`${file}: not a readable Parquet file: ${why}`);
}

/**
 * Open a Parquet file; a clear {@link InputError} when it is not one, is
 * truncated, or any footer offset, size, count or page header is wrong (all
 * checked before parquet-wasm reads it, see src/parquet/layout.ts).
 */
export async function openParquetInput(
  src: ByteSource,
  file: string,
): Promise<pw.ParquetFile> {
  let layout: ParquetLayout;
  try {
    layout = await checkParquetLayout(src);
  } catch (err) {
    if (err instanceof CorruptParquetError) throw notParquet(file, err.message);
    throw err;
  }
  // Before the engine or the page walk spends anything per column.
  const wide = columnCountProblem(layout.leaves);
  if (wide) throw new InputError(`${file}: the file ${wide}`);
  try {
    return await parquetFileFrom(src, { pages: true });
  } catch (err) {
    if (err instanceof CorruptParquetError) throw notParquet(file, err.message);
    throw notParquet(file, `its footer cannot be decoded (${errorText(err)}); truncated?`);
  }
}

/** A synchronous parquet-wasm call; an engine panic is an InputError naming the file. */
function engineCall<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isEnginePanic(err)) {
      throw notParquet(file, `the Parquet engine failed while ${what} (${errorText(err)})`);
    }
    throw err;
  }
}

function errorText(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.replace(/\s+/g, " ").slice(0, 200);
}

/** Map an Arrow type to an sdp type, or undefined when sdp has no such type. */
function sdpTypeOf(t: arrow.DataType): ColumnType | undefined {
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t)) return "string";
  if (arrow.DataType.isDictionary(t)) {
    const v = (t as arrow.Dictionary).dictionary;
    return arrow.DataType.isUtf8(v) || arrow.DataType.isLargeUtf8(v) ? "string" : undefined;
  }
  if (arrow.DataType.isInt(t)) return "integer";
  if (arrow.DataType.isFloat(t) || arrow.DataType.isDecimal(t)) return "float";
  if (arrow.DataType.isBool(t)) return "boolean";
  if (arrow.DataType.isTimestamp(t)) return "datetime";
  if (arrow.DataType.isDate(t)) return "date";
  return undefined;
}

/** The file's columns (file order), each mapped to an sdp type; throws for unsupported types. */
export function parquetColumns(pf: pw.ParquetFile, file: string): ParquetInputColumn[] {
  let fields: arrow.Field[];
  try {
    fields = engineCall(
      file,
      "reading the schema",
      () => arrow.tableFromIPC(pf.schema().intoIPCStream()).schema.fields,
    );
  } catch (err) {
    throw notParquet(file, `its schema cannot be read (${errorText(err)})`);
  }
  const seen = new Set<string>();
  return fields.map((f) => {
    if (seen.has(f.name)) throw new InputError(`${file}: column "${f.name}" appears twice`);
    seen.add(f.name);
    const type = sdpTypeOf(f.type);
    if (type === undefined) {
      throw new InputError(
        `${file}: column "${f.name}" has Parquet/Arrow type ${String(f.type)}, which sdp cannot ` +
          `ingest; supported: strings, integers, floats, decimals, booleans, timestamps and dates. ` +
          `Convert or drop the column`,
      );
    }
    return { name: f.name, type, arrowType: String(f.type), ...noteOf(f.type) };
  });
}

function noteOf(t: arrow.DataType): { note?: string } {
  if (arrow.DataType.isDecimal(t)) {
    const d = t as arrow.Decimal;
    return { note: `DECIMAL(${d.precision},${d.scale}) read as float` };
  }
  if (arrow.DataType.isTimestamp(t) && !(t as arrow.Timestamp).timezone) {
    return { note: "naive TIMESTAMP read as UTC" };
  }
  return {};
}

/** Total rows stated by the footer. */
export function parquetRows(pf: pw.ParquetFile, file: string): number {
  return engineCall(file, "reading the footer", () => pf.metadata().fileMetadata().numRows());
}

/**
 * Check that the file's columns can be read as `targets` (same names; types
 * equal, or integer into float). Throws {@link InputError} naming the column.
 */
export function matchColumns(
  found: readonly ParquetInputColumn[],
  targets: readonly TargetColumn[],
  file: string,
  schemaName: string,
): void {
  const byName = new Map(found.map((c) => [c.name, c]));
  const declared = new Set(targets.map((c) => c.name));
  for (const c of found) {
    if (!declared.has(c.name)) {
      throw new InputError(`${file}: column "${c.name}" is not declared in ${schemaName}`);
    }
  }
  const missing = targets.filter((t) => !byName.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new InputError(
      `${file}: lacks column(s) declared in ${schemaName}: ${missing.join(", ")}`,
    );
  }
  for (const t of targets) {
    const c = byName.get(t.name)!;
    if (c.type !== t.type && !widens(c.type, t.type)) {
      throw new InputError(
        `${file}: column "${t.name}" is ${c.arrowType} (sdp ${c.type}) in the file, but ` +
          `${schemaName} declares ${t.type}`,
      );
    }
  }
}

/**
 * File types readable as another declared type: integers as floats, dates as
 * datetimes (UTC midnight; versions ingested before sdp had a date type
 * declared their DATE columns datetime).
 */
function widens(found: ColumnType, declared: ColumnType): boolean {
  return (found === "integer" && declared === "float") ||
    (found === "date" && declared === "datetime");
}

/** Null counts seen while reading, per column. */
export type NullCounts = Map<string, number>;

/**
 * Stream the file as sdp chunks of `chunkRows` rows (the last one shorter),
 * columns converted to `targets` (sorted by name). Values that sdp cannot
 * hold exactly, and nulls in non-nullable targets, are {@link InputError}s
 * naming the column and the 1-based row.
 */
export async function* parquetToChunks(
  pf: pw.ParquetFile,
  targets: readonly TargetColumn[],
  options: { file: string; chunkRows?: number; nulls?: NullCounts },
): AsyncGenerator<Chunk, void, undefined> {
  const file = options.file;
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const sorted = [...targets].sort((a, b) => compareNames(a.name, b.name));
  const builder = new Rechunker(sorted, chunkRows);
  const groups = engineCall(file, "reading the footer", () => pf.metadata().numRowGroups());
  let rowBase = 0;
  for (let g = 0; g < groups; g++) {
    let stream;
    try {
      stream = await guardEngine(`opening row group ${g}`, () =>
        pf.stream({
          rowGroups: [g],
          batchSize: chunkRows,
          columns: sorted.map((c) => c.sourceName ?? c.name),
        }));
    } catch (err) {
      throw notParquet(file, `row group ${g} cannot be read (${errorText(err)})`);
    }
    const it = (stream as unknown as AsyncIterable<pw.RecordBatch>)[Symbol.asyncIterator]();
    for (;;) {
      let next;
      try {
        next = await guardEngine(`decoding row group ${g}`, () => it.next());
      } catch (err) {
        throw notParquet(file, `row group ${g} cannot be decoded (${errorText(err)})`);
      }
      if (next.done) break;
      const batch = next.value;
      const table = engineCall(
        file,
        `decoding row group ${g}`,
        () => arrow.tableFromIPC(batch.intoIPCStream()),
      );
      const n = table.numRows;
      const cols = sorted.map((t) => {
        const vec = table.getChild(t.sourceName ?? t.name);
        if (!vec) throw notParquet(file, `column "${t.name}" is missing from row group ${g}`);
        const values = convertVector(vec, t, { file, rowBase });
        if (options.nulls && values.valid) {
          let k = 0;
          for (let i = 0; i < n; i++) if (values.valid[i] === 0) k++;
          options.nulls.set(t.name, (options.nulls.get(t.name) ?? 0) + k);
        }
        return values;
      });
      yield* builder.add(cols, n);
      rowBase += n;
    }
  }
  const last = builder.finish();
  if (last) yield last;
}

interface Where {
  file: string;
  rowBase: number;
}

function valueError(w: Where, column: string, row: number, value: string, reason: string) {
  return new InputError(
    `${w.file}: row ${w.rowBase + row + 1}, column "${column}": ${value}: ${reason}`,
  );
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MAX = 2n ** 63n - 1n;

/** Convert one Arrow vector (a record batch column) to sdp values of `t.type`. */
function convertVector(vec: arrow.Vector, t: TargetColumn, w: Where): ColumnValues {
  const n = vec.length;
  const valid = new Uint8Array(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (vec.isValid(i)) valid[i] = 1;
    else {
      nulls++;
      if (!t.nullable) {
        throw valueError(w, t.name, i, "null", "the schema says nullable: false");
      }
    }
  }
  const v = nulls === 0 ? null : valid;
  switch (t.type) {
    case "string": {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = valid[i] ? String(vec.get(i)) : "";
      return { type: "string", values, valid: v };
    }
    case "boolean": {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) values[i] = valid[i] && vec.get(i) ? 1 : 0;
      return { type: "boolean", values, valid: v };
    }
    case "integer":
    case "float": {
      if (arrow.DataType.isDecimal(vec.type)) {
        return { type: t.type, values: decimals(vec, valid), valid: v };
      }
      const values = new Float64Array(n);
      // Exact int64 values, kept once a value is beyond ±2^53 (integer columns only).
      let exact: BigInt64Array | undefined;
      for (let i = 0; i < n; i++) {
        if (!valid[i]) continue;
        const x = vec.get(i) as number | bigint;
        if (typeof x === "bigint") {
          if (x > MAX || x < -MAX) {
            if (t.type === "float" || x > INT64_MAX) {
              throw valueError(
                w,
                t.name,
                i,
                String(x),
                t.type === "float"
                  ? "beyond ±9007199254740991, which a float cannot hold exactly"
                  : "beyond 9223372036854775807, the int64 range of sdp integers",
              );
            }
            if (exact === undefined) {
              exact = new BigInt64Array(n);
              for (let j = 0; j < i; j++) exact[j] = BigInt(values[j]);
            }
          }
          if (exact !== undefined) exact[i] = x;
          values[i] = Number(x);
        } else {
          if (!Number.isFinite(x)) {
            throw valueError(
              w,
              t.name,
              i,
              String(x),
              "not a finite number; sdp floats are finite (store missing values as nulls)",
            );
          }
          values[i] = x === 0 ? 0 : x;
          if (exact !== undefined) exact[i] = BigInt(values[i]);
        }
      }
      return exact === undefined
        ? { type: t.type, values, valid: v }
        : { type: t.type, values, valid: v, exact };
    }
    case "datetime":
      return { type: "datetime", values: datetimes(vec, t, w, valid), valid: v };
    case "date":
      return { type: "date", values: dates(vec, t, w, valid), valid: v };
  }
}

/** Whole days since 1970-01-01 of a Date32 or Date64 column (the only types mapped to date). */
function dates(vec: arrow.Vector, t: TargetColumn, w: Where, valid: Uint8Array): Float64Array {
  const ms = datetimes(vec, t, w, valid);
  const out = new Float64Array(ms.length);
  for (let i = 0; i < ms.length; i++) {
    const d = ms[i] / 86_400_000;
    if (!Number.isInteger(d)) {
      throw valueError(w, t.name, i, String(ms[i]), "is a Date64 value with a time of day");
    }
    out[i] = d === 0 ? 0 : d;
  }
  return out;
}

/**
 * Decimal values as the nearest float64: the exact decimal text through
 * `Number`, which rounds correctly (dividing a float by 10^scale would not).
 */
function decimals(vec: arrow.Vector, valid: Uint8Array): Float64Array {
  const type = vec.type as arrow.Decimal;
  const words = type.bitWidth / 32;
  const bits = BigInt(type.bitWidth);
  const out = new Float64Array(vec.length);
  let i = 0;
  for (const d of vec.data) {
    const raw = d.values as Uint32Array;
    for (let k = 0; k < d.length; k++, i++) {
      if (!valid[i]) continue;
      let x = 0n;
      const at = (d.offset + k) * words;
      for (let w = words - 1; w >= 0; w--) x = (x << 32n) | BigInt(raw[at + w]);
      if (x >> (bits - 1n)) x -= 1n << bits; // two's complement
      out[i] = decimalNumber(x, type.scale);
    }
  }
  return out;
}

/** The nearest float64 to `unscaled` x 10^-scale. */
function decimalNumber(unscaled: bigint, scale: number): number {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  let text: string;
  if (scale <= 0) text = digits + "0".repeat(-scale);
  else {
    digits = digits.padStart(scale + 1, "0");
    text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  const v = Number(neg ? `-${text}` : text);
  return v === 0 ? 0 : v;
}

const UNIT_NS: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1_000_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000n,
  [arrow.TimeUnit.NANOSECOND]: 1n,
};

function datetimes(vec: arrow.Vector, t: TargetColumn, w: Where, valid: Uint8Array): Float64Array {
  const n = vec.length;
  const out = new Float64Array(n);
  const type = vec.type as arrow.DataType;
  if (arrow.DataType.isTimestamp(type)) {
    // Raw integers in the file's unit: exact, unlike Arrow's float conversion.
    const unitNs = UNIT_NS[(type as arrow.Timestamp).unit];
    let i = 0;
    for (const d of vec.data) {
      const raw = d.values as BigInt64Array | Int32Array;
      for (let k = 0; k < d.length; k++, i++) {
        if (!valid[i]) continue;
        const x = BigInt(raw[d.offset + k]);
        let ms: bigint;
        if (unitNs >= 1_000_000n) ms = x * (unitNs / 1_000_000n);
        else {
          // Digits beyond milliseconds are dropped, floor toward the past, as for CSV text.
          const per = 1_000_000n / unitNs;
          ms = x / per;
          if (x % per < 0n) ms -= 1n;
        }
        if (ms > MAX || ms < -MAX) {
          throw valueError(w, t.name, i, `${x} (${String(type)})`, "is out of range");
        }
        out[i] = Number(ms);
      }
    }
    return out;
  }
  // Date32 (days) and Date64 (ms): Arrow returns whole milliseconds.
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const x = vec.get(i) as number | Date;
    const ms = typeof x === "number" ? x : x.getTime();
    if (!Number.isSafeInteger(ms)) {
      throw valueError(w, t.name, i, String(x), "is not a whole number of milliseconds");
    }
    out[i] = ms;
  }
  return out;
}

/** Re-cuts column batches of any length into chunks of exactly `chunkRows` rows. */
class Rechunker {
  #targets: readonly TargetColumn[];
  #chunkRows: number;
  #cols: ColumnValues[] = [];
  #hasNull: boolean[] = [];
  /** Per column: exact int64 values, from the chunk's first batch that has them. */
  #exact: (BigInt64Array | undefined)[] = [];
  #rows = 0;
  /** Rows the column arrays hold now; they grow up to chunkRows (see #reset). */
  #capacity = 0;
  #index = 0;

  constructor(targets: readonly TargetColumn[], chunkRows: number) {
    this.#targets = targets;
    this.#chunkRows = chunkRows;
    this.#reset();
  }

  *add(cols: ColumnValues[], n: number): Generator<Chunk> {
    let off = 0;
    while (off < n) {
      const k = Math.min(n - off, this.#chunkRows - this.#rows);
      if (this.#rows + k > this.#capacity) this.#grow(this.#rows + k);
      cols.forEach((src, c) => {
        const dst = this.#cols[c];
        if (dst.type === "string") {
          const s = src.values as string[];
          for (let i = 0; i < k; i++) dst.values[this.#rows + i] = s[off + i];
        } else {
          (dst.values as Float64Array | Uint8Array).set(
            (src.values as Float64Array | Uint8Array).subarray(off, off + k),
            this.#rows,
          );
          this.#copyExact(c, src, off, k);
        }
        if (src.valid) {
          (dst.valid as Uint8Array).set(src.valid.subarray(off, off + k), this.#rows);
          this.#hasNull[c] = true;
        }
      });
      this.#rows += k;
      off += k;
      if (this.#rows === this.#chunkRows) yield this.#emit();
    }
  }

  finish(): Chunk | null {
    return this.#rows > 0 ? this.#emit() : null;
  }

  #emit(): Chunk {
    const rows = this.#rows;
    const columns = new Map<string, ColumnValues>();
    this.#targets.forEach((t, c) => {
      const col = this.#cols[c];
      const valid = this.#hasNull[c] ? (col.valid as Uint8Array).slice(0, rows) : null;
      columns.set(
        t.name,
        col.type === "string"
          ? { type: "string", values: col.values.slice(0, rows), valid }
          : col.type === "boolean"
          ? { type: "boolean", values: col.values.slice(0, rows), valid }
          : this.#exact[c] !== undefined
          ? {
            type: col.type,
            values: col.values.slice(0, rows),
            valid,
            exact: this.#exact[c]!.slice(0, rows),
          }
          : { type: col.type, values: col.values.slice(0, rows), valid },
      );
    });
    const chunk: Chunk = {
      index: this.#index,
      start: this.#index * this.#chunkRows,
      rows,
      columns,
    };
    this.#index++;
    this.#rows = 0;
    this.#reset();
    return chunk;
  }

  /**
   * Keep exact int64 values of rows `[off, off + k)` of `src` at the current
   * rows, once any batch of the chunk had them (earlier rows are exact floats).
   */
  #copyExact(c: number, src: ColumnValues, off: number, k: number): void {
    const srcExact = "exact" in src ? src.exact : undefined;
    let dst = this.#exact[c];
    if (srcExact === undefined && dst === undefined) return;
    if (dst === undefined) {
      dst = new BigInt64Array(this.#capacity);
      const values = this.#cols[c].values as Float64Array;
      for (let i = 0; i < this.#rows; i++) dst[i] = BigInt(values[i]);
      this.#exact[c] = dst;
    }
    if (srcExact !== undefined) dst.set(srcExact.subarray(off, off + k), this.#rows);
    else {
      const values = src.values as Float64Array;
      for (let i = 0; i < k; i++) dst[this.#rows + i] = BigInt(values[off + i]);
    }
  }

  /** Grow the column arrays to hold at least `need` rows (doubling, at most chunkRows). */
  #grow(need: number): void {
    const n = Math.min(this.#chunkRows, Math.max(need, this.#capacity * 2));
    this.#exact = this.#exact.map((e) => {
      if (e === undefined) return undefined;
      const out = new BigInt64Array(n);
      out.set(e);
      return out;
    });
    this.#cols = this.#cols.map((col): ColumnValues => {
      const valid = new Uint8Array(n).fill(1);
      valid.set(col.valid as Uint8Array);
      if (col.type === "string") {
        const values = col.values;
        values.length = n;
        return { type: "string", values, valid };
      }
      if (col.type === "boolean") {
        const values = new Uint8Array(n);
        values.set(col.values);
        return { type: "boolean", values, valid };
      }
      const values = new Float64Array(n);
      values.set(col.values);
      return { type: col.type, values, valid };
    });
    this.#capacity = n;
  }

  // Columns start small: allocating chunkRows per column up front costs
  // 64 Ki x 9 bytes per column even for a file of three rows.
  #reset(): void {
    const n = Math.min(this.#chunkRows, 1024);
    this.#capacity = n;
    this.#cols = this.#targets.map((t): ColumnValues => {
      const valid = new Uint8Array(n).fill(1);
      if (t.type === "string") return { type: "string", values: new Array<string>(n), valid };
      if (t.type === "boolean") return { type: "boolean", values: new Uint8Array(n), valid };
      return { type: t.type, values: new Float64Array(n), valid };
    });
    this.#hasNull = this.#targets.map(() => false);
    this.#exact = this.#targets.map(() => undefined);
  }
}
