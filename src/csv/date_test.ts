/**
 * Date-only CSV values: inferred as `date` (days since 1970-01-01), a column
 * mixing dates and timestamps as `datetime`, and strict parsing of declared
 * date columns.
 */
import assert from "node:assert/strict";
import { inferTypes, parseDate, parseValue } from "./infer.ts";

Deno.test("CSV inference: date-only columns are date, mixed with timestamps datetime", () => {
  const cases: Array<{ name: string; values: string[]; type: string; nullable: boolean }> = [
    {
      name: "iso",
      values: ["2024-12-05", "1970-01-01", "2024-02-29"],
      type: "date",
      nullable: false,
    },
    { name: "slash", values: ["2024/12/05", "2015/01/01"], type: "date", nullable: false },
    { name: "both_forms", values: ["2024/12/05", "2024-12-06"], type: "date", nullable: false },
    { name: "with_nulls", values: ["2024-12-05", "", "NA", "NULL"], type: "date", nullable: true },
    {
      name: "mixed",
      values: ["2024-12-05", "2024-12-05 19:27:44+00"],
      type: "datetime",
      nullable: false,
    },
    {
      name: "mixed_slash",
      values: ["2015/01/01", "2015/01/01 01:00:00"],
      type: "datetime",
      nullable: false,
    },
    { name: "not_a_day", values: ["2024-12-05", "2023-02-29"], type: "string", nullable: false },
    { name: "short_year", values: ["24-12-05"], type: "string", nullable: false },
    { name: "digits", values: ["20241205"], type: "integer", nullable: false },
  ];
  const names = cases.map((c) => c.name);
  const height = Math.max(...cases.map((c) => c.values.length));
  const rows = Array.from(
    { length: height },
    (_, r) => cases.map((c) => c.values[r] ?? c.values[0]),
  );
  const got = inferTypes(names, rows);
  assert.deepEqual(
    got.map((c) => `${c.name}:${c.type}:${c.nullable}`),
    cases.map((c) => `${c.name}:${c.type}:${c.nullable}`),
  );
});

Deno.test("parseDate: whole days since 1970-01-01 of real calendar dates", () => {
  const cases: Array<[string, number | undefined]> = [
    ["1970-01-01", 0],
    ["1970/01/02", 1],
    ["1969-12-31", -1],
    ["2024-12-05", 20062],
    ["2000-02-29", 11016],
    ["1900-02-29", undefined],
    ["2024-04-31", undefined],
    ["2024-1-05", undefined],
    ["2024-12/05", undefined],
    ["2024-12-05T00:00:00Z", undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseDate(text), want, text);
});

Deno.test("parseValue for a declared date column: days, nulls, and reasons for refusals", () => {
  assert.deepEqual(parseValue("2024-12-05", "date"), { ok: true, value: 20062 });
  assert.deepEqual(parseValue("2024/12/05", "date"), { ok: true, value: 20062 });
  assert.deepEqual(parseValue("", "date"), { ok: true, value: null });
  assert.deepEqual(parseValue("NA", "date"), { ok: true, value: null });
  const refused: Array<[string, RegExp]> = [
    ["2024-02-30", /not a real calendar date/],
    ["2024-12-05 10:00:00", /a date column holds no time of day/],
    ["2024-12-05T00:00:00Z", /a date column holds no time of day/],
    ["05.12.2024", /expected a date YYYY-MM-DD or YYYY\/MM\/DD/],
  ];
  for (const [text, re] of refused) {
    const r = parseValue(text, "date");
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.reason, re, text);
  }
  // A declared datetime column still reads date-only values as UTC midnight (both forms).
  assert.deepEqual(parseValue("2024/12/05", "datetime"), { ok: true, value: 20062 * 86_400_000 });
});
