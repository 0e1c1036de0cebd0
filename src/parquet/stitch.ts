/**
 * Assemble one Parquet file from chunks that were encoded separately.
 *
 * Each chunk is a complete small Parquet file with exactly one row group, written
 * by parquet-wasm with the same writer properties and schema (see
 * tests/helpers/parquet/encode_chunk.ts). A chunk's row group is self-contained: its pages hold no
 * file offsets, so the row-group bytes can be copied verbatim. Only the metadata
 * that points into the file changes when a row group moves by `d` bytes:
 * RowGroup.file_offset, data/dictionary/index page offsets, every
 * PageLocation.offset in the OffsetIndex, and the ColumnIndex/OffsetIndex
 * offsets and lengths; plus num_rows and RowGroup.ordinal. Rewriting exactly
 * these, in the layout parquet-rs uses
 *
 *     PAR1 | row groups | ColumnIndex (rg, col)... | OffsetIndex (rg, col)... | footer | len | PAR1
 *
 * gives the same bytes as parquet-wasm writing the whole table in one call with
 * `setMaxRowGroupSize(chunkRows)`, whatever the number of workers or encode order.
 * The footer is edited through a Thrift tree that keeps wire types (`thrift.ts`);
 * decoding into typed objects and re-encoding would not be byte-exact.
 *
 * Field ids below are from parquet-format's parquet.thrift.
 *
 * @module
 */

import {
  cloneValue,
  decodeStruct,
  encodeStruct,
  getBinary,
  getBool,
  getI64,
  getInt,
  getList,
  getStruct,
  setField,
  T,
  type ThriftStruct,
  valuesEqual,
} from "./thrift.ts";

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"
const MAX_ROW_GROUPS = 32767; // RowGroup.ordinal is an i16

/** FileMetaData fields that must be equal in every chunk, with names for errors. */
const SHARED_FOOTER_FIELDS: Record<number, string> = {
  1: "version",
  2: "schema",
  5: "key_value_metadata",
  6: "created_by",
  7: "column_orders",
};

/** One chunk file taken apart by {@link splitChunkFile}. */
export interface ChunkPart {
  /** Rows in the chunk (its single row group). */
  numRows: number;
  /**
   * The row group's column chunks exactly as written: bytes [4, end) of the
   * chunk file, as a view (the only part that keeps the chunk file alive).
   */
  rowGroupBytes: Uint8Array;
  /** The chunk file's decoded FileMetaData (one row group, offsets relative to that file). */
  footer: ThriftStruct;
  /** Encoded ColumnIndex per column; undefined where the writer wrote none. */
  columnIndexes: (Uint8Array | undefined)[];
  /** Decoded OffsetIndex per column; undefined where the writer wrote none. */
  offsetIndexes: (ThriftStruct | undefined)[];
}

