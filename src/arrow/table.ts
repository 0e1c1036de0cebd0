/**
 * Conversion between sdp {@link Chunk}s and Arrow record batches.
 *
 * Type mapping (part of the format contract):
 * string -> Utf8, integer -> Int64, float -> Float64, boolean -> Bool,
 * datetime -> Timestamp(millisecond, "UTC"), date -> Date32 (days; Parquet
 * DATE). Non-nullable columns become
 * non-nullable fields (REQUIRED in Parquet).
 */
import * as arrow from "apache-arrow";
import type { Chunk, ColumnType, ColumnValues } from "../data/mod.ts";
import type { ArrowColumn } from "./schema.ts";
import { columnInt64, exactInt64, fromInt64, toInt64 } from "./int64.ts";

export { fromInt64, toInt64 };
export type { ArrowColumn };
// The schema message is laid out without this library (start-up cost): schema.ts.
export { ipcEmptyStream, ipcSchemaMessage } from "./schema.ts";

/** Arrow data type for an sdp column type. */
export function arrowType(type: ColumnType): arrow.DataType {
  switch (type) {
    case "string":
      return new arrow.Utf8();
    case "integer":
      return new arrow.Int64();
    case "float":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "datetime":
      return new arrow.TimestampMillisecond("UTC");
    case "date":
      return new arrow.DateDay();
  }
}

