/**
 * Files written by PostgreSQL 15 (`COPY ... TO STDOUT (FORMAT csv, HEADER)`
 * through psql, from a throwaway cluster this test starts) ingest with the
 * types of the table: t/f booleans, `+00` offsets, naive timestamps,
 * numeric, dates, bigint beyond 2^53, NULL vs empty text, a header with a
 * space. The same table as Parquet (written by DuckDB from the same rows with
 * the table's types; PostgreSQL has no Parquet writer) gives the same schema
 * and profile.
 */
import assert from "node:assert/strict";
import { tempDir } from "../cli_harness.ts";
import { duckdb, startPostgres } from "../helpers/real_tools.ts";
import { assertSameTable, typesOf } from "./harness.ts";

const TABLE = `
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  "Customer Name" text,
  paid boolean,
  opened_at timestamptz,
  local_at timestamp,
  birthday date,
  amount numeric(10, 2),
  visits integer
);
INSERT INTO accounts VALUES
  (9007199254740993, 'Ann, "A"', true, '2024-12-05 19:27:44.123456+00', '2024-01-02 03:04:05',
   '1990-01-02', 12.50, NULL),
  (2, NULL, false, '2024-12-05 20:00:00+02', '2024-01-02 03:04:05.5', '2023-01-01', -1.25, 7),
  (3, '', NULL, NULL, NULL, NULL, NULL, 8),
  (4, 'Zoë', true, '1969-07-20 20:17:40+00', '1999-12-31 23:59:59.999', '2000-02-29', 0, 0);
`;

Deno.test("ingest PostgreSQL COPY CSV: every column typed like the table; CSV and Parquet agree", async (t) => {
  const pg = await startPostgres();
  if (pg === null) {
    console.log("skipped: PostgreSQL 15 is not installed (apt-get install postgresql)");
    return;
  }
  const cwd = await tempDir("sdp-pg-ingest-");
  try {
    await pg.psql(TABLE);
    const csv = await pg.copyCsv("SELECT * FROM accounts ORDER BY id");
    await Deno.writeTextFile(`${cwd}/accounts.csv`, csv);
    // What PostgreSQL really wrote: t/f, +00 offsets, NULL as nothing, '' as "".
    assert.match(csv, /^id,Customer Name,paid,opened_at,local_at,birthday,amount,visits\n/);
    assert.match(csv, /^3,"",,,,,,8$/m);
    assert.match(csv, /^9007199254740993,"Ann, ""A""",t,2024-12-05 19:27:44\.123456\+00,/m);
  } finally {
    await pg.stop();
  }
  await duckdb(
    `COPY (SELECT * FROM read_csv('${cwd}/accounts.csv', header = true, allow_quoted_nulls = false,
       columns = {'id': 'BIGINT', 'Customer Name': 'VARCHAR', 'paid': 'BOOLEAN',
       'opened_at': 'TIMESTAMPTZ', 'local_at': 'TIMESTAMP', 'birthday': 'DATE',
       'amount': 'DECIMAL(10,2)', 'visits': 'INTEGER'}))
     TO '${cwd}/accounts.parquet' (FORMAT parquet)`,
  );
  const { csv } = await assertSameTable(
    cwd,
    { csv: "accounts.csv", parquet: "accounts.parquet" },
    "pg",
  );
  await t.step("schema, column by column", () => {
    assert.deepEqual(typesOf(csv.schema), {
      amount: "float?",
      birthday: "date?",
      customer_name: "string?",
      id: "integer",
      local_at: "datetime?",
      opened_at: "datetime?",
      paid: "boolean?",
      visits: "integer?",
    });
    assert.equal(csv.schema.customer_name.source_name, "Customer Name");
  });
  await t.step("values: offsets to UTC, sub-ms truncated, NULL vs empty text, exact ids", () => {
    const c = csv.profile.columns;
    assert.deepEqual(c.opened_at.numeric.support.values, [
      Date.UTC(1969, 6, 20, 20, 17, 40),
      Date.UTC(2024, 11, 5, 18, 0, 0),
      Date.UTC(2024, 11, 5, 19, 27, 44, 123),
    ]);
    assert.equal(c.customer_name.nulls, 1);
    assert.deepEqual(
      c.customer_name.categorical.top.map((v: { value: string }) => v.value).sort(),
      ["", 'Ann, "A"', "Zoë"],
    );
    assert.equal(c.paid.nulls, 1);
    assert.deepEqual(c.amount.numeric.support.values, [-1.25, 0, 12.5]);
  });
  await t.step("the decisions are printed: renamed header, naive timestamps, decimals", () => {
    assert.match(csv.stdout, /Customer Name/);
    assert.match(csv.stdout, /customer_name/);
  });
});
