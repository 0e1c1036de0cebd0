/**
 * Files written by pandas (`DataFrame.to_csv`, `to_json`) with Debian's
 * python3-pandas and by R's `write.csv` (r-base-core) ingest with the types
 * of the data frame: pandas' unnamed index column, `True`/`False`,
 * `+00:00` offsets, empty or `NaN` for missing numbers, nullable Int64; R's
 * `NA`, `TRUE`/`FALSE`, quoted factors, Dates. The same table as Parquet
 * (written by DuckDB from the same rows with the frame's types: neither
 * pyarrow nor R's arrow is packaged in Debian) gives the same schema and
 * profile.
 */
import assert from "node:assert/strict";
import { tempDir } from "../cli_harness.ts";
import { duckdb, hasPython, hasR, python, rscript } from "../helpers/real_tools.ts";
import { assertSameTable, ingest, typesOf } from "./harness.ts";

const PANDAS = `
import pandas as pd, numpy as np, datetime as dt
df = pd.DataFrame({
  "id": [1, 2, 3, 4],
  "score": [1.5, np.nan, -0.25, 3.0],
  "visits": pd.array([3, None, 5, 0], dtype="Int64"),
  "active": [True, False, True, False],
  "signed_up": pd.to_datetime(["2024-12-05 19:27:44", "2024-01-01 00:00:00.5",
                               "2023-06-30 23:59:59", "2022-02-28 12:00:00"], utc=True),
  "local_time": pd.to_datetime(["2024-12-05 19:27:44", "2024-01-01", "2023-06-30 23:59:59",
                                "2022-02-28 12:00:00"]),
  "birthday": [dt.date(1990, 1, 2), dt.date(1985, 12, 31), None, dt.date(2000, 2, 29)],
  "Customer Name": ["Ann", None, "Bob, Jr.", 'Say "hi"'],
  "Cost Total $": [10.0, 20.5, None, 0.0],
})
df.to_csv("pandas.csv")
df.to_csv("pandas_nan.csv", index=False, na_rep="NaN")
df.to_json("pandas.json", orient="records", date_format="iso")
df.to_json("pandas.jsonl", orient="records", lines=True, date_format="iso")
`;

const PANDAS_TYPES = {
  active: "boolean",
  birthday: "date?",
  cost_total: "float?",
  customer_name: "string?",
  id: "integer",
  local_time: "datetime",
  score: "float?",
  signed_up: "datetime",
  visits: "integer?",
};

Deno.test("ingest pandas to_csv / to_json: typed like the frame; CSV and Parquet agree", async (t) => {
  if (!(await hasPython("pandas"))) {
    console.log("skipped: Debian python3-pandas is not installed (apt-get install python3-pandas)");
    return;
  }
  const cwd = await tempDir("sdp-pandas-");
  await python(PANDAS, cwd);
  const text = await Deno.readTextFile(`${cwd}/pandas.csv`);
  // What pandas really wrote: an unnamed index column, True/False, +00:00, empty NaN.
  assert.match(text, /^,id,score,visits,active,signed_up,local_time,birthday,Customer Name,/);
  assert.match(text, /^1,2,,,False,2024-01-01 00:00:00\.500000\+00:00,/m);
  await duckdb(
    `COPY (SELECT * EXCLUDE (column0) FROM read_csv('${cwd}/pandas.csv', header = true,
       columns = {'column0': 'INTEGER', 'id': 'BIGINT', 'score': 'DOUBLE', 'visits': 'BIGINT',
       'active': 'BOOLEAN', 'signed_up': 'TIMESTAMPTZ', 'local_time': 'TIMESTAMP',
       'birthday': 'DATE', 'Customer Name': 'VARCHAR', 'Cost Total $': 'DOUBLE'}))
     TO '${cwd}/pandas.parquet' (FORMAT parquet)`,
  );
  const withIndex = await ingest(cwd, "pandas.csv", "pd_index");
  await t.step("the unnamed index column gets a stated name", () => {
    const extra = Object.keys(withIndex.schema).filter((n) => !(n in PANDAS_TYPES));
    assert.equal(extra.length, 1, `extra columns: ${extra}`);
    assert.equal(withIndex.schema[extra[0]].type, "integer");
    assert.equal(withIndex.schema[extra[0]].source_name, "");
  });
  // na_rep="NaN" writes a missing text as NaN too: --null-in-strings reads it as null there.
  const { csv } = await assertSameTable(
    cwd,
    { csv: "pandas_nan.csv", parquet: "pandas.parquet" },
    "pd",
    { csv: ["--null-in-strings"] },
  );
  await t.step("schema, column by column", () => {
    assert.deepEqual(typesOf(csv.schema), PANDAS_TYPES);
    assert.equal(csv.schema.cost_total.source_name, "Cost Total $");
    assert.equal(csv.profile.columns.score.nulls, 1);
    assert.equal(csv.profile.columns.visits.nulls, 1);
  });
  await t.step("JSON records and JSON Lines from pandas", async () => {
    const arr = await ingest(cwd, "pandas.json", "pd_json");
    const lines = await ingest(cwd, "pandas.jsonl", "pd_jsonl");
    // to_json writes dates as ISO timestamps, so birthday is a datetime there.
    const jsonTypes = { ...PANDAS_TYPES, birthday: "datetime?" };
    assert.deepEqual(typesOf(arr.schema), jsonTypes);
    assert.deepEqual(typesOf(lines.schema), jsonTypes);
    for (const name of Object.keys(PANDAS_TYPES)) {
      assert.deepEqual(lines.profile.columns[name], arr.profile.columns[name], name);
    }
  });
});