/** Arrow schema for columns in the given (sorted) order. */
export function arrowSchema(columns: readonly ArrowColumn[]): arrow.Schema {
  return new arrow.Schema(
    columns.map((c) => new arrow.Field(c.name, arrowType(c.type), c.nullable)),
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function nullBitmap(
  valid: Uint8Array | null,
  rows: number,
): { bitmap?: Uint8Array; nulls: number } {
  if (valid === null) return { nulls: 0 };
  const bitmap = new Uint8Array(Math.ceil(rows / 8));
  let nulls = 0;
  for (let i = 0; i < rows; i++) {
    if (valid[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { nulls: 0 } : { bitmap, nulls };
}

function columnData(
  col: ColumnValues,
  type: arrow.DataType,
  rows: number,
): arrow.Data {
  const { bitmap, nulls } = nullBitmap(col.valid, rows);
  const base = { type, length: rows, nullCount: nulls, nullBitmap: bitmap };
  switch (col.type) {
    case "float":
      return arrow.makeData({ ...base, type: type as arrow.Float64, data: col.values });
    case "integer":
    case "datetime": {
      // deno-lint-ignore no-explicit-any
      return arrow.makeData({ ...base, type: type as any, data: columnInt64(col) });
    }
    case "date":
      return arrow.makeData({
        ...base,
        type: type as arrow.DateDay,
        data: Int32Array.from(col.values),
      });
    case "boolean": {
      const bits = new Uint8Array(Math.ceil(rows / 8));
      for (let i = 0; i < rows; i++) if (col.values[i]) bits[i >> 3] |= 1 << (i & 7);
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: bits });
    }
    case "string": {
      const offsets = new Int32Array(rows + 1);
      let buf = new Uint8Array(Math.max(1024, rows * 16));
      let pos = 0;
      for (let i = 0; i < rows; i++) {
        const s = col.values[i];
        // UTF-8 takes at most 3 bytes per UTF-16 code unit.
        if (pos + s.length * 3 > buf.length) {
          const next = new Uint8Array(Math.max(buf.length * 2, pos + s.length * 3));
          next.set(buf.subarray(0, pos));
          buf = next;
        }
        // ASCII is copied code unit by code unit: an encodeInto call per short
        // string costs more than the copy. Anything else goes through the encoder.
        let j = 0;
        for (; j < s.length; j++) {
          const c = s.charCodeAt(j);
          if (c >= 0x80) break;
          buf[pos + j] = c;
        }
        pos += j === s.length ? j : encoder.encodeInto(s, buf.subarray(pos)).written;
        offsets[i + 1] = pos;
      }
      return arrow.makeData({
        ...base,
        type: type as arrow.Utf8,
        data: buf.subarray(0, pos),
        valueOffsets: offsets,
      });
    }
  }
}

/** Build an Arrow record batch (columns in `columns` order) from a chunk. */
function chunkToRecordBatch(
  chunk: Chunk,
  columns: readonly ArrowColumn[],
): arrow.RecordBatch {
  const schema = arrowSchema(columns);
  const children = columns.map((c, i) => {
    const col = chunk.columns.get(c.name);
    if (!col) throw new Error(`chunk ${chunk.index} lacks column "${c.name}"`);
    if (col.type !== c.type) {
      throw new Error(
        `chunk ${chunk.index} column "${c.name}" is ${col.type}, schema says ${c.type}`,
      );
    }
    return columnData(col, schema.fields[i].type, chunk.rows);
  });
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: chunk.rows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}

/**
 * Arrow IPC stream bytes of one chunk through apache-arrow's writer: the
 * reference that `IpcWriter` (ipc.ts, the encoder's path) is tested
 * against.
 */
export function chunkToIpc(chunk: Chunk, columns: readonly ArrowColumn[]): Uint8Array {
  const batch = chunkToRecordBatch(chunk, columns);
  return arrow.tableToIPC(new arrow.Table(batch), "stream");
}

function validFrom(data: arrow.Data, rows: number): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap) return null;
  const valid = new Uint8Array(rows);
  const bm = data.nullBitmap;
  const off = data.offset;
  for (let i = 0; i < rows; i++) {
    const j = i + off;
    valid[i] = (bm[j >> 3] >> (j & 7)) & 1;
  }
  return valid;
}

function fromData(data: arrow.Data, type: ColumnType, rows: number): ColumnValues {
  const valid = validFrom(data, rows);
  const off = data.offset;
  switch (type) {
    case "float": {
      const src = data.values as Float64Array;
      return { type, values: Float64Array.from(src.subarray(off, off + rows)), valid };
    }
    case "integer":
    case "datetime": {
      const src = data.values as BigInt64Array | Float64Array | Int32Array;
      const exact = type === "integer" ? exactInt64(src, off, rows) : undefined;
      const values = fromInt64(src, off, rows);
      return exact === undefined ? { type, values, valid } : { type, values, valid, exact };
    }
    case "date": {
      // Our files hold Date32: int32 days.
      const src = data.values as Int32Array;
      return { type, values: Float64Array.from(src.subarray(off, off + rows)), valid };
    }
    case "boolean": {
      const bits = data.values as Uint8Array;
      const values = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) {
        const j = i + off;
        values[i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      return { type, values, valid };
    }
    case "string": {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const values = new Array<string>(rows);
      const lo = offsets[off];
      const hi = offsets[off + rows];
      // One decode for the whole buffer; when it is ASCII, byte offsets are
      // character offsets and each value is a slice (10x fewer decoder calls).
      const all = decoder.decode(bytes.subarray(lo, hi));
      const ascii = all.length === hi - lo;
      for (let i = 0; i < rows; i++) {
        if (valid && !valid[i]) values[i] = "";
        else if (ascii) values[i] = all.slice(offsets[off + i] - lo, offsets[off + i + 1] - lo);
        else values[i] = decoder.decode(bytes.subarray(offsets[off + i], offsets[off + i + 1]));
      }
      return { type, values, valid };
    }
  }
}

/**
 * Convert an Arrow table slice into a chunk whose columns follow `columns`.
 * Columns are matched by name; a missing column or a type that does not map
 * to the declared type throws.
 */
export function tableToChunk(
  table: arrow.Table,
  columns: readonly ArrowColumn[],
  position: { index: number; start: number },
): Chunk {
  const rows = table.numRows;
  const out = new Map<string, ColumnValues>();
  for (const c of columns) {
    const vec = table.getChild(c.name);
    if (!vec) throw new Error(`column "${c.name}" is missing from the file`);
    const parts = vec.data.map((d) => fromData(d, c.type, d.length));
    out.set(c.name, parts.length === 1 ? parts[0] : concatColumns(parts, c.type, rows));
  }
  return { index: position.index, start: position.start, rows, columns: out };
}

function concatColumns(parts: ColumnValues[], type: ColumnType, rows: number): ColumnValues {
  const anyNull = parts.some((p) => p.valid !== null);
  const valid = anyNull ? new Uint8Array(rows) : null;
  let pos = 0;
  if (type === "string") {
    const values: string[] = [];
    for (const p of parts) {
      for (const v of p.values as string[]) values.push(v);
      if (valid) valid.set(p.valid ?? new Uint8Array(p.values.length).fill(1), pos);
      pos += p.values.length;
    }
    return { type, values, valid };
  }
  const values = type === "boolean" ? new Uint8Array(rows) : new Float64Array(rows);
  for (const p of parts) {
    values.set(p.values as Float64Array & Uint8Array, pos);
    if (valid) valid.set(p.valid ?? new Uint8Array(p.values.length).fill(1), pos);
    pos += p.values.length;
  }
  return type === "boolean"
    ? { type, values: values as Uint8Array, valid }
    : { type, values: values as Float64Array, valid };
}
