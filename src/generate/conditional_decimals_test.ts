/**
 * `decimals` inside `conditional` cases applies to its own case only (issue
 * 20 bug): a case without `decimals` is not rounded, and `decimals: 0` in one
 * case does not make the other cases whole numbers. Both row paths: the
 * branch loop (conditional on a boolean over distributions) and the row
 * closures (conditional on a string).
 */
import assert from "node:assert/strict";
import { column, table } from "../../tests/helpers/generate.ts";

function decimalsOf(x: number): number {
  const s = String(x);
  return s.includes(".") ? s.length - s.indexOf(".") - 1 : 0;
}

const CASES: { name: string; on: string; keys: [string, string] }[] = [
  {
    name: "on a boolean (branch loop)",
    on: "flag:\n    type: boolean\n    nullable: false\n",
    keys: ["true", "false"],
  },
  {
    name: "on a string (row closures)",
    on: "flag:\n    type: string\n    nullable: false\n" +
      "    generator: { kind: categorical, values: [a, b] }\n",
    keys: ["a", "b"],
  },
];

for (const c of CASES) {
  Deno.test(`conditional decimals per case, ${c.name}`, async () => {
    const schema = `columns:
  ${c.on}  x:
    type: float
    nullable: false
    generator:
      kind: conditional
      on: flag
      cases:
        ${c.keys[0]}: { kind: uniform, min: 0, max: 1 }
      otherwise: { kind: uniform, min: 0, max: 100, decimals: 0 }
  y:
    type: float
    nullable: false
    generator:
      kind: conditional
      on: flag
      cases:
        ${c.keys[0]}: { kind: normal, mean: 0, std: 1, decimals: 2 }
      otherwise: { kind: normal, mean: 0, std: 1 }
`;
    const chunks = await table(schema, 4000);
    const flag = column(chunks, "flag").map(String);
    const x = column(chunks, "x") as number[];
    const y = column(chunks, "y") as number[];
    // Boolean columns read back as 1/0.
    const first = flag.map((f) => f === c.keys[0] || (c.keys[0] === "true" && f === "1"));
    const fractionalX = x.filter((v, i) => first[i] && !Number.isInteger(v)).length;
    const firstRows = first.filter(Boolean).length;
    assert.ok(firstRows > 1000 && firstRows < 3000, `${firstRows}`);
    // uniform(0, 1) without decimals keeps its fractions (not only 0 and 1).
    assert.ok(fractionalX > firstRows * 0.99, `${fractionalX} of ${firstRows}`);
    // decimals: 0 applies to its own case.
    assert.ok(x.every((v, i) => first[i] || Number.isInteger(v)));
    // decimals: 2 applies to its case only; the other case is not rounded.
    assert.ok(y.every((v, i) => !first[i] || decimalsOf(v) <= 2));
    const long = y.filter((v, i) => !first[i] && decimalsOf(v) > 2).length;
    assert.ok(long > (4000 - firstRows) * 0.99, `${long}`);
  });
}
