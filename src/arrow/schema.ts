/**
 * The Arrow IPC schema message of a column list, laid out here without an
 * Arrow library: every `sdp run` starts its encoders with it, and loading
 * apache-arrow only for these few hundred bytes cost the CLI about 50 ms of
 * start-up on every run (docs/benchmarks-log-2026.md, 2026-11-26 (morning)).
 *
 * Type mapping (part of the format contract, the same as `arrowType` in
 * table.ts): string -> Utf8, integer -> Int64, float -> Float64, boolean ->
 * Bool, datetime -> Timestamp(millisecond, "UTC"), date -> Date(day) (Date32,
 * Parquet DATE); non-nullable columns are
 * non-nullable fields. Tests decode the message with apache-arrow and compare
 * it with `arrowSchema`; parquet-rs re-serializes the schema it reads, so the
 * Parquet bytes do not depend on how this flatbuffer is laid out (golden
 * hashes).
 *
 * Layout references: Arrow columnar format, "Serialization and Interprocess
 * Communication" (encapsulated message: continuation marker, int32 metadata
 * size, flatbuffer padded to 8 bytes) and format/Schema.fbs, format/Message.fbs.
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";

/** Minimal column description needed to build an Arrow schema. */
export interface ArrowColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

/** The marker that starts every encapsulated IPC message (and the end of stream). */
export const CONTINUATION = 0xffffffff;
/** MetadataVersion.V5: the version every message states. */
export const METADATA_V5 = 4;
/** MessageHeader.Schema */
const HEADER_SCHEMA = 1;
/** Type union members (Schema.fbs). */
const TYPE_INT = 2;
const TYPE_FLOATING_POINT = 3;
const TYPE_UTF8 = 5;
const TYPE_BOOL = 6;
const TYPE_DATE = 8;
const TYPE_TIMESTAMP = 10;
/** Precision.DOUBLE */
const PRECISION_DOUBLE = 2;
/** TimeUnit.MILLISECOND */
const UNIT_MILLISECOND = 1;
/** DateUnit.DAY (the field's default is MILLISECOND, so it is always written). */
const DATE_UNIT_DAY = 0;

const utf8 = new TextEncoder();

/** A table field: a scalar of 1, 2 or 4 bytes, a 4-byte reference, or absent (default). */
type Slot = { size: 1 | 2 | 4; value: number } | "ref" | null;

const slotSize = (f: Exclude<Slot, null>) => f === "ref" ? 4 : f.size;

/**
 * A flatbuffer written front to back: every object is written after the
 * table that refers to it, so references (unsigned offsets) point forward,
 * and are set with {@link Builder.ref} once their target exists.
 */
class Builder {
  #bytes = new Uint8Array(1024);
  #view = new DataView(this.#bytes.buffer);
  #pos = 0;

