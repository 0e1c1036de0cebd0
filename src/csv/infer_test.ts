import assert from "node:assert/strict";
import type { ColumnType } from "../data/mod.ts";
import { inferTypes, parseDatetime, parseValue } from "./infer.ts";

Deno.test("inference picks the first type that accepts every value", () => {
  const cases: [string, string[], ColumnType, boolean][] = [
    // label, values, type, nullable
    ["booleans", ["true", "false", "true"], "boolean", false],
    ["booleans are lowercase only", ["true", "False"], "string", false],
    ["1/0 are integers, not booleans", ["1", "0"], "integer", false],
    ["integers with nulls", ["1", "", "-42", "007"], "integer", true],
    ["integers at the exact limit", ["9007199254740991", "-9007199254740991"], "integer", false],
    ["ints and floats -> float", ["1", "2.5", ".5", "3.", "1e3", "-2E-2"], "float", false],
    ["beyond 2^53 is an identifier, not a number", ["12345678901234567890"], "string", false],
    ["... even next to floats", ["1.5", "9007199254740993"], "string", false],
    ["float overflow", ["1e999"], "string", false],
    ["no NaN/Infinity/+/thousands", ["NaN"], "string", false],
    ["plus sign", ["+1"], "string", false],
    ["comma decimal", ["1,5"], "string", false],
    ["whitespace is not trimmed", [" 12"], "string", false],
    ["dates", ["2024-02-29", "2023-12-31"], "datetime", false],
    [
      "dates and datetimes",
      ["2024-01-01", "2024-01-01T12:30:00Z", "2024-01-01T00:00:00.5Z"],
      "datetime",
      false,
    ],
    ["not a leap year", ["2023-02-29"], "string", false],
    ["offsets are not UTC", ["2024-01-01T00:00:00+01:00"], "string", false],
    ["microseconds are refused", ["2024-01-01T00:00:00.123456Z"], "string", false],
    ["NA is text, not null", ["1", "NA"], "string", false],
    ["all empty -> string", ["", ""], "string", true],
    ["no rows -> string", [], "string", false],
  ];
  for (const [label, values, type, nullable] of cases) {
    const [col] = inferTypes(["c"], values.map((v) => [v]));
    assert.deepEqual(col, { name: "c", type, nullable }, label);
  }
});

Deno.test("several columns at once keep file order", () => {
  const cols = inferTypes(["z", "a"], [["1", "x"], ["2", ""]]);
  assert.deepEqual(cols, [
    { name: "z", type: "integer", nullable: false },
    { name: "a", type: "string", nullable: true },
  ]);
});

Deno.test("parseValue parses or explains", () => {
  const ok: [string, ColumnType, unknown][] = [
    ["", "integer", null],
    ["", "string", null],
    ["x y", "string", "x y"],
    ["true", "boolean", true],
    ["false", "boolean", false],
    ["-0", "integer", 0],
    ["007", "integer", 7],
    ["1e3", "float", 1000],
    ["-.25", "float", -0.25],
    ["12", "float", 12],
    ["1970-01-01", "datetime", 0],
    ["2000-02-29T23:59:59.999Z", "datetime", Date.UTC(2000, 1, 29, 23, 59, 59, 999)],
    ["2024-06-01T12:00:00.5Z", "datetime", Date.UTC(2024, 5, 1, 12, 0, 0, 500)],
    ["0001-01-01", "datetime", -62135596800000],
    ["0099-12-31", "datetime", -59011545600000], // = setUTCFullYear(99, 11, 31); Date.UTC(99, ...) means 1999
  ];
  for (const [text, type, value] of ok) {
    assert.deepEqual(parseValue(text, type), { ok: true, value }, `${text} as ${type}`);
  }
  assert.ok(Object.is((parseValue("-0", "integer") as { value: number }).value, 0));
  const bad: [string, ColumnType, RegExp][] = [
    ["True", "boolean", /true or false/],
    ["1.0", "integer", /expected an integer/],
    ["9007199254740992", "integer", /out of the exact range/],
    ["9007199254740992", "float", /lose precision/],
    ["1e400", "float", /out of the float64 range/],
    ["abc", "float", /decimal number/],
    ["2024-13-01", "datetime", /not a real date/],
    ["2024-01-01T24:00:00Z", "datetime", /not a real date or time/],
    ["2024-01-01 00:00:00", "datetime", /expected YYYY-MM-DD/],
    ["NA", "integer", /expected an integer/],
  ];
  for (const [text, type, re] of bad) {
    const r = parseValue(text, type);
    assert.equal(r.ok, false, `${text} as ${type}`);
    if (!r.ok) assert.match(r.reason, re);
  }
});

Deno.test("parseDatetime matches Date.UTC on every day of several years", () => {
  for (const year of [1600, 1900, 1969, 1970, 2000, 2024, 2100, 9999]) {
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= 31; d++) {
        const expect = Date.UTC(year, m - 1, d);
        const real = new Date(expect).getUTCDate() === d;
        const text = `${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        assert.equal(parseDatetime(text), real ? expect : undefined, text);
      }
    }
  }
});
