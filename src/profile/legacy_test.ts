import assert from "node:assert/strict";
import { type DatasetProfile, parseProfile, PROFILE_FORMAT, Profiler } from "./mod.ts";
import { LEGACY_PROFILE_FORMAT, upgradeProfileV1, V1_KEY_RENAMES } from "./legacy.ts";
import { chunksOf, declarations, type PlainColumn } from "../../tests/helpers/profile.ts";

function profileOf(columns: Record<string, PlainColumn>): DatasetProfile {
  const p = new Profiler(declarations(columns));
  for (const c of chunksOf(columns, 3)) p.add(c);
  return p.finish();
}

/** A current profile written as determinism contract 4 wrote it (format 1, camelCase keys). */
function asFormat1(p: DatasetProfile): Record<string, unknown> {
  const text = JSON.stringify(p, (_key, value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = V1_KEY_RENAMES.find((x) => x.to === k);
      out[r ? r.from : k] = v;
    }
    return out;
  });
  return { ...JSON.parse(text), version: LEGACY_PROFILE_FORMAT };
}

// Column names that read like the renamed statistics must stay as they are: they are data.
const COLUMNS: Record<string, PlainColumn> = {
  nonFinite: { type: "float", values: [1.5, 2, null, Infinity, 7] },
  maxUndercount: { type: "string", values: ["a", "b", "a", null, "c"] },
  relativeStandardError: { type: "boolean", values: [true, false, true, true, null] },
  cdfErrorBound: { type: "integer", values: [1, 2, 3, 4, 5] },
};

Deno.test("a format-1 (contract 4) profile reads as the same profile in format 2", () => {
  const current = profileOf(COLUMNS);
  const old = asFormat1(current);
  const oldText = JSON.stringify(old);
  // The fixture really has the old spelling at every known position.
  for (const r of V1_KEY_RENAMES) assert.ok(oldText.includes(`"${r.from}":`), r.from);
  assert.ok(!/"(relative_standard_error|non_finite|max_undercount)"/.test(oldText));
  const read = parseProfile(oldText, "prior_profile.json");
  // As JSON: the profile's column maps are null-prototype objects (user names as keys).
  assert.equal(JSON.stringify(read), JSON.stringify(current));
  assert.equal(read.version, PROFILE_FORMAT);
  assert.deepEqual(Object.keys(read.columns).sort(), Object.keys(COLUMNS).sort());
});

Deno.test("the format-1 upgrade renames only the known keys at their known positions", () => {
  const old = {
    version: 1,
    rows: 2,
    // A statistic's old name elsewhere (top level, as a column name, in a nested
    // object that is not its place) is left alone.
    nonFinite: 3,
    columns: {
      maxUndercount: {
        type: "float",
        distinct: { relativeStandardError: 0, count: 2 },
        numeric: {
          nonFinite: 1,
          quantiles: { rankErrorBound: 0.1 },
          support: { cdfErrorBound: 0.2 },
        },
        categorical: null,
        maxUndercount: 5,
      },
      s: {
        type: "string",
        distinct: { relativeStandardError: 0.01 },
        numeric: null,
        categorical: { maxUndercount: 4, top: [{ value: "nonFinite", count: 1 }] },
      },
      ["__proto__"]: { type: "integer", numeric: { nonFinite: 0 } },
    },
  };
  const parsed = JSON.parse(JSON.stringify(old));
  const up = upgradeProfileV1(parsed, 2) as Record<string, Record<string, unknown>>;
  assert.equal(up.version, 2);
  assert.equal(up.nonFinite, 3);
  const cols = up.columns as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(Object.keys(cols), ["maxUndercount", "s", "__proto__"]);
  assert.ok(Object.hasOwn(cols, "__proto__"));
  const m = cols.maxUndercount;
  assert.equal(m.maxUndercount as unknown, 5);
  assert.deepEqual(m.distinct, { relative_standard_error: 0, count: 2 });
  assert.deepEqual(m.numeric, {
    non_finite: 1,
    quantiles: { rank_error_bound: 0.1 },
    support: { cdf_error_bound: 0.2 },
  });
  assert.deepEqual(cols.s.categorical, {
    max_undercount: 4,
    top: [{ value: "nonFinite", count: 1 }],
  });
  assert.deepEqual(cols["__proto__"].numeric, { non_finite: 0 });
  // The input is not modified.
  assert.equal(parsed.columns.s.categorical.maxUndercount, 4);
});

Deno.test("profiles of an unknown format are still refused", () => {
  const text = JSON.stringify({ ...profileOf(COLUMNS), version: 0 });
  assert.throws(() => parseProfile(text, "p"), /unsupported profile version 0/);
});
