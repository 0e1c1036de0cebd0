/**
 * Real public tables, from packages the registries here serve:
 *
 * - modeldata (CRAN; Debian's r-cran-modeldata), exported with R's
 *   `write.csv`: `credit_data` (4,454 credit applications, 14 columns, R
 *   `NA`s; from Prof. Dr. Ernesto Castellano's credit scoring data), and
 *   `Chicago` (CTA "L" ridership with weather and a Date column).
 * - vega-datasets (npm, BSD-3-Clause): `seattle-weather.csv` (NOAA daily
 *   weather, a date column), `cars.json` (StatLib's Auto MPG, a JSON array
 *   with nulls and date strings) and `penguins.json` (Palmer penguins, keys
 *   like `Beak Length (mm)`).
 *
 * Each ingests with the types asserted column by column; the CSV and a
 * Parquet export of the same rows (by DuckDB) give the same schema and
 * profile.
 */
import assert from "node:assert/strict";
import seattle from "vega-datasets/data/seattle-weather.csv" with { type: "text" };
import { tempDir } from "../cli_harness.ts";
import { duckdb, hasR, rscript } from "../helpers/real_tools.ts";
import { assertSameTable, ingest, typesOf } from "./harness.ts";

/**
 * A file of the vega-datasets npm package as published (its bytes): the text
 * import above puts the package in Deno's npm cache, which `deno info` names.
 * (JSON cannot be imported as text, and "bytes" imports are not stable.)
 */
async function vegaFile(path: string): Promise<Uint8Array> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  const { npmCache } = JSON.parse(new TextDecoder().decode(info.stdout)) as { npmCache: string };
  return await Deno.readFile(`${npmCache}/registry.npmjs.org/vega-datasets/2.8.1/${path}`);
}

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
  // R writes a missing factor level as NA: --null-in-strings reads it as null in text columns.
  const { csv } = await assertSameTable(
    cwd,
    { csv: "credit.csv", parquet: "credit.parquet" },
    "credit",
    { csv: ["--null-in-strings"] },
  );
  assert.equal(csv.profile.row_count ?? csv.profile.rows, 4454);
  // Valid names are kept as written; yes/no factors are booleans.
  assert.deepEqual(typesOf(csv.schema), {
    Age: "integer",
    Amount: "integer",
    Assets: "integer?",
    Debt: "integer?",
    Expenses: "integer",
    Home: "string?",
    Income: "integer?",
    Job: "string?",
    Marital: "string?",
    Price: "integer",
    Records: "boolean",
    Seniority: "integer",
    Status: "string",
    Time: "integer",
  });
  assert.equal(csv.profile.columns.Income.nulls, 381);
  assert.equal(csv.profile.columns.Home.nulls, 6);
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
    Bears_Home: "integer",
    date: "date",
    ridership: "float",
    temp: "float",
    weather_rain: "float",
  });
});

Deno.test("vega-datasets seattle-weather.csv and cars.json: typed; CSV and Parquet agree", async () => {
  const cwd = await tempDir("sdp-vega-");
  await Deno.writeTextFile(`${cwd}/seattle.csv`, seattle);
  await Deno.writeFile(`${cwd}/cars.json`, await vegaFile("data/cars.json"));
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
    Acceleration: "float",
    Cylinders: "integer",
    Displacement: "float",
    Horsepower: "integer?",
    Miles_per_Gallon: "float?",
    Name: "string",
    Origin: "string",
    Weight_in_lbs: "integer",
    Year: "date",
  });
  // Palmer penguins: headers like "Beak Length (mm)" become identifiers, the original kept.
  await Deno.writeFile(`${cwd}/penguins.json`, await vegaFile("data/penguins.json"));
  const p = await ingest(cwd, "penguins.json", "penguins");
  assert.deepEqual(typesOf(p.schema), {
    beak_depth_mm: "float?",
    beak_length_mm: "float?",
    body_mass_g: "integer?",
    flipper_length_mm: "integer?",
    Island: "string",
    Sex: "string?",
    Species: "string",
  });
  assert.equal(p.schema.beak_length_mm.source_name, "Beak Length (mm)");
  assert.match(p.stdout, /Beak Length \(mm\)/);
});
