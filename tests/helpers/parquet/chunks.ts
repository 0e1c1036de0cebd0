/**
 * A small chunk with one column of each sdp type (nulls in the float and
 * string columns), for tests that encode, read back or corrupt Parquet.
 */
import type { ArrowColumn } from "../../../src/arrow/table.ts";
import type { Chunk } from "../../../src/data/mod.ts";

/** The columns of {@link mixedChunk}, in the order sdp writes them. */
export const MIXED_COLUMNS: ArrowColumn[] = [
  { name: "a_int", type: "integer", nullable: false },
  { name: "b_float", type: "float", nullable: true },
  { name: "c_str", type: "string", nullable: true },
  { name: "d_bool", type: "boolean", nullable: false },
  { name: "e_time", type: "datetime", nullable: false },
];

/** Rows `start .. start + rows` of the mixed table; `text` gives row x's string. */
export function mixedChunk(
  index: number,
  start: number,
  rows: number,
  options: { text: (x: number) => string },
): Chunk {
  const i = Array.from({ length: rows }, (_, k) => start + k);
  return {
    index,
    start,
    rows,
    columns: new Map([
      ["a_int", { type: "integer", values: Float64Array.from(i, (x) => x * 1000003), valid: null }],
      ["b_float", {
        type: "float",
        values: Float64Array.from(i, (x) => (x % 3 === 0 ? 0 : x / 7)),
        valid: Uint8Array.from(i, (x) => (x % 3 === 0 ? 0 : 1)),
      }],
      ["c_str", {
        type: "string",
        values: i.map(options.text),
        valid: Uint8Array.from(i, (x) => (x % 10 === 0 ? 0 : 1)),
      }],
      ["d_bool", { type: "boolean", values: Uint8Array.from(i, (x) => x & 1), valid: null }],
      ["e_time", {
        type: "datetime",
        values: Float64Array.from(i, (x) => 1_700_000_000_000 + x * 1001),
        valid: null,
      }],
    ]),
  } as Chunk;
}
