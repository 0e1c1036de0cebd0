/**
 * Minimal Thrift compact-protocol codec for Parquet metadata.
 *
 * Decodes a struct into a generic tree that keeps every field's id and wire
 * type, so `encodeStruct(decodeStruct(b).value)` reproduces `b` byte for byte
 * when `b` came from a canonical writer such as parquet-rs (minimal varints,
 * short field headers when the id delta is 1..15). Libraries that decode into
 * typed objects lose this: hyparquet-writer re-encodes i16 fields as i32, and
 * unknown fields are dropped, so their re-encoded footers differ from the original.
 *
 * Values: i8/i16/i32 are numbers, i64 is a bigint, double a number, binary a
 * Uint8Array (copied out of the input so the input buffer can be freed).
 * Booleans that are fields are `true`/`false`; booleans inside lists keep their
 * raw byte (1 = true; writers disagree on the false byte), so lists round-trip.
 *
 * @module
 */

/** Compact-protocol wire types (low nibble of a field header). */
export const T = {
  TRUE: 1,
  FALSE: 2,
  I8: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  STRUCT: 12,
} as const;

/** Any decoded value; how it is encoded is decided by the wire type beside it. */
export type ThriftValue =
  | boolean
  | number
  | bigint
  | Uint8Array
  | ThriftList
  | ThriftStruct;
/** One struct field with its id and wire type as read. */
export interface ThriftField {
  id: number;
  type: number;
  value: ThriftValue;
}
/** A struct: fields in wire order (parquet-rs writes them in increasing id). */
export interface ThriftStruct {
  fields: ThriftField[];
}
/** A list or set (the field's wire type says which). */
export interface ThriftList {
  elemType: number;
  items: ThriftValue[];
}

const isBool = (t: number) => t === T.TRUE || t === T.FALSE;
/** Deepest struct/list nesting decoded (parquet.thrift needs under 10). */
const MAX_DEPTH = 64;

/** Decode one struct starting at `offset`; `end` is the offset after its STOP byte. */
export function decodeStruct(bytes: Uint8Array, offset = 0): { value: ThriftStruct; end: number } {
  let pos = offset;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byte = () => {
    if (pos >= bytes.length) throw new RangeError("Thrift: unexpected end of input");
    return bytes[pos++];
  };
  // Unsigned varint; exact as a number up to 2^53, bigint beyond (i64 only).
  const varint = (): number | bigint => {
    let n = 0, mul = 1, b: number;
    do {
      b = byte();
      n += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80 && mul < 2 ** 49);
    if (!(b & 0x80)) return n;
    let big = BigInt(n), shift = 49n;
    do {
      b = byte();
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    return big;
  };
  const u32 = () => Number(varint());
  // Parquet metadata nests a few levels; hostile input could nest until the stack overflows.
  let depth = 0;
  const enter = () => {
    if (++depth > MAX_DEPTH) throw new RangeError(`Thrift: nested deeper than ${MAX_DEPTH}`);
  };
  const zigzag = (u: number) => (u % 2 ? -(u + 1) / 2 : u / 2);
  const value = (type: number): ThriftValue => {
    switch (type) {
      case T.I8:
        return (byte() << 24) >> 24;
      case T.I16:
      case T.I32:
        return zigzag(u32());
      case T.I64: {
        const u = varint();
        return typeof u === "number" ? BigInt(zigzag(u)) : (u >> 1n) ^ -(u & 1n);
      }
      case T.DOUBLE:
        pos += 8;
        if (pos > bytes.length) throw new RangeError("Thrift: unexpected end of input");
        return view.getFloat64(pos - 8, true);
      case T.BINARY: {
        const n = u32();
        if (pos + n > bytes.length) throw new RangeError("Thrift: unexpected end of input");
        return bytes.slice(pos, pos += n);
      }
      case T.LIST:
      case T.SET: {
        const h = byte();
        const elemType = h & 0x0f;
        const n = h >> 4 === 15 ? u32() : h >> 4;
        // Every element takes at least one byte: a count beyond the input is a lie.
        if (n > bytes.length - pos) throw new RangeError("Thrift: unexpected end of input");
        const items: ThriftValue[] = [];
        enter();
        for (let i = 0; i < n; i++) items.push(isBool(elemType) ? byte() : value(elemType));
        depth--;
        return { elemType, items };
      }
      case T.STRUCT: {
        const fields: ThriftField[] = [];
        enter();
        for (let last = 0;;) {
          const h = byte();
          if (h === 0) {
            depth--;
            return { fields };
          }
          const type = h & 0x0f;
          const id = h >> 4 ? last + (h >> 4) : zigzag(u32());
          last = id;
          fields.push({ id, type, value: isBool(type) ? type === T.TRUE : value(type) });
        }
      }
    }
    // MAP (11) is valid Thrift but parquet.thrift defines no maps.
    throw new Error(`Thrift: unsupported wire type ${type} at byte ${pos}`);
  };
  const struct = value(T.STRUCT) as ThriftStruct;
  return { value: struct, end: pos };
}

/** Encode a struct tree back to compact-protocol bytes. */
export function encodeStruct(struct: ThriftStruct): Uint8Array {
  let buf = new Uint8Array(256), pos = 0;
  const room = (n: number) => {
    if (pos + n <= buf.length) return;
    const next = new Uint8Array(Math.max(buf.length * 2, pos + n));
    next.set(buf);
    buf = next;
  };
  const byte = (b: number) => {
    room(1);
    buf[pos++] = b;
  };
  const varint = (u: number | bigint) => {
    room(10);
    if (typeof u === "number") {
      for (; u >= 128; u = Math.floor(u / 128)) buf[pos++] = (u % 128) | 0x80;
      buf[pos++] = u;
    } else {
      for (; u >= 128n; u >>= 7n) buf[pos++] = Number(u & 0x7fn) | 0x80;
      buf[pos++] = Number(u);
    }
  };
  const zigzag = (n: number) => (n < 0 ? -2 * n - 1 : 2 * n);
  const value = (type: number, v: ThriftValue): void => {
    switch (type) {
      case T.I8:
        return byte((v as number) & 0xff);
      case T.I16:
      case T.I32:
        return varint(zigzag(v as number));
      case T.I64:
        return varint(BigInt.asUintN(64, ((v as bigint) << 1n) ^ ((v as bigint) >> 63n)));
      case T.DOUBLE:
        room(8);
        new DataView(buf.buffer).setFloat64(pos, v as number, true);
        pos += 8;
        return;
      case T.BINARY: {
        const b = v as Uint8Array;
        varint(b.length);
        room(b.length);
        buf.set(b, pos);
        pos += b.length;
        return;
      }
      case T.LIST:
      case T.SET: {
        const { elemType, items } = v as ThriftList;
        if (items.length < 15) byte((items.length << 4) | elemType);
        else {
          byte(0xf0 | elemType);
          varint(items.length);
        }
        // List booleans are their raw byte.
        for (const x of items) isBool(elemType) ? byte(x as number) : value(elemType, x);
        return;
      }
      case T.STRUCT: {
        let last = 0;
        for (const f of (v as ThriftStruct).fields) {
          // A bool field's value lives in its header's type nibble.
          const t = isBool(f.type) ? (f.value ? T.TRUE : T.FALSE) : f.type;
          const delta = f.id - last;
          if (delta > 0 && delta <= 15) byte((delta << 4) | t);
          else {
            byte(t);
            varint(zigzag(f.id));
          }
          last = f.id;
          if (!isBool(t)) value(t, f.value);
        }
        return byte(0);
      }
    }
    throw new Error(`Thrift: cannot encode wire type ${type}`);
  };
  value(T.STRUCT, struct);
  return buf.slice(0, pos);
}

/**
 * Deep copy of a tree, for editing without touching the original. Binaries are
 * shared: nothing in this codec mutates them.
 */
export function cloneValue<V extends ThriftValue>(v: V): V {
  if (typeof v !== "object" || v instanceof Uint8Array) return v;
  if ("fields" in v) {
    return { fields: v.fields.map((f) => ({ ...f, value: cloneValue(f.value) })) } as V;
  }
  return { elemType: v.elemType, items: v.items.map(cloneValue) } as V;
}

/** Whether two trees encode to the same bytes (same ids, wire types and values). */
export function valuesEqual(a: ThriftValue, b: ThriftValue): boolean {
  if (typeof a !== "object" || typeof b !== "object") return Object.is(a, b);
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length &&
      a.every((x, i) => x === b[i]);
  }
  if ("fields" in a) {
    return "fields" in b && a.fields.length === b.fields.length &&
      a.fields.every((f, i) => {
        const g = b.fields[i];
        return f.id === g.id && f.type === g.type && valuesEqual(f.value, g.value);
      });
  }
  return "items" in b && a.elemType === b.elemType && a.items.length === b.items.length &&
    a.items.every((x, i) => valuesEqual(x, b.items[i]));
}

