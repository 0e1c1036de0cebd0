/**
 * Real public tables, from packages the registries here serve:
 *
 * - modeldata (CRAN; Debian's r-cran-modeldata), exported with R's
 *   `write.csv`: `credit_data` (4,454 credit applications, 14 columns, R
 *   `NA`s; from Prof. Dr. Ernesto Castellano's credit scoring data), and
 *   `Chicago` (CTA "L" ridership with weather and a Date column).
 * - vega-datasets (npm, BSD-3-Clause): `seattle-weather.csv` (NOAA daily
 *   weather, a date column) and `cars.json` (StatLib's Auto MPG, a JSON
 *   array with nulls).
 *
 * Each ingests with the types asserted column by column; the CSV and a
 * Parquet export of the same rows (by DuckDB) give the same schema and
 * profile.
 */
import assert from "node:assert/strict";
import seattle from "vega-datasets/data/seattle-weather.csv" with { type: "text" };
import cars from "vega-datasets/data/cars.json" with { type: "text" };
import { tempDir } from "../cli_harness.ts";
import { duckdb, hasR, rscript } from "../helpers/real_tools.ts";
import { assertSameTable, ingest, typesOf } from "./harness.ts";

Deno.test("modeldata::credit_data (R write.csv): 4,454 rows typed; CSV and Parquet agree", async () => {
  if (!(await hasR("modeldata"))) {
    console.log("skipped: R with modeldata is not installed (apt-get install r-cran-modeldata)");
    return;
  }
  const cwd = await tempDir("sdp-credit-");
  await rscript(`write.csv(modeldata::credit_data, "credit.csv", row.names = FALSE)`, cwd);
  await duckdb(
    `COPY (SELECT * FROM read_csv('${cwd}/credit.csv', header = true, nullstr = 'NA'))
     TO '${cwd}/credit.parquet' (FORMAT parquet)`,
  );
  const { csv } = await assertSameTable(
    cwd,
    { csv: "credit.csv", parquet: "credit.parquet" },
    "credit",
  );
  assert.equal(csv.profile.row_count ?? csv.profile.rows, 4454);
  assert.deepEqual(typesOf(csv.schema), {
    age: "integer",
    amount: "integer",
    assets: "integer?",
    debt: "integer?",
    expenses: "integer",
    home: "string",
    income: "integer?",
    job: "string",
    marital: "string",
    price: "integer",
    records: "string",
    seniority: "integer",
    status: "string",
    time: "integer",
  });
  assert.equal(csv.schema.status.source_name, "Status");
  assert.equal(csv.profile.columns.income.nulls, 381);
});

Deno.test("modeldata::Chicago (R write.csv): Date column as date; CSV and Parquet agree", async () => {
  if (!(await hasR("modeldata"))) {
    console.log("skipped: R with modeldata is not installed (apt-get install r-cran-modeldata)");
    return;
  }
  const cwd = await tempDir("sdp-chicago-");
  await rscript(
    `write.csv(modeldata::Chicago[, c("date", "ridership", "temp", "weather_rain", ` +
      `"Bears_Home")], "chicago.csv", row.names = FALSE)`,
    cwd,
  );
  await duckdb(
    `COPY (SELECT * FROM read_csv('${cwd}/chicago.csv', header = true, nullstr = 'NA'))
     TO '${cwd}/chicago.parquet' (FORMAT parquet)`,
  );
  const { csv } = await assertSameTable(
    cwd,
    { csv: "chicago.csv", parquet: "chicago.parquet" },
    "chicago",
  );
  assert.deepEqual(typesOf(csv.schema), {
    bears_home: "float",
    date: "date",
    ridership: "float",
    temp: "float",
    weather_rain: "float",
  });
});

Deno.test("vega-datasets seattle-weather.csv and cars.json: typed; CSV and Parquet agree", async () => {
  const cwd = await tempDir("sdp-vega-");
  await Deno.writeTextFile(`${cwd}/seattle.csv`, seattle);
  await Deno.writeTextFile(`${cwd}/cars.json`, cars);
  await duckdb(
    `COPY (SELECT * FROM read_csv('${cwd}/seattle.csv', header = true))
     TO '${cwd}/seattle.parquet' (FORMAT parquet)`,
  );
  const { csv } = await assertSameTable(
    cwd,
    { csv: "seattle.csv", parquet: "seattle.parquet" },
    "seattle",
  );
  assert.deepEqual(typesOf(csv.schema), {
    date: "date",
    precipitation: "float",
    temp_max: "float",
    temp_min: "float",
    weather: "string",
    wind: "float",
  });
  const c = await ingest(cwd, "cars.json", "cars");
  assert.deepEqual(typesOf(c.schema), {
    acceleration: "float",
    cylinders: "integer",
    displacement: "float",
    horsepower: "integer?",
    miles_per_gallon: "float?",
    name: "string",
    origin: "string",
    weight_in_lbs: "integer",
    year: "date",
  });
  assert.equal(c.schema.miles_per_gallon.source_name, "Miles_per_Gallon");
});
