import * as assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { COLUMN_TYPES, type ColumnType } from "../data/mod.ts";
import { chunksOf, type PlainColumn } from "../../tests/helpers/profile.ts";
import { arrowSchema, chunkToIpc } from "./table.ts";
import { type ArrowColumn, ipcEmptyStream, ipcSchemaMessage } from "./schema.ts";
import { IpcWriter } from "./ipc.ts";
import { writerProperties } from "../parquet/writer_properties.ts";

const TYPES: ColumnType[] = [...COLUMN_TYPES];

/** apache-arrow's own bytes for the same schema: an empty table's stream. */
function referenceStream(columns: readonly ArrowColumn[]): Uint8Array {
  return arrow.tableToIPC(new arrow.Table(arrowSchema(columns)), "stream");
}

const describe = (s: arrow.Schema) =>
  s.fields.map((f) => ({
    name: f.name,
    type: String(f.type),
    typeId: f.type.typeId,
    nullable: f.nullable,
    metadata: [...f.metadata],
  }));

Deno.test("ipcSchemaMessage decodes (apache-arrow) to arrowSchema's fields", () => {
  const cases: ArrowColumn[][] = [
    [],
    TYPES.map((type, i) => ({ name: `c${i}`, type, nullable: i % 2 === 0 })),
    TYPES.map((type, i) => ({ name: `c${i}`, type, nullable: i % 2 === 1 })),
    // Names that are not ASCII, empty, or long; enough columns to grow the builder's buffer.
    [
      { name: "", type: "float", nullable: true },
      { name: "Zürich 東京 e\u0301", type: "string", nullable: false },
      ...Array.from({ length: 60 }, (_, i) => ({
        name: `column_${"x".repeat(i)}`,
        type: TYPES[i % TYPES.length],
        nullable: i % 3 === 0,
      })),
    ],
  ];
  for (const columns of cases) {
    const decoded = arrow.tableFromIPC(ipcEmptyStream(columns));
    assert.equal(decoded.numRows, 0);
    assert.deepEqual(describe(decoded.schema), describe(arrowSchema(columns)));
    assert.deepEqual([...decoded.schema.metadata], []);
    const message = ipcSchemaMessage(columns);
    const view = new DataView(message.buffer);
    assert.equal(view.getUint32(0, true), 0xffffffff);
    assert.equal(view.getInt32(4, true) + 8, message.length);
    assert.equal(message.length % 8, 0);
  }
});

Deno.test("parquet-wasm writes the same bytes from this schema message as from apache-arrow's", () => {
  const columns: ArrowColumn[] = TYPES.map((type, i) => ({
    name: `${type}_${i}`,
    type,
    nullable: i !== 1,
  }));
  // Empty tables (the zero-row data.parquet).
  const props = () => writerProperties(columns, 1024);
  assert.deepEqual(
    pw.writeParquet(pw.Table.fromIPCStream(ipcEmptyStream(columns)), props()),
    pw.writeParquet(pw.Table.fromIPCStream(referenceStream(columns)), props()),
  );
  // A chunk with values and nulls: IpcWriter with this message against apache-arrow's writer.
  const plain: Record<string, PlainColumn> = {};
  columns.forEach((c, i) => {
    const n = 1000;
    const valid = (r: number) => !c.nullable || (r * 7 + i) % 11 !== 0;
    plain[c.name] = {
      type: c.type,
      values: Array.from({ length: n }, (_, r) => {
        if (!valid(r)) return null;
        switch (c.type) {
          case "string":
            return ["a", "bb", "Zürich"][r % 3];
          case "integer":
            return r * 3 - 500;
          case "float":
            return r / 7;
          case "boolean":
            return r % 3 === 0;
          case "datetime":
            return 1_700_000_000_000 + r * 1000;
        }
      }),
    } as PlainColumn;
  });
  const writer = new IpcWriter(columns, ipcSchemaMessage(columns));
  for (const chunk of chunksOf(plain, 1000)) {
    assert.deepEqual(
      pw.writeParquet(pw.Table.fromIPCStream(writer.write(chunk)), props()),
      pw.writeParquet(pw.Table.fromIPCStream(chunkToIpc(chunk, columns)), props()),
    );
  }
});
