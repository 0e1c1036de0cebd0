/**
 * A chunk as an Arrow IPC stream, written directly: the schema message (built
 * once per column list by apache-arrow), one record-batch message whose
 * flatbuffer header is laid out here, the body buffers, end of stream.
 *
 * apache-arrow's writer builds Data objects, vectors and a flatbuffer per
 * chunk and gathers the pieces; parquet-wasm only reads the stream once. This
 * writes each value once into a reused buffer: int64 words straight from the
 * float64 values, bitmaps, string offsets and bytes (per dictionary entry for
 * coded strings). The stream decodes to the same arrays as
 * {@link chunkToIpc}'s (tested), so parquet-wasm writes the same file.
 *
 * Layout references: Arrow columnar format, "Serialization and Interprocess
 * Communication" (encapsulated messages, 8-byte aligned bodies) and
 * format/Message.fbs (Message, RecordBatch, FieldNode, Buffer).
 *
 * @module
 */
import type { Chunk, ColumnValues } from "../data/mod.ts";
import { type ArrowColumn, CONTINUATION, METADATA_V5 } from "./schema.ts";
import { columnInt64 } from "./int64.ts";

/** MessageHeader.RecordBatch */
const HEADER_RECORD_BATCH = 3;
const TWO32 = 4294967296;

const encoder = new TextEncoder();

/** Buffers per column in the body: validity, then values (strings: offsets, bytes). */
function bufferCount(c: ArrowColumn): number {
  return c.type === "string" ? 3 : 2;
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * Copy `bytes` into `buf` at `at`; returns the position after them. A
 * function of its own, not an inner loop: V8 compiles a hot inner loop on
 * its own (on-stack replacement) and throws that code away each time the
 * loop exits, which for a loop of a few bytes per row happened thousands of
 * times per run (`--trace-deopt`: "exit from OSR'd inner loop").
 */
function copyBytes(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let j = 0; j < bytes.length; j++) buf[at + j] = bytes[j];
  return at + bytes.length;
}

/** Copy the leading ASCII code units of `s` to `buf` at `at`; returns how many (see copyBytes). */
function copyAscii(buf: Uint8Array, at: number, s: string): number {
  let j = 0;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c >= 0x80) break;
    buf[at + j] = c;
  }
  return j;
}

/**
 * Writes one stream into a buffer that grows and is reused: the returned
 * view is valid until the next {@link IpcWriter.write} call.
 */
export class IpcWriter {
  #buf = new Uint8Array(1 << 20);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  readonly #columns: readonly ArrowColumn[];
  readonly #schema: Uint8Array;

  /**
   * A writer for chunks of `columns` (in this order). `schemaMessage` is their
   * encapsulated schema message (`ipcSchemaMessage` in schema.ts): built by
   * the caller, so this module needs no Arrow library.
   */
  constructor(columns: readonly ArrowColumn[], schemaMessage: Uint8Array) {
    const view = new DataView(
      schemaMessage.buffer,
      schemaMessage.byteOffset,
      schemaMessage.byteLength,
    );
    if (
      schemaMessage.length < 8 || view.getUint32(0, true) !== CONTINUATION ||
      view.getInt32(4, true) + 8 !== schemaMessage.length || schemaMessage.length % 8 !== 0
    ) {
      throw new Error("not an encapsulated Arrow IPC schema message");
    }
    this.#columns = columns;
    this.#schema = schemaMessage;
  }

  /** The IPC stream bytes of `chunk`. */
  write(chunk: Chunk): Uint8Array {
    const columns = this.#columns;
    const schema = this.#schema;
    const nBuffers = columns.reduce((s, c) => s + bufferCount(c), 0);
    // Flatbuffer layout (offsets from its start), see headerAt below.
    const nodesAt = 80;
    const buffersAt = nodesAt + 16 * columns.length + 8;
    const fbSize = buffersAt + 16 * nBuffers;
    const headerAt = schema.length;
    const bodyAt = headerAt + 8 + fbSize; // fbSize is a multiple of 8
    this.#pos = bodyAt;
    this.#reserve(0);
    this.#buf.set(schema, 0);
    const nodes: number[] = [];
    const buffers: number[] = [];
    for (const c of columns) {
      const col = chunk.columns.get(c.name);
      if (!col) throw new Error(`chunk ${chunk.index} lacks column "${c.name}"`);
      if (col.type !== c.type) {
        throw new Error(
          `chunk ${chunk.index} column "${c.name}" is ${col.type}, schema says ${c.type}`,
        );
      }
      const nulls = this.#validity(col, chunk.rows, bodyAt, buffers);
      nodes.push(chunk.rows, nulls);
      this.#values(col, chunk.rows, bodyAt, buffers);
    }
    const bodyLength = this.#pos - bodyAt;
    this.#header(headerAt, fbSize, chunk.rows, bodyLength, nodes, buffers);
    // End of stream: continuation marker and a zero length.
    this.#reserve(8);
    this.#view.setUint32(this.#pos, CONTINUATION, true);
    this.#view.setInt32(this.#pos + 4, 0, true);
    this.#pos += 8;
    return this.#buf.subarray(0, this.#pos);
  }

