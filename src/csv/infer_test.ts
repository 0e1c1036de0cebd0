import assert from "node:assert/strict";
import type { ColumnType } from "../data/mod.ts";
import { inferTypes, parseDatetime, parseValue } from "./infer.ts";

Deno.test("inference picks the first type that accepts every value", () => {
  const cases: [string, string[], ColumnType, boolean][] = [
    // label, values, type, nullable
    ["booleans", ["true", "false", "true"], "boolean", false],
    ["booleans in any case", ["true", "False", "TRUE", "fAlSe"], "boolean", false],
    ["t/f (PostgreSQL)", ["t", "f"], "boolean", false],
    ["T/F", ["T", "F", "t"], "boolean", false],
    ["yes/no in any case", ["yes", "No", "YES", "no"], "boolean", false],
    ["booleans with null tokens", ["True", "NA", ""], "boolean", true],
    ["yes please is text", ["yes", "yes please"], "string", false],
    ["y/n are not booleans", ["y", "n"], "string", false],
    ["tru is text", ["tru"], "string", false],
    ["1/0 next to booleans is text", ["true", "1"], "string", false],
    ["1/0 are integers, not booleans", ["1", "0"], "integer", false],
    ["integers with nulls", ["1", "", "-42", "007"], "integer", true],
    ["integers at the exact limit", ["9007199254740991", "-9007199254740991"], "integer", false],
    ["ints and floats -> float", ["1", "2.5", ".5", "3.", "1e3", "-2E-2"], "float", false],
    [
      "int64 beyond 2^53 stays integer",
      ["9007199254740993", "-9223372036854775808"],
      "integer",
      false,
    ],
    ["beyond int64 is an identifier, not a number", ["12345678901234567890"], "string", false],
    ["... even next to floats", ["1.5", "9007199254740993"], "string", false],
    ["float overflow", ["1e999"], "string", false],
    ["Infinity is text", ["1.5", "Infinity"], "string", false],
    ["1e5 stays float", ["1e5"], "float", false],
    ["plus sign", ["+1"], "string", false],
    ["comma decimal", ["1,5"], "string", false],
    ["whitespace is not trimmed", [" 12"], "string", false],
    ["dates", ["2024-02-29", "2023-12-31"], "date", false],
    [
      "dates and datetimes",
      ["2024-01-01", "2024-01-01T12:30:00Z", "2024-01-01T00:00:00.5Z"],
      "datetime",
      false,
    ],
    ["not a leap year", ["2023-02-29"], "string", false],
    ["offsets are converted", ["2024-01-01T00:00:00+01:00"], "datetime", false],
    ["nanoseconds", ["2024-01-01T00:00:00.123456789Z"], "datetime", false],
    [
      "DuckDB TIMESTAMPTZ",
      ["2024-12-05 19:27:44+00", "2024-12-05 19:27:44.5+00"],
      "datetime",
      false,
    ],
    ["slash dates with time", ["2015/01/01 01:00:00"], "datetime", false],
    ["slash date-only is a date", ["2015/01/01"], "date", false],
    ["mixed separators are text", ["2015-01/01 01:00:00"], "string", false],
    ["month 13 is text", ["2024-13-01"], "string", false],
    ["month 13 with time is text", ["2024-13-01 00:00:00"], "string", false],
    ["offset hour 24 is text", ["2024-01-01 00:00:00+24"], "string", false],
    ["two spaces is text", ["2024-01-01  00:00:00"], "string", false],
    ["ten fraction digits is text", ["2024-01-01T00:00:00.1234567890Z"], "string", false],
    ["lowercase t separator is text", ["2024-01-01t00:00:00Z"], "string", false],
    ["datetimes with null tokens", ["2024-01-01 00:00:00", "NULL", "#N/A"], "datetime", true],
    ["one NA keeps integers", ["1", "NA"], "integer", true],
    [
      "every null token in a float column",
      [
        "1.5",
        "NA",
        "N/A",
        "NULL",
        "null",
        "NaN",
        "nan",
        "None",
        "#N/A",
      ],
      "float",
      true,
    ],
    ["NA in a string column is text", ["x", "NA"], "string", false],
    ["only tokens -> string of text", ["NA", "NULL"], "string", false],
    ["tokens are case-sensitive", ["1", "Null"], "string", false],
    ["na is not a token", ["1", "na"], "string", false],
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
    ["TRUE", "boolean", true],
    ["False", "boolean", false],
    ["t", "boolean", true],
    ["F", "boolean", false],
    ["Yes", "boolean", true],
    ["NO", "boolean", false],
    ["NA", "boolean", null],
    ["NA", "integer", null],
    ["N/A", "float", null],
    ["NULL", "datetime", null],
    ["None", "integer", null],
    ["#N/A", "integer", null],
    ["nan", "float", null],
    ["NaN", "float", null],
    ["null", "boolean", null],
    ["NA", "string", "NA"],
    ["NULL", "string", "NULL"],
    ["1e5", "float", 100000],
    ["2024-12-05 19:27:44+00", "datetime", Date.UTC(2024, 11, 5, 19, 27, 44)],
    ["2024-12-05 19:27:44+00:00", "datetime", Date.UTC(2024, 11, 5, 19, 27, 44)],
    ["2024-12-05T19:27:44+0000", "datetime", Date.UTC(2024, 11, 5, 19, 27, 44)],
    ["2024-12-05T19:27:44-05:30", "datetime", Date.UTC(2024, 11, 6, 0, 57, 44)],
    ["2024-12-05T19:27:44+0530", "datetime", Date.UTC(2024, 11, 5, 13, 57, 44)],
    ["2024-12-05T01:00:00+02", "datetime", Date.UTC(2024, 11, 4, 23, 0, 0)],
    ["2015/01/01 01:00:00", "datetime", Date.UTC(2015, 0, 1, 1, 0, 0)],
    ["2015/01/01T01:00:00Z", "datetime", Date.UTC(2015, 0, 1, 1, 0, 0)],
    ["2024-01-01 00:00:00", "datetime", Date.UTC(2024, 0, 1)],
    // Beyond milliseconds: truncated (floor), never rounded up.
    ["2024-01-01T00:00:00.9999Z", "datetime", Date.UTC(2024, 0, 1, 0, 0, 0, 999)],
    ["2024-01-01 00:00:00.123456789", "datetime", Date.UTC(2024, 0, 1, 0, 0, 0, 123)],
    ["1969-12-31T23:59:59.9999999Z", "datetime", -1],
    ["2024-01-01T00:00:00.000001+00", "datetime", Date.UTC(2024, 0, 1)],
    ["-0", "integer", 0],
    ["9007199254740993", "integer", 9007199254740993n],
    ["9223372036854775807", "integer", 9223372036854775807n],
    ["-09223372036854775808", "integer", -9223372036854775808n],
    ["007", "integer", 7],
    ["1e3", "float", 1000],
    ["-.25", "float", -0.25],
    ["12", "float", 12],
    // Digits a float prints back unchanged (sdp's own data.csv of a large float).
    ["12345678901234567000", "float", 12345678901234567000],
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
    ["yes please", "boolean", /true\/false/],
    ["1", "boolean", /true\/false/],
    ["Null", "integer", /expected an integer/],
    ["1.0", "integer", /expected an integer/],
    ["9223372036854775808", "integer", /out of the int64 range/],
    ["9007199254740993", "float", /lose precision/],
    ["12345678901234567890", "float", /lose precision/],
    ["1e400", "float", /out of the float64 range/],
    ["abc", "float", /decimal number/],
    ["2024-13-01", "datetime", /not a real date/],
    ["2024-01-01T24:00:00Z", "datetime", /not a real date or time/],
    ["2024-01-01  00:00:00", "datetime", /expected YYYY-MM-DD/],
    ["2015/01/32", "datetime", /not a real date/],
    ["2024-01-01T00:00:00+24:00", "datetime", /not a real date or time/],
    ["2024-01-01T00:00:00+01:60", "datetime", /not a real date or time/],
    ["2024-02-30 00:00:00+00", "datetime", /not a real date/],
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

Deno.test("custom null tokens replace the defaults", () => {
  const nulls = new Set(["-", "missing"]);
  assert.deepEqual(inferTypes(["c"], [["1"], ["-"], ["missing"]], nulls), [
    { name: "c", type: "integer", nullable: true },
  ]);
  assert.deepEqual(inferTypes(["c"], [["1"], ["NA"]], nulls), [
    { name: "c", type: "string", nullable: false },
  ]);
  assert.deepEqual(parseValue("-", "float", nulls), { ok: true, value: null });
  assert.equal(parseValue("NA", "float", nulls).ok, false);
  assert.deepEqual(parseValue("NA", "float", new Set()).ok, false);
});

Deno.test("the fixed-width timestamp fast path equals the general rules on valid and broken values", () => {
  // The same instant with an explicit +00 offset takes the regular-expression path.
  const general = (t: string) =>
    parseDatetime(t.endsWith("Z") ? t.slice(0, -1) + "+00" : t + "+00");
  const bases = [
    "2024-12-05T19:27:44.123Z",
    "2024-02-29 23:59:59.999",
    "1969-12-31T23:59:59Z",
    "0001-01-01 00:00:00",
    "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00.000Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:60:00",
  ];
  const chars = "0123456789-: T.Z/x";
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  let compared = 0;
  for (const base of bases) {
    for (let k = 0; k < 400; k++) {
      const i = next() % base.length;
      const t = k === 0
        ? base
        : base.slice(0, i) + chars[next() % chars.length] + base.slice(i + 1);
      const fast = parseDatetime(t);
      if (!/^\d{4}/.test(t) || t.endsWith("+00")) continue;
      assert.equal(fast, general(t), t);
      compared++;
    }
  }
  assert.ok(compared > 2000, String(compared));
});
