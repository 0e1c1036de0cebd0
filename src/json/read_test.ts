import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import {
  type JsonCell,
  JsonNested,
  JsonNumber,
  type JsonOptions,
  parseJsonRecords,
} from "./read.ts";
import { JsonInference } from "./convert.ts";

const enc = new TextEncoder();

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function plain(v: JsonCell): unknown {
  if (v instanceof JsonNumber) return { n: v.text };
  if (v instanceof JsonNested) return { json: v.text };
  return v;
}

async function parse(
  input: string | Uint8Array,
  opts: Partial<JsonOptions> & { chunk?: number } = {},
) {
  const b = typeof input === "string" ? enc.encode(input) : input;
  const out: { rec: Record<string, unknown>; at: string[]; line: number; col: number }[] = [];
  for await (
    const batch of parseJsonRecords(chunksOf(b, opts.chunk ?? 65536), { file: "in.json", ...opts })
  ) {
    for (const r of batch) {
      out.push({
        rec: Object.fromEntries(r.keys.map((k, i) => [k, plain(r.values[i])])),
        at: r.keys.map((_, i) => `${r.lines[i]}:${r.cols[i]}`),
        line: r.line,
        col: r.col,
      });
    }
  }
  return out;
}

async function parseError(
  input: string | Uint8Array,
  opts: Partial<JsonOptions> & { chunk?: number } = {},
) {
  try {
    await parse(input, opts);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  assert.fail("expected an InputError");
}

Deno.test("JSON array and JSON Lines give the same records, at any chunk size", async () => {
  const array =
    '\uFEFF[\n  {"a": 1, "b": "x\\"y", "c": null},\n  {"a": -2.5e3, "b": "Zoë", "d": true}\n]\n';
  const lines = '{"a":1,"b":"x\\"y","c":null}\r\n\n{"a":-2.5e3,"b":"Zoë","d":true}';
  const want = [
    { a: { n: "1" }, b: 'x"y', c: null },
    { a: { n: "-2.5e3" }, b: "Zoë", d: true },
  ];
  for (const chunk of [1, 2, 3, 7, 65536]) {
    const a = await parse(array, { chunk });
    assert.deepEqual(a.map((r) => r.rec), want, `array, chunk ${chunk}`);
    assert.deepEqual(a.map((r) => [r.line, r.col]), [[2, 3], [3, 3]]);
    assert.deepEqual(a[1].at, ["3:9", "3:22", "3:34"]);
    const l = await parse(lines, { chunk });
    assert.deepEqual(l.map((r) => r.rec), want, `lines, chunk ${chunk}`);
    assert.deepEqual(l.map((r) => r.line), [1, 3]);
  }
  assert.deepEqual(await parse("[]"), []);
  assert.deepEqual((await parse("[{}]")).map((r) => r.rec), [{}]);
});

Deno.test("nested values: an error naming the field, or JSON text without blanks", async () => {
  const text = '{"id": 1, "tags": [1, "a b", {"k": [true, null]}], "o": {}}\n';
  const err = await parseError(text);
  assert.deepEqual(err.loc, { file: "in.json", line: 1, col: 19 });
  assert.match(err.message, /field "tags" holds a nested array; .*--nested-as-json/);
  const [r] = await parse(text, { nested: "json" });
  assert.deepEqual(r.rec, {
    id: { n: "1" },
    tags: { json: '[1,"a b",{"k":[true,null]}]' },
    o: { json: "{}" },
  });
  const deep = "[".repeat(100) + "]".repeat(100);
  assert.match((await parseError(`{"a": ${deep}}`, { nested: "json" })).message, /deeper than 64/);
});

Deno.test("JSON errors name line and column", async () => {
  const cases: [string | Uint8Array, number, number, RegExp][] = [
    ["", 1, 1, /empty/],
    ["  \n ", 2, 2, /empty/],
    ["x", 1, 1, /unexpected "x" where `\[`.*or `\{`/],
    ["[1, 2]", 1, 2, /element 1 of the array is not an object/],
    ['[{"a":1},\n 3]', 2, 2, /element 2 of the array is not an object/],
    ['[{"a":1},]', 1, 10, /unexpected "]" where an object/],
    ['[{"a":1}] x', 1, 11, /the end of the file after the array/],
    ['[{"a":1}', 1, 9, /ends where `,` or `]`/],
    ['{"a":1}\n[2]', 2, 1, /an object \(one per line\)/],
    ['{"a":1,\n"a":2}', 2, 1, /key "a" appears twice/],
    ['{"a": NaN}', 1, 7, /"NaN" is not a JSON value/],
    ["{'a': 1}", 1, 2, /a key in double quotes/],
    ['{"a": 01}', 1, 7, /"01" is not a JSON value/],
    ['{"a": "x\ty"}', 1, 9, /control character/],
    ['{"a": "\\ud800"}', 1, 7, /lone surrogate/],
    ['{"a": "\\q"}', 1, 7, /invalid escape/],
    ['{"a": 1', 1, 1, /ends inside the record .*an unclosed/],
    ['{"a": "1}', 1, 1, /ends inside the record .*unterminated string/],
    [
      new Uint8Array([...enc.encode('{"a":\n "x'), 0xff, ...enc.encode('"}')]),
      2,
      4,
      /invalid UTF-8/,
    ],
    [new Uint8Array([0x7b, 0x7d, 0x0a, 0xc3]), 2, 1, /non-ASCII byte 0xc3/],
  ];
  for (const [text, line, col, re] of cases) {
    for (const chunk of [1, 65536]) {
      const err = await parseError(text, { chunk });
      assert.deepEqual(
        err.loc,
        { file: "in.json", line, col },
        `${text} (chunk ${chunk}): ${err.message}`,
      );
      assert.match(err.message, re);
    }
  }
});

Deno.test("a record longer than the limit is an error, not a hang (bounded memory)", async () => {
  const text = '{"a": 1}\n{"a": "' + "x".repeat(5000) + '"}\n';
  const err = await parseError(text, { chunk: 64, maxRecordBytes: 1000 });
  assert.deepEqual(err.loc, { file: "in.json", line: 2, col: 1 });
  assert.match(err.message, /a record longer than 1000 bytes starts here/);
  // An unclosed bracket in a long array stops at the limit too.
  const open = '[{"a": [' + "1,".repeat(10_000);
  assert.match(
    (await parseError(open, { chunk: 100, maxRecordBytes: 1000 })).message,
    /longer than 1000/,
  );
});

Deno.test("JsonInference: union of keys in first-seen order, JSON kinds to sdp types", async () => {
  const text = [
    '{"i": 1, "f": 1, "b": true, "t": "2024-12-05 19:27:44+00", "s": "007", "m": 1, "big": 9007199254740993}',
    '{"i": -3, "f": 2.5, "b": false, "t": "2024-12-05T19:27:44", "s": "x", "m": "one", "n": null}',
    '{"big": 1, "new": {"k": 1}, "wide": 9223372036854775808, "mix": 9007199254740993}',
    '{"mix": 0.5}',
  ].join("\n");
  const inf = new JsonInference("in.json");
  for await (
    const batch of parseJsonRecords(chunksOf(enc.encode(text), 9), {
      file: "in.json",
      nested: "json",
    })
  ) {
    inf.observe(batch);
  }
  assert.equal(inf.rows, 4);
  const got = inf.columns().map((
    c,
  ) => [c.source, c.type, c.nullCount, c.example ?? null, c.naive, c.mixed]);
  assert.deepEqual(got, [
    ["i", "integer", 2, "1", false, false],
    ["f", "float", 2, "1", false, false],
    ["b", "boolean", 2, "true", false, false],
    ["t", "datetime", 2, "2024-12-05 19:27:44+00", true, false],
    ["s", "string", 2, "007", false, false],
    ["m", "string", 2, "1", false, true],
    ["big", "integer", 2, "9007199254740993", false, false],
    ["n", "string", 4, null, false, false],
    ["new", "string", 3, '{"k":1}', false, false],
    ["wide", "string", 3, "9223372036854775808", false, false],
    ["mix", "string", 2, "9007199254740993", false, false],
  ]);
});