  #reserve(n: number): void {
    if (this.#pos + n <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#pos + n));
    grown.set(this.#bytes);
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** Zero bytes up to a multiple of `n`. */
  align(n: number): void {
    const pad = (n - (this.#pos % n)) % n;
    this.#reserve(pad);
    this.#pos += pad; // the buffer starts zeroed and is never written twice
  }

  u16(v: number): void {
    this.#reserve(2);
    this.#view.setUint16(this.#pos, v, true);
    this.#pos += 2;
  }

  u32(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, v, true);
    this.#pos += 4;
  }

  /** Set the reference at `from` to point at `to` (written after it). */
  ref(from: number, to: number): void {
    if (to <= from) throw new Error("flatbuffer references must point forward");
    this.#view.setUint32(from, to - from, true);
  }

  /**
   * A table (its vtable first): returns where the table starts and where
   * each of its fields is (for references to set). Fields are laid out by
   * size, largest first, after the 4-byte vtable offset, so each is aligned.
   */
  table(fields: readonly Slot[]): { start: number; slots: number[] } {
    const present = fields.map((f, i) => ({ f, i }))
      .filter((x): x is { f: Exclude<Slot, null>; i: number } => x.f !== null)
      .sort((a, b) => slotSize(b.f) - slotSize(a.f) || a.i - b.i);
    const offsets = new Array<number>(fields.length).fill(0);
    let size = 4;
    for (const { f, i } of present) {
      offsets[i] = size;
      size += slotSize(f);
    }
    this.align(2);
    const vtable = this.#pos;
    this.u16(4 + 2 * fields.length);
    this.u16(size);
    for (const o of offsets) this.u16(o);
    this.align(4);
    const start = this.#pos;
    this.#reserve(size);
    this.#view.setInt32(start, start - vtable, true); // vtable = table - soffset
    for (const { f, i } of present) {
      const at = start + offsets[i];
      if (f === "ref") continue;
      if (f.size === 1) this.#view.setUint8(at, f.value);
      else if (f.size === 2) this.#view.setUint16(at, f.value, true);
      else this.#view.setInt32(at, f.value, true);
    }
    this.#pos = start + size;
    return { start, slots: offsets.map((o) => start + o) };
  }

  /** A string: length, UTF-8 bytes, NUL. Returns its start. */
  string(s: string): number {
    const b = utf8.encode(s);
    this.align(4);
    const start = this.#pos;
    this.u32(b.length);
    this.#reserve(b.length + 1);
    this.#bytes.set(b, this.#pos);
    this.#pos += b.length + 1;
    return start;
  }

  /** A vector of `n` references: its start and its element slots. */
  refVector(n: number): { start: number; slots: number[] } {
    this.align(4);
    const start = this.#pos;
    this.u32(n);
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      slots.push(this.#pos);
      this.u32(0);
    }
    return { start, slots };
  }

  /** The bytes, zero-padded to a multiple of 8. */
  finish(): Uint8Array {
    this.align(8);
    return this.#bytes.slice(0, this.#pos);
  }
}

/** The table of a column's Arrow type (Schema.fbs `Type`; its union tag is {@link typeTag}). */
function typeTable(b: Builder, type: ColumnType): number {
  switch (type) {
    case "string":
    case "boolean":
      return b.table([]).start;
    case "integer": // Int { bitWidth, is_signed }
      return b.table([{ size: 4, value: 64 }, { size: 1, value: 1 }]).start;
    case "float": // FloatingPoint { precision }
      return b.table([{ size: 2, value: PRECISION_DOUBLE }]).start;
    case "datetime": { // Timestamp { unit, timezone }
      const t = b.table([{ size: 2, value: UNIT_MILLISECOND }, "ref"]);
      b.ref(t.slots[1], b.string("UTC"));
      return t.start;
    }
    case "date": // Date { unit }
      return b.table([{ size: 2, value: DATE_UNIT_DAY }]).start;
  }
}

/** The Schema message's flatbuffer (Message.fbs `Message`, header Schema.fbs `Schema`). */
function schemaFlatbuffer(columns: readonly ArrowColumn[]): Uint8Array {
  const b = new Builder();
  b.u32(0); // root reference, at 0
  // Message { version, header_type, header } (bodyLength: default 0)
  const message = b.table([
    { size: 2, value: METADATA_V5 },
    { size: 1, value: HEADER_SCHEMA },
    "ref",
  ]);
  b.ref(0, message.start);
  // Schema { endianness (default Little), fields }
  const schema = b.table([null, "ref"]);
  b.ref(message.slots[2], schema.start);
  const fields = b.refVector(columns.length);
  b.ref(schema.slots[1], fields.start);
  columns.forEach((c, i) => {
    // Field { name, nullable, type_type, type, dictionary (none), children }
    const field = b.table([
      "ref",
      { size: 1, value: c.nullable ? 1 : 0 },
      { size: 1, value: typeTag(c.type) },
      "ref",
      null,
      "ref",
    ]);
    b.ref(fields.slots[i], field.start);
    b.ref(field.slots[0], b.string(c.name));
    b.ref(field.slots[3], typeTable(b, c.type));
    b.ref(field.slots[5], b.refVector(0).start);
  });
  return b.finish();
}

/** A column's member of the `Type` union (Schema.fbs). */
function typeTag(type: ColumnType): number {
  switch (type) {
    case "string":
      return TYPE_UTF8;
    case "integer":
      return TYPE_INT;
    case "float":
      return TYPE_FLOATING_POINT;
    case "boolean":
      return TYPE_BOOL;
    case "datetime":
      return TYPE_TIMESTAMP;
    case "date":
      return TYPE_DATE;
  }
}

/**
 * The encapsulated IPC schema message of `columns`: what `IpcWriter`
 * (ipc.ts) starts every stream with.
 */
export function ipcSchemaMessage(columns: readonly ArrowColumn[]): Uint8Array {
  const fb = schemaFlatbuffer(columns);
  const out = new Uint8Array(8 + fb.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, fb.length, true);
  out.set(fb, 8);
  return out;
}

/** The IPC stream of a table with `columns` and no rows: the schema message, then end of stream. */
export function ipcEmptyStream(columns: readonly ArrowColumn[]): Uint8Array {
  const schema = ipcSchemaMessage(columns);
  const out = new Uint8Array(schema.length + 8);
  out.set(schema, 0);
  new DataView(out.buffer).setUint32(schema.length, CONTINUATION, true); // then int32 0
  return out;
}
