import assert from "node:assert/strict";
import { type Chunk, CHUNK_ROWS, type ColumnValues } from "../data/mod.ts";
import { InputError } from "../errors.ts";
import { type ColumnSpec, csvToChunks, inferCsvColumns, ValueError } from "./convert.ts";
import { parseCsv } from "../csv/mod.ts";

const enc = new TextEncoder();

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield enc.encode(text);
}

function events(text: string) {
  return parseCsv(once(text), { file: "t.csv", batchRows: 3 });
}

async function chunks(text: string, columns: ColumnSpec[], chunkRows?: number): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of csvToChunks(events(text), columns, { file: "t.csv", chunkRows })) {
    out.push(c);
  }
  return out;
}

const TEXT = [
  "name,amount,id,ok,ts",
  "a,1.5,1,true,2024-01-01",
  "b,,2,false,2024-01-01T00:00:01Z",
  ",3,3,,",
  "d,4e2,4,true,1970-01-01T00:00:00.001Z",
  "e,-5,5,false,2000-01-01",
].join("\r\n");

Deno.test("infer then convert: typed columns, sorted names, fixed chunk size", async () => {
  const cols = await inferCsvColumns(events(TEXT), { file: "t.csv" });
  assert.deepEqual(cols, [
    { name: "name", type: "string", nullable: true },
    { name: "amount", type: "float", nullable: true },
    { name: "id", type: "integer", nullable: false },
    { name: "ok", type: "boolean", nullable: true },
    { name: "ts", type: "datetime", nullable: true },
  ]);
  const got = await chunks(TEXT, cols, 2);
  assert.deepEqual(got.map((c) => [c.index, c.start, c.rows]), [[0, 0, 2], [1, 2, 2], [2, 4, 1]]);
  for (const c of got) {
    assert.deepEqual([...c.columns.keys()], ["amount", "id", "name", "ok", "ts"]);
  }
  const col = (name: string): ColumnValues[] => got.map((c) => c.columns.get(name)!);
  assert.deepEqual(
    col("amount").map((
      c,
    ) => [Array.from(c.values as Float64Array), c.valid && Array.from(c.valid)]),
    [
      [[1.5, 0], [1, 0]],
      [[3, 400], null],
      [[-5], null],
    ],
  );
  assert.deepEqual(col("id").map((c) => c.values), [
    Float64Array.of(1, 2),
    Float64Array.of(3, 4),
    Float64Array.of(5),
  ]);
  assert.deepEqual(col("name")[1], {
    type: "string",
    values: ["", "d"],
    valid: Uint8Array.of(0, 1),
  });
  assert.deepEqual(col("ok")[0], { type: "boolean", values: Uint8Array.of(1, 0), valid: null });
  assert.deepEqual(col("ts").map((c) => Array.from(c.values as Float64Array)), [
    [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 0, 1)],
    [0, 1],
    [Date.UTC(2000, 0, 1)],
  ]);
  assert.equal(col("ts")[1].valid?.[0], 0);
});

Deno.test("default chunk size is CHUNK_ROWS", async () => {
  const n = CHUNK_ROWS + 5;
  const text = "v\n" + Array.from({ length: n }, (_, i) => `${i}\n`).join("");
  const got = await chunks(text, [{ name: "v", type: "integer" }]);
  assert.deepEqual(got.map((c) => c.rows), [CHUNK_ROWS, 5]);
  assert.equal(got[1].start, CHUNK_ROWS);
  assert.equal(got[1].columns.get("v")!.values[4], n - 1);
});

