import assert from "node:assert/strict";
import {
  deriveIdentifier,
  deriveIdentifiers,
  matchSourceNames,
  SAFE_COLUMN_NAME,
} from "./names.ts";

Deno.test("deriveIdentifier: headers as tools write them", () => {
  const cases: [string, string][] = [
    ["Cost Total $", "cost_total"],
    ["Customer Name", "customer_name"],
    ["Airport Name", "airport_name"],
    ["customerId", "customer_id"],
    ["HTTPCode", "http_code"],
    ["Zoë Straße", "zoe_strasse"],
    ["Ærø Łódź", "aero_lodz"],
    ["名前", "column_3"],
    ["名前 id", "id"],
    ["", "column_3"],
    ["$", "column_3"],
    ["2024 sales", "x2024_sales"],
    ["  spaced  out  ", "spaced_out"],
    ["a.b-c/d", "a_b_c_d"],
    ["x".repeat(70) + " y", "x".repeat(64)],
    ["a" + "_".repeat(70) + "b", "a_b"],
  ];
  for (const [source, want] of cases) {
    const got = deriveIdentifier(source, 3);
    assert.equal(got, want, source);
    assert.ok(SAFE_COLUMN_NAME.test(got), got);
  }
});

Deno.test("deriveIdentifiers: valid names kept, collisions numbered in column order", () => {
  const cases: [string[], string[]][] = [
    [["id", "name"], ["id", "name"]],
    [["", "a", "b"], ["column_1", "a", "b"]],
    [["a b", "a_b"], ["a_b_2", "a_b"]],
    [["A B", "a b", "a-b"], ["a_b", "a_b_2", "a_b_3"]],
    [["x", "x", "x"], ["x", "x_2", "x_3"]],
    [["x", "x", "x_2"], ["x", "x_3", "x_2"]],
    [["ID", "id"], ["ID", "id"]],
    [
      ["a".repeat(64) + "!", "a".repeat(64) + "?"],
      ["a".repeat(64), "a".repeat(62) + "_2"],
    ],
  ];
  for (const [sources, want] of cases) {
    const got = deriveIdentifiers(sources);
    assert.deepEqual(got, want, JSON.stringify(sources));
    assert.equal(new Set(got).size, got.length);
  }
});

Deno.test("matchSourceNames: source_name, then name, then the derived identifier", () => {
  const declared = [
    { name: "cost", sourceName: "Cost Total $" },
    { name: "customer_name" },
    { name: "id" },
  ];
  assert.deepEqual(
    matchSourceNames(["id", "Customer Name", "Cost Total $", "Other"], declared),
    ["id", "customer_name", "cost", "Other"],
  );
});