/** Set field `id` (replacing it in place, or inserting it in id order). */
export function setField(s: ThriftStruct, id: number, type: number, value: ThriftValue): void {
  const i = s.fields.findIndex((f) => f.id >= id);
  if (i >= 0 && s.fields[i].id === id) s.fields[i] = { id, type, value };
  else s.fields.splice(i < 0 ? s.fields.length : i, 0, { id, type, value });
}

/** Field `id`, checked against the wire types `types`; throws when present with another type. */
function typed(s: ThriftStruct, id: number, types: number[]): ThriftValue | undefined {
  const f = s.fields.find((f) => f.id === id);
  if (f && !types.includes(f.type)) {
    throw new Error(`Thrift: field ${id} has wire type ${f.type}, expected ${types.join("/")}`);
  }
  return f?.value;
}

/** An i64 field as a bigint. */
export function getI64(s: ThriftStruct, id: number): bigint | undefined {
  return typed(s, id, [T.I64]) as bigint | undefined;
}
/** An i8/i16/i32 field as a number. */
export function getInt(s: ThriftStruct, id: number): number | undefined {
  return typed(s, id, [T.I8, T.I16, T.I32]) as number | undefined;
}
/** A binary/string field as bytes. */
export function getBinary(s: ThriftStruct, id: number): Uint8Array | undefined {
  return typed(s, id, [T.BINARY]) as Uint8Array | undefined;
}
/** A bool field. */
export function getBool(s: ThriftStruct, id: number): boolean | undefined {
  return typed(s, id, [T.TRUE, T.FALSE]) as boolean | undefined;
}
/** A struct (or union) field. */
export function getStruct(s: ThriftStruct, id: number): ThriftStruct | undefined {
  return typed(s, id, [T.STRUCT]) as ThriftStruct | undefined;
}
/** A list or set field. */
export function getList(s: ThriftStruct, id: number): ThriftList | undefined {
  return typed(s, id, [T.LIST, T.SET]) as ThriftList | undefined;
}
