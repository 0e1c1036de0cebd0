import assert from "node:assert/strict";
import {
  cloneValue,
  decodeStruct,
  encodeStruct,
  getI64,
  getInt,
  getList,
  getStruct,
  setField,
  T,
  type ThriftStruct,
  valuesEqual,
} from "./thrift.ts";
import { encodeChunk } from "../../tests/helpers/parquet/encode_chunk.ts";
import { CONFIGS, makeRows, makeTable } from "../../tests/helpers/parquet/fixtures.ts";

/** Decode the struct at `offset` and re-encode it; must give the same bytes. */
function assertRoundTrip(bytes: Uint8Array, offset: number, what: string): ThriftStruct {
  const { value, end } = decodeStruct(bytes, offset);
  assert.deepEqual(encodeStruct(value), bytes.slice(offset, end), `${what} at ${offset}`);
  return value;
}

Deno.test("thrift: every footer, index and page header of parquet-wasm files round-trips", () => {
  const table = makeTable(makeRows());
  for (const [name, props] of Object.entries(CONFIGS)) {
    const file = encodeChunk(table, props);
    const len = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true);
    const footer = assertRoundTrip(file, file.length - 8 - len, `${name} footer`);
    let headers = 0;
    for (const rg of getList(footer, 4)!.items as ThriftStruct[]) {
      for (const cc of getList(rg, 1)!.items as ThriftStruct[]) {
        // ColumnIndex holds list<bool> null_pages: checks raw bytes for bools in lists.
        assertRoundTrip(file, Number(getI64(cc, 6)), `${name} ColumnIndex`);
        const oi = assertRoundTrip(file, Number(getI64(cc, 4)), `${name} OffsetIndex`);
        for (const loc of getList(oi, 1)!.items as ThriftStruct[]) {
          assertRoundTrip(file, Number(getI64(loc, 1)), `${name} PageHeader`);
          headers++;
        }
        const dict = getI64(getStruct(cc, 3)!, 11);
        if (dict !== undefined) assertRoundTrip(file, Number(dict), `${name} dictionary header`);
      }
    }
    assert.ok(headers >= 25, `${name}: ${headers} page headers checked`);
  }
});

Deno.test("thrift: known bytes and edge cases", () => {
  // {1: i32 -1} -> short header 0x15, zigzag(-1) = 1, STOP.
  assert.deepEqual(
    encodeStruct({ fields: [{ id: 1, type: T.I32, value: -1 }] }),
    new Uint8Array([0x15, 0x01, 0x00]),
  );
  const s: ThriftStruct = {
    fields: [
      { id: 1, type: T.TRUE, value: true },
      { id: 2, type: T.I8, value: -5 },
      { id: 3, type: T.I16, value: -32768 },
      { id: 20, type: T.I64, value: -(2n ** 63n) }, // delta 17: long header
      { id: 21, type: T.I64, value: 2n ** 63n - 1n },
      { id: 22, type: T.I64, value: 2n ** 50n + 3n }, // beyond the number fast path
      { id: 7, type: T.DOUBLE, value: -1.5 }, // negative delta: long header
      { id: 8, type: T.BINARY, value: new TextEncoder().encode("héllo") },
      {
        id: 9,
        type: T.LIST,
        value: { elemType: T.I32, items: Array.from({ length: 20 }, (_, i) => i - 10) },
      },
      { id: 10, type: T.LIST, value: { elemType: T.TRUE, items: [1, 2, 1] } },
      { id: 11, type: T.SET, value: { elemType: T.BINARY, items: [new Uint8Array([65])] } },
      { id: 12, type: T.LIST, value: { elemType: T.STRUCT, items: [] } },
      { id: 13, type: T.STRUCT, value: { fields: [{ id: 1, type: T.FALSE, value: false }] } },
    ],
  };
  const bytes = encodeStruct(s);
  const back = decodeStruct(bytes);
  assert.equal(back.end, bytes.length);
  assert.deepEqual(back.value, s);
  assert.deepEqual(encodeStruct(back.value), bytes);
  // cloneValue is deep (editing the copy leaves the original) and valuesEqual sees it.
  const copy = cloneValue(s);
  assert.ok(valuesEqual(copy, s));
  setField(getStruct(copy, 13)!, 1, T.TRUE, true);
  assert.equal(getStruct(s, 13)!.fields[0].value, false);
  assert.ok(!valuesEqual(copy, s));
});

Deno.test("thrift: setField replaces in place or inserts in id order; typed getters check", () => {
  const s: ThriftStruct = {
    fields: [{ id: 1, type: T.I32, value: 1 }, { id: 5, type: T.I64, value: 5n }],
  };
  setField(s, 3, T.I16, 3);
  setField(s, 5, T.I64, 6n);
  setField(s, 9, T.I32, 9);
  assert.deepEqual(s.fields.map((f) => f.id), [1, 3, 5, 9]);
  assert.equal(getI64(s, 5), 6n);
  assert.equal(getInt(s, 3), 3);
  assert.throws(() => getI64(s, 1), /wire type 5/);
  assert.throws(() => decodeStruct(new Uint8Array([0x15])), /unexpected end/);
  assert.throws(() => decodeStruct(new Uint8Array([0x1b, 0x00, 0x00])), /unsupported wire type 11/);
});