  #reserve(n: number): void {
    const need = this.#pos + n + 8;
    if (need <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.#buf.length, need));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** Close a body buffer that started at `start`: record it, pad to 8 with zeros. */
  #close(start: number, bodyAt: number, buffers: number[]): void {
    buffers.push(start - bodyAt, this.#pos - start);
    const end = pad8(this.#pos);
    this.#buf.fill(0, this.#pos, end);
    this.#pos = end;
  }

  /** The validity bitmap (empty without nulls); returns the null count. */
  #validity(col: ColumnValues, rows: number, bodyAt: number, buffers: number[]): number {
    const start = this.#pos;
    const valid = col.valid;
    let nulls = 0;
    if (valid !== null) {
      for (let i = 0; i < rows; i++) nulls += valid[i] === 0 ? 1 : 0;
    }
    if (nulls > 0) {
      this.#bits(valid as Uint8Array, rows);
    }
    this.#close(start, bodyAt, buffers);
    return nulls;
  }

  /** One bit per row, set where `bytes[i]` is non-zero (LSB first). */
  #bits(bytes: Uint8Array, rows: number): void {
    const n = (rows + 7) >> 3;
    this.#reserve(n);
    const buf = this.#buf;
    const at = this.#pos;
    const whole = rows >> 3;
    for (let k = 0; k < whole; k++) {
      const i = k << 3;
      buf[at + k] = (bytes[i] !== 0 ? 1 : 0) | (bytes[i + 1] !== 0 ? 2 : 0) |
        (bytes[i + 2] !== 0 ? 4 : 0) | (bytes[i + 3] !== 0 ? 8 : 0) |
        (bytes[i + 4] !== 0 ? 16 : 0) | (bytes[i + 5] !== 0 ? 32 : 0) |
        (bytes[i + 6] !== 0 ? 64 : 0) | (bytes[i + 7] !== 0 ? 128 : 0);
    }
    if (whole < n) {
      let b = 0;
      for (let i = whole << 3; i < rows; i++) if (bytes[i] !== 0) b |= 1 << (i & 7);
      buf[at + whole] = b;
    }
    this.#pos += n;
  }