const R_FRAME = `
df <- data.frame(id = 1:4, score = c(1.5, NA, -0.25, 3), active = c(TRUE, FALSE, NA, TRUE),
  day = as.Date(c("2024-12-05", NA, "2023-01-01", "2000-02-29")),
  at = as.POSIXct(c("2024-12-05 19:27:44", "2024-01-01 00:00:00", NA, "2022-02-28 12:00:00"),
                  tz = "UTC"),
  grade = factor(c("a", "b", NA, "a")), check.names = FALSE)
df[["Cost Total $"]] <- c(1, 2.5, NA, 4)
write.csv(df, "r.csv", row.names = FALSE)
write.csv(df, "r_rownames.csv")
`;

Deno.test("ingest R write.csv: NA, TRUE/FALSE, Dates, factors; CSV and Parquet agree", async (t) => {
  if (!(await hasR())) {
    console.log("skipped: R is not installed (apt-get install r-base-core)");
    return;
  }
  const cwd = await tempDir("sdp-r-");
  await rscript(R_FRAME, cwd);
  const text = await Deno.readTextFile(`${cwd}/r.csv`);
  assert.match(text, /^"id","score","active","day","at","grade","Cost Total \$"\n/);
  assert.match(text, /^3,-0\.25,NA,2023-01-01,NA,NA,NA$/m);
  await duckdb(
    `COPY (SELECT * FROM read_csv('${cwd}/r.csv', header = true, nullstr = 'NA',
       columns = {'id': 'INTEGER', 'score': 'DOUBLE', 'active': 'BOOLEAN', 'day': 'DATE',
       'at': 'TIMESTAMP', 'grade': 'VARCHAR', 'Cost Total $': 'DOUBLE'}))
     TO '${cwd}/r.parquet' (FORMAT parquet)`,
  );
  const { csv } = await assertSameTable(cwd, { csv: "r.csv", parquet: "r.parquet" }, "r", {
    csv: ["--null-in-strings"],
  });
  await t.step("schema, column by column", () => {
    assert.deepEqual(typesOf(csv.schema), {
      active: "boolean?",
      at: "datetime?",
      cost_total: "float?",
      day: "date?",
      grade: "string?",
      id: "integer",
      score: "float?",
    });
    assert.equal(csv.profile.columns.grade.nulls, 1);
  });
  await t.step("without --null-in-strings a text column keeps NA as text", async () => {
    const plain = await ingest(cwd, "r.csv", "r_plain");
    assert.equal(plain.schema.grade.type, "string");
    assert.equal(plain.schema.grade.nullable, false);
    assert.equal(plain.schema.score.nullable, true);
  });
  await t.step("row names: R's quoted, unnamed first column", async () => {
    const rn = await ingest(cwd, "r_rownames.csv", "r_rownames");
    assert.equal(Object.keys(rn.schema).length, 8);
  });
});