/** Throw a chunk-format error (an expression, so it also works after `??`). */
function fail(msg: string): never {
  throw new Error(`Parquet chunk: ${msg}`);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isMagic(bytes: Uint8Array, at: number): boolean {
  return bytesEqual(bytes.subarray(at, at + 4), MAGIC);
}

/** Footer bytes of a whole Parquet file held in memory. */
function footerOf(bytes: Uint8Array): ThriftStruct {
  if (bytes.length < 12 || !isMagic(bytes, 0) || !isMagic(bytes, bytes.length - 4)) {
    fail("not a Parquet file (missing PAR1 magic; encrypted files are not supported)");
  }
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  if (len > bytes.length - 12) fail(`footer length ${len} exceeds the file`);
  return decodeStruct(bytes, bytes.length - 8 - len).value;
}

/** Byte range [start, end) of a column chunk's pages, from its ColumnMetaData. */
function pageRange(md: ThriftStruct): [number, number] {
  const start = Number(getI64(md, 11) ?? getI64(md, 9)); // dictionary page first, if any
  return [start, start + Number(getI64(md, 7))]; // + total_compressed_size
}

/** Slice [offset, offset+length) named by an i64 offset field and an i32 length field. */
function indexBytes(
  bytes: Uint8Array,
  cc: ThriftStruct,
  offId: number,
  lenId: number,
): Uint8Array | undefined {
  const off = getI64(cc, offId), len = getInt(cc, lenId);
  if (off === undefined || len === undefined) return undefined;
  if (off < 4n || len < 0 || Number(off) + len > bytes.length - 8) {
    fail(`index at ${off}+${len} is outside the file`);
  }
  // A copy, not a view: the assembler keeps it until finish() and must not pin the chunk file.
  return bytes.slice(Number(off), Number(off) + len);
}

/**
 * Take apart a chunk file: a Parquet file (from parquet-wasm) with exactly one
 * row group. The returned `rowGroupBytes` is a view into `bytes` (no copy);
 * everything else is small and copied.
 *
 * Throws when the file has not exactly one row group, uses features whose
 * offsets this module does not rewrite (bloom filters, external column files,
 * encryption), or its pages do not form one contiguous run starting after `PAR1`.
 */
export function splitChunkFile(bytes: Uint8Array): ChunkPart {
  try {
    return splitChecked(bytes);
  } catch (err) {
    // Thrift decoding and typed getters throw their own errors: a chunk file is corrupt either way.
    if (err instanceof Error && !err.message.startsWith("Parquet chunk")) {
      fail(`its footer cannot be decoded (${err.message})`);
    }
    throw err;
  }
}

function splitChecked(bytes: Uint8Array): ChunkPart {
  const footer = footerOf(bytes);
  const dataEnd = bytes.length - 8 - new DataView(bytes.buffer, bytes.byteOffset).getUint32(
    bytes.length - 8,
    true,
  );
  if (getStruct(footer, 8) || getBinary(footer, 9)) fail("encrypted footers are not supported");
  const rowGroups = getList(footer, 4)?.items ?? [];
  if (rowGroups.length !== 1) {
    fail(`expected exactly one row group, found ${rowGroups.length} (raise setMaxRowGroupSize)`);
  }
  const rg = rowGroups[0] as ThriftStruct;
  const columns = (getList(rg, 1)?.items ?? []) as ThriftStruct[];
  let end = 4;
  const columnIndexes: (Uint8Array | undefined)[] = [];
  const offsetIndexes: (ThriftStruct | undefined)[] = [];
  for (const cc of columns) {
    const md = getStruct(cc, 3) ?? fail("column chunk without metadata");
    if (getBinary(cc, 1)) fail("column chunks in external files (file_path) are not supported");
    if (getI64(md, 14) !== undefined) fail("bloom filters are not supported");
    const [start, stop] = pageRange(md);
    // parquet-rs writes column chunks back to back; a gap would mean bytes we do not know.
    if (start !== end) fail(`column chunk starts at ${start}, expected ${end}`);
    if (!(stop >= start && stop <= dataEnd)) {
      fail(`column chunk at ${start}..${stop} runs past the data (which ends at ${dataEnd})`);
    }
    end = stop;
    columnIndexes.push(indexBytes(bytes, cc, 6, 7));
    const oi = indexBytes(bytes, cc, 4, 5);
    offsetIndexes.push(oi && decodeStruct(oi).value);
  }
  const numRows = Number(getI64(rg, 3));
  if (!Number.isSafeInteger(numRows) || numRows < 0) fail(`row count ${getI64(rg, 3)} is invalid`);
  return {
    numRows,
    rowGroupBytes: bytes.subarray(4, end),
    footer,
    columnIndexes,
    offsetIndexes,
  };
}

/** Add `delta` to the i64 field `id` of `s` when present. */
function shift(s: ThriftStruct, id: number, delta: bigint): void {
  const v = getI64(s, id);
  if (v !== undefined) setField(s, id, T.I64, v + delta);
}

/** A row group waiting for its index offsets, already moved to its place in the file. */
interface PlacedRowGroup {
  rowGroup: ThriftStruct;
  columnIndexes: (Uint8Array | undefined)[];
  offsetIndexes: (ThriftStruct | undefined)[];
}

/**
 * Streams one Parquet file out of chunk parts given in chunk order.
 *
 * Write `start()`, then the bytes returned by each `add(part)`, then `finish()`,
 * in that order, to one file. Only metadata is kept between calls (the row-group
 * bytes are returned, not held), so memory stays bounded by the footer size.
 *
 * Byte-identity with a one-call write needs every chunk but the last to have
 * the same row count (what `setMaxRowGroupSize` produces), so that is enforced.
 */
export class ParquetAssembler {
  #pos = 0;
  #finished = false;
  #numRows = 0;
  #chunkRows = 0;
  #first: ThriftStruct | undefined;
  #placed: PlacedRowGroup[] = [];

  /** Bytes handed out so far; after `finish()`, the size of the file. */
  get position(): number {
    return this.#pos;
  }

  /** The leading `PAR1` magic. Call once, first. */
  start(): Uint8Array {
    if (this.#pos !== 0) throw new Error("ParquetAssembler: start() called twice");
    this.#pos = 4;
    return MAGIC.slice();
  }

  /**
   * Append the next chunk. Returns the bytes to write now (the chunk's row
   * group, unchanged). Throws if the chunk's schema, key-value metadata or other
   * file-level metadata differ from the first chunk's, or the row counts break
   * the fixed-size rule.
   */
  add(part: ChunkPart): Uint8Array {
    if (this.#pos === 0 || this.#finished) {
      throw new Error("ParquetAssembler: add() must come after start() and before finish()");
    }
    const index = this.#placed.length;
    if (index >= MAX_ROW_GROUPS) {
      throw new Error(`ParquetAssembler: more than ${MAX_ROW_GROUPS} row groups (ordinal is i16)`);
    }
    this.#checkShared(part.footer, index);
    if (index === 0) this.#chunkRows = part.numRows;
    else if (this.#numRows !== index * this.#chunkRows) {
      throw new Error(
        `ParquetAssembler: chunk ${index} follows a chunk with fewer than ${this.#chunkRows} ` +
          "rows; only the last chunk may be shorter",
      );
    } else if (part.numRows > this.#chunkRows) {
      throw new Error(
        `ParquetAssembler: chunk ${index} has ${part.numRows} rows, more than chunk 0 (${this.#chunkRows})`,
      );
    }

    // Copy before editing so the caller's part stays valid and unchanged.
    const rowGroup = cloneValue(getList(part.footer, 4)!.items[0] as ThriftStruct);
    const delta = BigInt(this.#pos - 4); // the chunk's row group started at byte 4
    shift(rowGroup, 5, delta); // file_offset
    setField(rowGroup, 7, T.I16, index); // ordinal
    for (const cc of getList(rowGroup, 1)!.items as ThriftStruct[]) {
      const md = getStruct(cc, 3)!;
      for (const id of [9, 10, 11]) shift(md, id, delta); // data, index, dictionary page offsets
    }
    const offsetIndexes = part.offsetIndexes.map((oi) => {
      if (!oi) return undefined;
      const copy = cloneValue(oi);
      for (const loc of getList(copy, 1)?.items ?? []) shift(loc as ThriftStruct, 1, delta);
      return copy;
    });
    this.#placed.push({ rowGroup, columnIndexes: part.columnIndexes, offsetIndexes });
    this.#numRows += part.numRows;
    this.#pos += part.rowGroupBytes.length;
    return part.rowGroupBytes;
  }

  /** Compare the file-level fields of a chunk footer with those of the first chunk. */
  #checkShared(footer: ThriftStruct, index: number): void {
    this.#first ??= footer;
    for (const [id, name] of Object.entries(SHARED_FOOTER_FIELDS)) {
      const a = this.#first.fields.find((f) => f.id === Number(id));
      const b = footer.fields.find((f) => f.id === Number(id));
      if (a === b || (a && b && a.type === b.type && valuesEqual(a.value, b.value))) continue;
      throw new Error(
        `ParquetAssembler: chunk ${index} has a different ${name} than chunk 0; ` +
          "every chunk must be written with the same Arrow schema and writer properties",
      );
    }
  }

  /**
   * The tail: every ColumnIndex, every OffsetIndex (page offsets moved), the
   * merged footer, its length and `PAR1`. Call once, after the last `add()`.
   */
  finish(): Uint8Array {
    if (!this.#first || this.#finished) {
      throw new Error("ParquetAssembler: finish() needs at least one add() and runs once");
    }
    this.#finished = true;
    const out: Uint8Array[] = [];
    const put = (cc: ThriftStruct, bytes: Uint8Array, offId: number, lenId: number) => {
      setField(cc, offId, T.I64, BigInt(this.#pos));
      setField(cc, lenId, T.I32, bytes.length);
      out.push(bytes);
      this.#pos += bytes.length;
    };
    const chunks = (p: PlacedRowGroup) => getList(p.rowGroup, 1)!.items as ThriftStruct[];
    for (const p of this.#placed) {
      chunks(p).forEach((cc, j) => p.columnIndexes[j] && put(cc, p.columnIndexes[j], 6, 7));
    }
    for (const p of this.#placed) {
      chunks(p).forEach((cc, j) =>
        p.offsetIndexes[j] && put(cc, encodeStruct(p.offsetIndexes[j]), 4, 5)
      );
    }
    const footer = cloneValue(this.#first);
    setField(footer, 3, T.I64, BigInt(this.#numRows));
    setField(footer, 4, T.LIST, { elemType: T.STRUCT, items: this.#placed.map((p) => p.rowGroup) });
    const meta = encodeStruct(footer);
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setUint32(0, meta.length, true);
    trailer.set(MAGIC, 4);
    out.push(meta, trailer);
    this.#pos += meta.length + 8;
    this.#placed = [];
    const tail = new Uint8Array(out.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of out) {
      tail.set(b, at);
      at += b.length;
    }
    return tail;
  }
}

/** Assemble chunk parts (in chunk order) into one in-memory Parquet file. */
export function assembleParquet(parts: Iterable<ChunkPart>): Uint8Array {
  const a = new ParquetAssembler();
  const out = [a.start()];
  for (const p of parts) out.push(a.add(p));
  out.push(a.finish());
  const file = new Uint8Array(a.position);
  let at = 0;
  for (const b of out) {
    file.set(b, at);
    at += b.length;
  }
  return file;
}

// ---------------------------------------------------------------------------
// Footer reader for validation without reading data pages.

/** A decoded statistics value: see {@link ColumnStats}. */
export type StatValue = boolean | number | bigint | string | Uint8Array;

/** One leaf column of the schema. */
export interface LeafColumn {
  /** Dotted path, e.g. `amount` or `a.b`. */
  name: string;
  /** Parquet physical type: BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY. */
  physicalType: string;
  /** REQUIRED, OPTIONAL or REPEATED. */
  repetition: string;
  /** Logical type name when set: STRING, TIMESTAMP, DATE, DECIMAL, ... */
  logicalType?: string;
  /** For TIMESTAMP: the unit of the stored integers. */
  timestampUnit?: "ms" | "us" | "ns";
  /** For TIMESTAMP: isAdjustedToUTC. */
  utc?: boolean;
}

/**
 * Column-chunk statistics from the footer. min/max types: BOOLEAN boolean,
 * INT32/FLOAT/DOUBLE number, INT64 bigint (timestamps too, in
 * `timestampUnit`, kept exact rather than rounded to a Date), BYTE_ARRAY with
 * STRING/UTF8 annotation string, other binaries Uint8Array.
 */
export interface ColumnStats {
  /** Values including nulls (ColumnMetaData.num_values). */
  numValues: number;
  /** Compressed bytes of the column chunk, page headers included. */
  compressedSize: number;
  /** Absent when the writer wrote no statistics. */
  nullCount?: number;
  min?: StatValue;
  max?: StatValue;
  /** False when the writer truncated the value (long strings). */
  minExact?: boolean;
  maxExact?: boolean;
}

/** What {@link readFooter} returns. */
export interface FooterSummary {
  numRows: number;
  createdBy?: string;
  keyValueMetadata: Map<string, string>;
  columns: LeafColumn[];
  rowGroups: { numRows: number; columns: ColumnStats[] }[];
}

const PHYSICAL = [
  "BOOLEAN",
  "INT32",
  "INT64",
  "INT96",
  "FLOAT",
  "DOUBLE",
  "BYTE_ARRAY",
  "FIXED_LEN_BYTE_ARRAY",
];
const REPETITION = ["REQUIRED", "OPTIONAL", "REPEATED"];
// LogicalType union members by field id.
const LOGICAL = [
  "",
  "STRING",
  "MAP",
  "LIST",
  "ENUM",
  "DECIMAL",
  "DATE",
  "TIME",
  "TIMESTAMP",
  "",
  "INTEGER",
  "UNKNOWN",
  "JSON",
  "BSON",
  "UUID",
  "FLOAT16",
  "VARIANT",
  "GEOMETRY",
  "GEOGRAPHY",
];
const UNITS = ["", "ms", "us", "ns"] as const;
const text = new TextDecoder();

/** Leaf columns in column-chunk order, walking the flattened schema tree. */
function leafColumns(schema: ThriftStruct[]): LeafColumn[] {
  const leaves: LeafColumn[] = [];
  let i = 1; // element 0 is the root
  const walk = (prefix: string[]) => {
    const el = schema[i++];
    const path = [...prefix, text.decode(getBinary(el, 4))];
    const children = getInt(el, 5);
    if (children !== undefined) {
      for (let c = 0; c < children; c++) walk(path);
      return;
    }
    const leaf: LeafColumn = {
      name: path.join("."),
      physicalType: PHYSICAL[getInt(el, 1)!] ?? "UNKNOWN",
      repetition: REPETITION[getInt(el, 3) ?? 0],
    };
    const logical = getStruct(el, 10)?.fields[0];
    if (logical) leaf.logicalType = LOGICAL[logical.id] || `LOGICAL_${logical.id}`;
    else if (getInt(el, 6) === 0) leaf.logicalType = "STRING"; // ConvertedType UTF8
    if (logical?.id === 8) {
      const ts = logical.value as ThriftStruct;
      leaf.utc = getBool(ts, 1);
      leaf.timestampUnit = UNITS[getStruct(ts, 2)?.fields[0]?.id ?? 0] || undefined;
    }
    leaves.push(leaf);
  };
  const rootChildren = getInt(schema[0], 5) ?? 0;
  for (let c = 0; c < rootChildren; c++) walk([]);
  return leaves;
}

/** Decode a plain-encoded statistics value for a leaf column. */
function statValue(col: LeafColumn, b: Uint8Array | undefined): StatValue | undefined {
  if (!b) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (col.physicalType) {
    case "BOOLEAN":
      return b[0] !== 0;
    case "INT32":
      return v.getInt32(0, true);
    case "INT64":
      return v.getBigInt64(0, true);
    case "FLOAT":
      return v.getFloat32(0, true);
    case "DOUBLE":
      return v.getFloat64(0, true);
    case "BYTE_ARRAY":
      if (col.logicalType === "STRING" || col.logicalType === "JSON") return text.decode(b);
  }
  return b;
}

/**
 * Read a Parquet file's footer through `reader(offset, length)` (two reads:
 * the 8-byte trailer, then the footer), without touching data pages. Gives
 * row counts per row group and per-column statistics, for validating a file
 * from its footer alone.
 */
export async function readFooter(
  reader: (offset: number, length: number) => Promise<Uint8Array>,
  fileSize: number,
): Promise<FooterSummary> {
  if (fileSize < 12) fail(`file of ${fileSize} bytes is too small for Parquet`);
  const trailer = await reader(fileSize - 8, 8);
  if (!isMagic(trailer, 4)) fail("not a Parquet file (missing trailing PAR1)");
  const len = new DataView(trailer.buffer, trailer.byteOffset).getUint32(0, true);
  if (len > fileSize - 12) fail(`footer length ${len} exceeds the file`);
  const footer = decodeStruct(await reader(fileSize - 8 - len, len)).value;
  const columns = leafColumns((getList(footer, 2)?.items ?? []) as ThriftStruct[]);
  const keyValueMetadata = new Map<string, string>();
  for (const kv of (getList(footer, 5)?.items ?? []) as ThriftStruct[]) {
    keyValueMetadata.set(text.decode(getBinary(kv, 1)), text.decode(getBinary(kv, 2)));
  }
  const createdBy = getBinary(footer, 6);
  const rowGroups = ((getList(footer, 4)?.items ?? []) as ThriftStruct[]).map((rg) => ({
    numRows: Number(getI64(rg, 3)),
    columns: ((getList(rg, 1)?.items ?? []) as ThriftStruct[]).map((cc, j) => {
      const md = getStruct(cc, 3) ?? fail("column chunk without metadata");
      const st = getStruct(md, 12);
      const s: ColumnStats = {
        numValues: Number(getI64(md, 5)),
        compressedSize: Number(getI64(md, 7)),
      };
      if (st) {
        const nulls = getI64(st, 3);
        if (nulls !== undefined) s.nullCount = Number(nulls);
        // min_value/max_value (6/5); the deprecated min/max (2/1) only if those are absent.
        s.min = statValue(columns[j], getBinary(st, 6) ?? getBinary(st, 2));
        s.max = statValue(columns[j], getBinary(st, 5) ?? getBinary(st, 1));
        s.minExact = getBool(st, 8);
        s.maxExact = getBool(st, 7);
      }
      return s;
    }),
  }));
  return {
    numRows: Number(getI64(footer, 3)),
    createdBy: createdBy && text.decode(createdBy),
    keyValueMetadata,
    columns,
    rowGroups,
  };
}