Deno.test("values that do not parse give file, line, column number and name", async () => {
  const text = 'id,when,flag\n1,2024-01-01,true\n2,"2024-02-30",false\n';
  const specs: ColumnSpec[] = [
    { name: "id", type: "integer" },
    { name: "when", type: "datetime" },
    { name: "flag", type: "boolean" },
  ];
  const err = await chunks(text, specs).then(() => assert.fail("expected failure"), (e) => e);
  assert.ok(err instanceof ValueError);
  assert.deepEqual(err.loc, { file: "t.csv", line: 3, col: 2 });
  assert.equal(err.column, "when");
  assert.equal(err.value, "2024-02-30");
  assert.equal(err.type, "datetime");
  assert.equal(
    err.message,
    't.csv:3:2: column "when" (datetime): "2024-02-30": not a real date or time of day',
  );

  const cases: [string, ColumnSpec[], { line: number; col: number }, RegExp][] = [
    [
      // The record after a two-line record is on line 5, not row 4.
      'a,b\n1,2\n"multi\nline",3\n4,NAN\n',
      [{ name: "a", type: "string" }, { name: "b", type: "integer" }],
      { line: 5, col: 2 },
      /column "b" \(integer\): "NAN": expected an integer/,
    ],
    [
      "a,b\n1,2\nNA,3\n",
      [{ name: "a", type: "integer", nullable: false }, { name: "b", type: "integer" }],
      { line: 3, col: 1 },
      /column "a" \(integer\): "NA": a null token, but the column is not nullable/,
    ],
    [
      "a,b\n1,2\n,3\n",
      [{ name: "a", type: "integer", nullable: false }, { name: "b", type: "integer" }],
      { line: 3, col: 1 },
      /column "a" \(integer\): "": empty, but the column is not nullable/,
    ],
  ];
  for (const [csv, cols, loc, re] of cases) {
    const r = await chunks(csv, cols).then(() => null, (e) => e);
    assert.ok(r instanceof ValueError);
    assert.deepEqual(r.loc, { file: "t.csv", ...loc });
    assert.match(r.message, re);
  }
});

Deno.test("the header must match the declared columns", async () => {
  const cases: [string, ColumnSpec[], number, RegExp][] = [
    ["a,b\n1,2\n", [{ name: "a", type: "integer" }], 2, /column "b" is not declared/],
    [
      "a\n1\n",
      [{ name: "a", type: "integer" }, { name: "c", type: "string" }],
      1,
      /lacks declared column\(s\): c/,
    ],
  ];
  for (const [csv, cols, col, re] of cases) {
    const e = await chunks(csv, cols).then(() => assert.fail(), (x) => x);
    assert.ok(e instanceof InputError);
    assert.deepEqual(e.loc, { file: "t.csv", line: 1, col });
    assert.match(e.message, re);
  }
});

Deno.test("columns may be declared in any order; header order is irrelevant to chunks", async () => {
  const a = await chunks("x,y\n1,2\n", [{ name: "y", type: "integer" }, {
    name: "x",
    type: "integer",
  }]);
  const b = await chunks("y,x\n2,1\n", [{ name: "x", type: "integer" }, {
    name: "y",
    type: "integer",
  }]);
  assert.deepEqual(a, b);
});

Deno.test("quoted empty is the empty string in string columns; unquoted empty is null", async () => {
  const text = 'name,n\n"",""\n,\nx,1\n';
  const bytes = new TextEncoder().encode(text);
  const events = parseCsv(
    (async function* () {
      yield bytes;
    })(),
    { file: "e.csv" },
  );
  const chunks = [];
  for await (
    const c of csvToChunks(events, [{ name: "n", type: "integer" }, {
      name: "name",
      type: "string",
    }], {
      file: "e.csv",
    })
  ) chunks.push(c);
  const name = chunks[0].columns.get("name")!;
  const n = chunks[0].columns.get("n")!;
  assert.deepEqual(name.values, ["", "", "x"]);
  assert.deepEqual(Array.from(name.valid!), [1, 0, 1]);
  assert.deepEqual(Array.from(n.valid!), [0, 0, 1]);
  const inferred = await inferCsvColumns(
    parseCsv(
      (async function* () {
        yield bytes;
      })(),
      { file: "e.csv" },
    ),
    { file: "e.csv" },
  );
  assert.deepEqual(inferred.map((c) => [c.name, c.type, c.nullable]), [["name", "string", true], [
    "n",
    "string",
    true,
  ]]);
});