  #values(col: ColumnValues, rows: number, bodyAt: number, buffers: number[]): void {
    let start = this.#pos;
    switch (col.type) {
      case "float": {
        this.#reserve(8 * rows);
        this.#buf.set(
          new Uint8Array(col.values.buffer, col.values.byteOffset, 8 * rows),
          this.#pos,
        );
        this.#pos += 8 * rows;
        break;
      }
      case "integer":
      case "datetime": {
        this.#reserve(8 * rows);
        columnInt64(col, new BigInt64Array(this.#buf.buffer, this.#pos, rows));
        this.#pos += 8 * rows;
        break;
      }
      case "date": {
        // Date32: whole days as int32 (the values are whole days of years 0000-9999).
        this.#reserve(4 * rows);
        const days = new Int32Array(this.#buf.buffer, this.#pos, rows);
        const values = col.values;
        for (let i = 0; i < rows; i++) days[i] = values[i];
        this.#pos += 4 * rows;
        break;
      }
      case "boolean":
        this.#bits(col.values, rows);
        break;
      case "string": {
        // Offsets (int32, rows + 1), then the UTF-8 bytes.
        this.#reserve(4 * (rows + 1));
        const offsetsAt = this.#pos;
        this.#pos += 4 * (rows + 1);
        this.#close(start, bodyAt, buffers);
        start = this.#pos;
        if (col.codes !== undefined) this.#codedBytes(col.codes, col.valid, rows, offsetsAt);
        else this.#stringBytes(col.values, rows, offsetsAt);
        break;
      }
    }
    this.#close(start, bodyAt, buffers);
  }

  #stringBytes(values: string[], rows: number, offsetsAt: number): void {
    let offsets = new Int32Array(this.#buf.buffer, offsetsAt, rows + 1);
    const base = this.#pos;
    offsets[0] = 0;
    for (let i = 0; i < rows; i++) {
      const s = values[i];
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (this.#pos + 3 * s.length + 8 > this.#buf.length) {
        this.#reserve(3 * s.length);
        offsets = new Int32Array(this.#buf.buffer, offsetsAt, rows + 1);
      }
      const buf = this.#buf;
      const at = this.#pos;
      // ASCII is copied code unit by code unit (cheaper than encodeInto per short string).
      const j = copyAscii(buf, at, s);
      this.#pos += j === s.length ? j : encoder.encodeInto(s, buf.subarray(at)).written;
      offsets[i + 1] = this.#pos - base;
    }
  }

  #codedBytes(
    coded: { dict: readonly string[]; codes: Uint8Array },
    valid: Uint8Array | null,
    rows: number,
    offsetsAt: number,
  ): void {
    const entries = coded.dict.map((s) => encoder.encode(s));
    const codes = coded.codes;
    let size = 0;
    for (let i = 0; i < rows; i++) {
      if (valid === null || valid[i] === 1) size += entries[codes[i]].length;
    }
    this.#reserve(size);
    const offsets = new Int32Array(this.#buf.buffer, offsetsAt, rows + 1);
    const buf = this.#buf;
    let at = this.#pos;
    const base = at;
    offsets[0] = 0;
    for (let i = 0; i < rows; i++) {
      // Null rows stay empty, as "" does in `values`.
      if (valid === null || valid[i] === 1) at = copyBytes(buf, at, entries[codes[i]]);
      offsets[i + 1] = at - base;
    }
    this.#pos = at;
  }

  /**
   * The record-batch message prefix and flatbuffer at `at` (fbSize bytes):
   *
   *     0  root offset -> Message table at 16
   *     4  Message vtable: 12 bytes, fields version, header_type, header, bodyLength
   *    16  Message table: soffset, header offset, bodyLength (i64), version (i16), type (u8)
   *    36  RecordBatch vtable: 10 bytes, fields length, nodes, buffers
   *    48  RecordBatch table: soffset, nodes offset, length (i64), buffers offset
   *    76  nodes: count, then FieldNode {length, null_count} x columns from 80
   *     .  buffers: count, then Buffer {offset, length} x buffers (8-aligned)
   */
  #header(
    at: number,
    fbSize: number,
    rows: number,
    bodyLength: number,
    nodes: number[],
    buffers: number[],
  ): void {
    const v = this.#view;
    this.#buf.fill(0, at, at + 8 + fbSize);
    v.setUint32(at, CONTINUATION, true);
    v.setInt32(at + 4, fbSize, true);
    const fb = at + 8;
    const nodesCount = 76;
    const buffersCount = 80 + 8 * nodes.length + 4;
    v.setUint32(fb, 16, true);
    // Message vtable.
    v.setUint16(fb + 4, 12, true);
    v.setUint16(fb + 6, 20, true);
    v.setUint16(fb + 8, 16, true); // version
    v.setUint16(fb + 10, 18, true); // header_type
    v.setUint16(fb + 12, 4, true); // header
    v.setUint16(fb + 14, 8, true); // bodyLength
    // Message table.
    v.setInt32(fb + 16, 16 - 4, true);
    v.setUint32(fb + 20, 48 - 20, true);
    setInt64(v, fb + 24, bodyLength);
    v.setInt16(fb + 32, METADATA_V5, true);
    v.setUint8(fb + 34, HEADER_RECORD_BATCH);
    // RecordBatch vtable.
    v.setUint16(fb + 36, 10, true);
    v.setUint16(fb + 38, 20, true);
    v.setUint16(fb + 40, 8, true); // length
    v.setUint16(fb + 42, 4, true); // nodes
    v.setUint16(fb + 44, 16, true); // buffers
    // RecordBatch table.
    v.setInt32(fb + 48, 48 - 36, true);
    v.setUint32(fb + 52, nodesCount - 52, true);
    setInt64(v, fb + 56, rows);
    v.setUint32(fb + 64, buffersCount - 64, true);
    // Vectors of structs.
    v.setUint32(fb + nodesCount, nodes.length / 2, true);
    for (let k = 0; k < nodes.length; k++) setInt64(v, fb + 80 + 8 * k, nodes[k]);
    v.setUint32(fb + buffersCount, buffers.length / 2, true);
    for (let k = 0; k < buffers.length; k++) setInt64(v, fb + buffersCount + 4 + 8 * k, buffers[k]);
    if (buffersCount + 4 + 8 * buffers.length !== fbSize) throw new Error("IPC header size");
  }
}

function setInt64(v: DataView, at: number, x: number): void {
  v.setUint32(at, x % TWO32, true);
  v.setUint32(at + 4, Math.floor(x / TWO32), true);
}
