import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import type { Chunk } from "../data/mod.ts";
import { chunksOf, type PlainColumn, withCodes } from "../../tests/helpers/profile.ts";
import { type ArrowColumn, chunkToIpc, ipcSchemaMessage, tableToChunk } from "./table.ts";
import { IpcWriter } from "./ipc.ts";
import { writerProperties } from "../parquet/writer_properties.ts";

/** Decoded rows of an IPC stream, int64 as strings, for deepEqual. */
function rowsOf(ipc: Uint8Array): unknown {
  const table = arrow.tableFromIPC(ipc);
  return JSON.parse(
    JSON.stringify(
      table.toArray().map((r) => r.toJSON()),
      (_, v) => typeof v === "bigint" ? String(v) : v,
    ),
  );
}

/** IpcWriter's stream decodes to the reference's arrays, and parquet-wasm writes the same file. */
function assertSameStream(writer: IpcWriter, chunk: Chunk, columns: ArrowColumn[], want: Chunk) {
  const reference = chunkToIpc(want, columns);
  const got = writer.write(chunk).slice();
  const table = arrow.tableFromIPC(got);
  assert.equal(table.numRows, chunk.rows);
  assert.deepEqual(
    table.schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
    arrow.tableFromIPC(reference).schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
  );
  assert.deepEqual(rowsOf(got), rowsOf(reference), `chunk ${chunk.index}`);
  // Back to a chunk: the same values and validity.
  const at = { index: chunk.index, start: chunk.start };
  assert.deepEqual(
    tableToChunk(table, columns, at),
    tableToChunk(arrow.tableFromIPC(reference), columns, at),
  );
  const a = pw.writeParquet(pw.Table.fromIPCStream(got), writerProperties(columns, chunk.rows));
  const b = pw.writeParquet(
    pw.Table.fromIPCStream(reference),
    writerProperties(columns, chunk.rows),
  );
  assert.ok(a.length === b.length && a.every((x, k) => x === b[k]), "same parquet bytes");
}

Deno.test("IpcWriter streams decode like apache-arrow's, call after call", () => {
  const n = 5000;
  const plain: Record<string, PlainColumn> = {
    b: {
      type: "boolean",
      values: Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : i % 2 === 0),
    },
    f: { type: "float", values: Array.from({ length: n }, (_, i) => i % 11 === 0 ? null : i / 3) },
    i: { type: "integer", values: Array.from({ length: n }, (_, i) => i * 1_000_003 - 2 ** 40) },
    s: {
      type: "string",
      values: Array.from({ length: n }, (_, i) => i % 5 === 0 ? null : `é${i}€`.repeat(i % 4)),
    },
    t: { type: "datetime", values: Array.from({ length: n }, (_, i) => 1.7e12 + i) },
    // Days of years 0000-9999, negative ones too (Date32), with nulls.
    d: {
      type: "date",
      values: Array.from({ length: n }, (_, i) => i % 13 === 0 ? null : -719_528 + i * 730),
    },
    u: { type: "string", values: Array.from({ length: n }, (_, i) => "x".repeat(i % 3)) },
  };
  const columns: ArrowColumn[] = Object.entries(plain).map(([name, c]) => ({
    name,
    type: c.type,
    nullable: name !== "u",
  }));
  const writer = new IpcWriter(columns, ipcSchemaMessage(columns));
  // Chunks of different sizes (odd ones too), so the reused buffer is both reused and grown.
  for (const rows of [1000, 5000, 3, 13]) {
    for (const chunk of chunksOf(plain, rows)) assertSameStream(writer, chunk, columns, chunk);
  }
});

Deno.test("IpcWriter writes coded string columns as their strings", () => {
  const words = ["USD", "", "Zürich", "東京", "e\u0301", "x".repeat(40)];
  const n = 3000;
  const plain: Record<string, PlainColumn> = {
    c: {
      type: "string",
      values: Array.from({ length: n }, (_, i) => i % 7 === 3 ? null : words[(i * 5) % 6]),
    },
    d: { type: "string", values: Array.from({ length: n }, (_, i) => words[i % 2]) },
  };
  const columns: ArrowColumn[] = [
    { name: "c", type: "string", nullable: true },
    { name: "d", type: "string", nullable: false },
  ];
  const writer = new IpcWriter(columns, ipcSchemaMessage(columns));
  for (const chunk of chunksOf(plain, 1024)) {
    const coded = withCodes(chunk);
    assert.ok([...coded.columns.values()].every((c) => c.type === "string" && c.codes));
    assertSameStream(writer, coded, columns, chunk);
  }
});

Deno.test("IpcWriter refuses bytes that are not a schema message", () => {
  const columns: ArrowColumn[] = [{ name: "x", type: "float", nullable: false }];
  const good = ipcSchemaMessage(columns);
  for (const bad of [new Uint8Array(0), good.slice(0, good.length - 8), good.slice(4)]) {
    assert.throws(() => new IpcWriter(columns, bad), /schema message/);
  }
});
