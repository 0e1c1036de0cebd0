/**
 * `sdp ingest` of files written by real tools (DuckDB, pandas): JSON (array
 * and JSON Lines), headers as spreadsheets and notebooks write them, Parquet
 * DECIMAL and naive TIMESTAMP, the decision table and `--json`, and a
 * declared schema applied with the lenient value rules. The CLI runs with
 * the release permission flags.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { listTree, runCli, sha256File, tempDir } from "../cli_harness.ts";

const PYTHON = "/usr/bin/python3";

async function readJson(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

/** `"name": type nullable source?` lines of a version's schema.yaml. */
async function schemaOf(cwd: string, dataset: string, version = "v1"): Promise<string[]> {
  const snap = await readJson(`${cwd}/runs/${dataset}/${version}/configs_snapshot.json`);
  const schema = snap.files["schema.yaml"] as string;
  return [
    ...schema.matchAll(
      /"(\w+)":\n\s+type: (\w+)\n\s+nullable: (\w+)(?:\n\s+source_name: ("[^\n]*"))?/g,
    ),
  ].map((m) => `${m[1]}:${m[2]}:${m[3]}${m[4] ? ` <- ${JSON.parse(m[4])}` : ""}`);
}

/** Per column: type, nulls and the numeric or categorical summary of profile.json. */
async function profileOf(cwd: string, dataset: string) {
  const p = await readJson(`${cwd}/runs/${dataset}/v1/profile.json`);
  return { rows: p.rows, columns: p.columns };
}

async function ingest(cwd: string, file: string, dataset: string, extra: string[] = []) {
  const r = await runCli(["ingest", file, "--dataset", dataset, "--run-id", "v1", ...extra], {
    cwd,
  });
  assert.equal(r.code, 0, `${file}: ${r.stderr}${r.stdout}`);
  return r;
}

async function duck(sqls: string[]): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const sql of sqls) await conn.run(sql);
  conn.closeSync();
}

// One table with spreadsheet-style names, a DECIMAL, a naive TIMESTAMP, a TIMESTAMPTZ, nulls.
const TABLE = `SELECT i AS id, 'name ' || i AS "Customer Name",
  CASE WHEN i % 3 = 2 THEN NULL ELSE (i * 1.25)::DECIMAL(10,2) END AS "Cost Total $",
  TIMESTAMP '2024-01-02 03:04:05' + i * INTERVAL 1 HOUR AS "Local Time",
  TIMESTAMPTZ '2024-12-05 19:27:44+00' + i * INTERVAL 90 MINUTE AS ts,
  i % 2 = 0 AS ok, CASE WHEN i = 1 THEN NULL ELSE i * 0.5 END AS ratio
  FROM range(6) t(i)`;

const TABLE_SCHEMA = [
  "cost_total:float:true <- Cost Total $",
  "customer_name:string:false <- Customer Name",
  "id:integer:false",
  "local_time:datetime:false <- Local Time",
  "ok:boolean:false",
  "ratio:float:true",
  "ts:datetime:false",
];

Deno.test("the same DuckDB table as CSV, JSON Lines, JSON array and Parquet: same schema, same profile", async () => {
  const cwd = await tempDir("sdp-formats-");
  await duck([
    `COPY (${TABLE}) TO '${cwd}/t.csv' (HEADER)`,
    `COPY (${TABLE}) TO '${cwd}/t.json' (FORMAT json)`,
    `COPY (${TABLE}) TO '${cwd}/t_array.json' (FORMAT json, ARRAY true)`,
    `COPY (${TABLE}) TO '${cwd}/t.parquet' (FORMAT parquet)`,
    // Another name, sniffed by content.
    `COPY (${TABLE}) TO '${cwd}/t_lines.txt' (FORMAT json)`,
  ]);
  const lines = await Deno.readTextFile(`${cwd}/t.json`);
  assert.match(lines.split("\n")[0], /^\{"id":0,"Customer Name":"name 0","Cost Total \$":0\.00?,/);
  assert.match(await Deno.readTextFile(`${cwd}/t_array.json`), /^\[\s*\{/);
  const files = [
    ["t.csv", "csv"],
    ["t.json", "json"],
    ["t_array.json", "json_array"],
    ["t.parquet", "pq"],
    ["t_lines.txt", "txt"],
  ];
  const results = await Promise.all(files.map(([f, d]) => ingest(cwd, f, d)));
  const reference = await profileOf(cwd, "csv");
  for (const [i, [file, dataset]] of files.entries()) {
    assert.deepEqual(await schemaOf(cwd, dataset), TABLE_SCHEMA, file);
    assert.deepEqual(await profileOf(cwd, dataset), reference, file);
    const meta = await readJson(`${cwd}/runs/${dataset}/v1/final_metadata.json`);
    assert.deepEqual(meta.provenance.source_names, {
      cost_total: "Cost Total $",
      customer_name: "Customer Name",
      local_time: "Local Time",
    }, file);
    assert.equal(meta.provenance.sha256, await sha256File(`${cwd}/${file}`));
    // The decision table: the renamed columns, the naive timestamps, the decimal.
    const out = results[i].stdout;
    assert.match(out, /\ncolumn +source name +type +nullable +nulls +example +notes\n/, file);
    assert.match(out, /\ncustomer_name +Customer Name +string +no +0 +name 0 +renamed\n/, file);
    assert.match(
      out,
      /\nlocal_time +Local Time +datetime +no +0 +2024-01-02T03:04:05\.000Z +renamed; (naive TIMESTAMP|timestamps without offset) read as UTC\n/,
      file,
    );
    assert.match(out, /\nts +datetime +no +0 +2024-12-05T19:27:44\.000Z\n/, file);
    // DuckDB types i * 0.5 as DECIMAL: Parquet says so, CSV and JSON have plain numbers.
    assert.match(out, /\nratio +float +yes +1 +0( +DECIMAL\(\d+,\d\) read as float)?\n/, file);
    assert.match(
      out,
      dataset === "pq"
        ? /\ncost_total +Cost Total \$ +float +yes +2 +0 +renamed; DECIMAL\(10,2\) read as float\n/
        : /\ncost_total +Cost Total \$ +float +yes +2 +0 +renamed\n/,
      file,
    );
  }
  // Parquet keeps the identifiers.
  const csv = await runCli(
    ["ingest", "t.parquet", "--dataset", "pq_csv", "--run-id", "v1", "--format", "csv"],
    { cwd },
  );
  assert.equal(csv.code, 0, csv.stderr);
  const head = (await Deno.readTextFile(`${cwd}/runs/pq_csv/v1/data.csv`)).split("\n");
  assert.equal(head[0], "cost_total,customer_name,id,local_time,ok,ratio,ts");
  assert.equal(head[1], "0,name 0,0,2024-01-02T03:04:05.000Z,true,0,2024-12-05T19:27:44.000Z");
  assert.equal(head[2].split(",")[0], "1.25");
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("a second ingest of the same file reads the renamed headers through source_name", async () => {
  const cwd = await tempDir("sdp-rename-");
  const text = ",Customer Name,Customer-Name,2024 Sales,Zoë\n0,a,b,1,x\n1,c,d,2,y\n";
  await Deno.writeTextFile(`${cwd}/sheet.csv`, text);
  await ingest(cwd, "sheet.csv", "sheet");
  assert.deepEqual(await schemaOf(cwd, "sheet"), [
    "column_1:integer:false <- ",
    "customer_name:string:false <- Customer Name",
    "customer_name_2:string:false <- Customer-Name",
    "x2024_sales:integer:false <- 2024 Sales",
    "zoe:string:false <- Zoë",
  ]);
  // The latest version's schema (with source_name) reads the file again.
  const r = await runCli(["ingest", "sheet.csv", "--dataset", "sheet", "--run-id", "v2"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /schema: schema of the latest version v1/);
  assert.match(r.stdout, /\ncolumn_1 +"" +integer +no +0 +0 +renamed\n/);
  // A user schema may map a header to any column name.
  await Deno.writeTextFile(
    `${cwd}/s.yaml`,
    'columns:\n  idx: {type: integer, source_name: ""}\n' +
      "  who: {type: string, source_name: Customer Name}\n" +
      "  customer_name_2: {type: string}\n  x2024_sales: {type: float}\n  zoe: {type: string}\n",
  );
  const s = await runCli(
    ["ingest", "sheet.csv", "--dataset", "mapped", "--run-id", "v1", "--schema", "s.yaml"],
    { cwd },
  );
  assert.equal(s.code, 0, s.stderr);
  const meta = await readJson(`${cwd}/runs/mapped/v1/final_metadata.json`);
  assert.deepEqual(meta.provenance.source_names, {
    customer_name_2: "Customer-Name",
    idx: "",
    who: "Customer Name",
    x2024_sales: "2024 Sales",
    zoe: "Zoë",
  });
  // Files whose headers need no renaming keep provenance without source_names.
  await Deno.writeTextFile(`${cwd}/plain.csv`, "id,name\n1,a\n");
  await ingest(cwd, "plain.csv", "plain");
  const plain = await readJson(`${cwd}/runs/plain/v1/final_metadata.json`);
  assert.deepEqual(Object.keys(plain.provenance).sort(), ["bytes", "file_name", "sha256"]);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("JSON written by pandas: records and lines, with its unnamed index in CSV", async () => {
  const probe = await new Deno.Command(PYTHON, { args: ["-c", "import pandas"], stderr: "null" })
    .output().catch(() => ({ success: false }));
  if (!probe.success) {
    console.log(`skipped: ${PYTHON} with pandas is not installed`);
    return;
  }
  const cwd = await tempDir("sdp-pandas-");
  const script = `
import pandas as pd, numpy as np
df = pd.DataFrame({
  "Customer Name": ["Ann", "Bo", None],
  "n": [1, np.nan, 3],
  "count": [1, 2, 3],
  "flag": [True, False, True],
  "when": pd.to_datetime(["2024-12-05 19:27:44", "2024-12-06 00:00:00.5", "2024-12-07"], utc=True),
})
df.to_json("${cwd}/records.json", orient="records", date_format="iso")
df.to_json("${cwd}/lines.jsonl", orient="records", lines=True, date_format="iso")
df.to_csv("${cwd}/frame.csv")
`;
  const py = await new Deno.Command(PYTHON, { args: ["-c", script] }).output();
  assert.ok(py.success, new TextDecoder().decode(py.stderr));
  const want = [
    "count:integer:false",
    "customer_name:string:true <- Customer Name",
    "flag:boolean:false",
    "n:float:true",
    "when:datetime:false",
  ];
  await Promise.all([ingest(cwd, "records.json", "rec"), ingest(cwd, "lines.jsonl", "lines")]);
  assert.deepEqual(await schemaOf(cwd, "rec"), want);
  assert.deepEqual(await schemaOf(cwd, "lines"), want);
  assert.deepEqual(await profileOf(cwd, "rec"), await profileOf(cwd, "lines"));
  const csv = await ingest(cwd, "frame.csv", "frame");
  assert.deepEqual(await schemaOf(cwd, "frame"), ["column_1:integer:false <- ", ...want]);
  assert.match(csv.stdout, /\nwhen +datetime +no +0 +2024-12-05T19:27:44\.000Z\n/);
  const prof = await profileOf(cwd, "rec");
  assert.deepEqual(
    prof.columns.when.numeric.support.values,
    [Date.UTC(2024, 11, 5, 19, 27, 44), Date.UTC(2024, 11, 6, 0, 0, 0, 500), Date.UTC(2024, 11, 7)],
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("JSON errors: nested values, bad syntax, declared types; exit 2, nothing written", async () => {
  const cwd = await tempDir("sdp-json-bad-");
  const files: Record<string, string> = {
    "nested.jsonl": '{"id": 1, "tags": []}\n{"id": 2, "tags": ["a", {"b": 1}]}\n',
    "syntax.json": '[{"id": 1},\n {"id": 2,}]',
    "typed.jsonl": '{"id": 1, "at": "2024-12-05 19:27:44+00"}\n{"id": 2, "at": "soon"}\n',
    "s.yaml": "columns:\n  id: {type: integer}\n  at: {type: datetime}\n",
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${cwd}/${name}`, text);
  }
  const cases: [string[], RegExp][] = [
    [["nested.jsonl"], /nested\.jsonl:1:19: field "tags" holds a nested array; .*--nested-as-json/],
    [["syntax.json"], /syntax\.json:2:11: unexpected "}" where a key in double quotes/],
    [
      ["typed.jsonl", "--schema", "s.yaml"],
      /typed\.jsonl:2:17: column "at" \(datetime\): "soon": expected YYYY-MM-DD/,
    ],
    [["typed.jsonl", "--delimiter", ";"], /--delimiter applies to CSV input; typed\.jsonl is JSON/],
    [["s.yaml", "--nested-as-json"], /--nested-as-json applies to JSON input/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(["ingest", ...args, "--dataset", "bad", "--run-id", "v1"], { cwd });
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.deepEqual(await listTree(cwd), Object.keys(files).sort());
  // With the flag, nested values are JSON text in a string column.
  const ok = await ingest(cwd, "nested.jsonl", "nested", ["--nested-as-json", "--format", "csv"]);
  assert.match(ok.stdout, /\ntags +string +no +0 +\[\] +nested values kept as JSON text\n/);
  const data = await Deno.readTextFile(`${cwd}/runs/nested/v1/data.csv`);
  assert.equal(data, 'id,tags\n1,[]\n2,"[""a"",{""b"":1}]"\n');
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("--schema applies the lenient rules; values that do not parse name file, line, column, value", async () => {
  const cwd = await tempDir("sdp-schema-lenient-");
  await Deno.writeTextFile(
    `${cwd}/s.yaml`,
    "columns:\n  at: {type: datetime}\n  ok: {type: boolean}\n  n: {type: integer, nullable: true}\n",
  );
  await Deno.writeTextFile(
    `${cwd}/pg.csv`,
    "at,ok,n\n2024-12-05 19:27:44+00,t,NA\n2024/12/05 21:27:44+0200,F,\n2024-12-05T19:27:44.5-00:30,yes,3\n",
  );
  await Deno.writeTextFile(
    `${cwd}/bad.csv`,
    "at,ok,n\n2024-12-05 19:27:44+00,t,1\n2024-13-05,f,2\n",
  );
  const r = await ingest(cwd, "pg.csv", "pg", ["--schema", "s.yaml", "--json"]);
  const out = JSON.parse(r.stdout);
  assert.equal(out.version, "v1");
  assert.equal(out.path, "runs/pg/v1");
  assert.equal(out.rows, 3);
  assert.equal(out.input.format, "csv");
  assert.equal(out.input.sha256, await sha256File(`${cwd}/pg.csv`));
  assert.equal(out.schema, "s.yaml");
  assert.deepEqual(out.columns.map((c: { name: string }) => c.name), ["at", "n", "ok"]);
  assert.deepEqual(out.columns[0], {
    name: "at",
    source_name: "at",
    type: "datetime",
    nullable: false,
    null_count: 0,
    example: "2024-12-05T19:27:44.000Z",
    notes: [],
  });
  assert.deepEqual([out.columns[1].null_count, out.columns[1].example], [2, "3"]);
  assert.equal(out.columns[2].example, "true");
  // The same summary as run and assemble --json, plus the ingest decisions.
  assert.equal(out.command, "ingest");
  assert.equal(typeof out.quality.score, "number");
  assert.equal(typeof out.files["data.parquet"].sha256, "string");
  assert.equal(out.drift.verdict, "no_prior");
  assert.equal(out.exit_code, 0);
  const prof = await profileOf(cwd, "pg");
  const t = Date.UTC(2024, 11, 5, 19, 27, 44);
  assert.deepEqual(prof.columns.at.numeric.support.values, [t, t + 1_800_500].sort());
  const bad = await runCli(
    ["ingest", "bad.csv", "--dataset", "bad", "--run-id", "v1", "--schema", "s.yaml"],
    { cwd },
  );
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /bad\.csv:3:1: column "at" \(datetime\): "2024-13-05": not a real date/);
  assert.ok(!(await listTree(cwd)).some((p) => p.startsWith("runs/bad")));
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("Parquet from DuckDB: DECIMAL on INT32, INT64 and FIXED_LEN_BYTE_ARRAY; unsupported types named", async () => {
  const cwd = await tempDir("sdp-decimal-");
  await duck([
    `COPY (SELECT * FROM (VALUES (1.25::DECIMAL(4,2), (-123456.789)::DECIMAL(12,3),
      12345678901234567890.12::DECIMAL(30,2), TIMESTAMP '2024-01-02 03:04:05.123'),
      (NULL, 0.001::DECIMAL(12,3), (-0.5)::DECIMAL(30,2), NULL)) v(d4, d12, d30, t))
      TO '${cwd}/d.parquet'`,
    `COPY (SELECT 1 AS id, INTERVAL 1 DAY AS "Wait Time") TO '${cwd}/iv.parquet'`,
  ]);
  const r = await ingest(cwd, "d.parquet", "dec", ["--format", "csv"]);
  assert.deepEqual(await schemaOf(cwd, "dec"), [
    "d12:float:false",
    "d30:float:false",
    "d4:float:true",
    "t:datetime:true",
  ]);
  assert.match(r.stdout, /\nd4 +float +yes +1 +1\.25 +DECIMAL\(4,2\) read as float\n/);
  assert.match(
    r.stdout,
    /\nd30 +float +no +0 +12345678901234567000 +DECIMAL\(30,2\) read as float\n/,
  );
  assert.match(
    r.stdout,
    /\nt +datetime +yes +1 +2024-01-02T03:04:05\.123Z +naive TIMESTAMP read as UTC\n/,
  );
  const data = (await Deno.readTextFile(`${cwd}/runs/dec/v1/data.csv`)).split("\n");
  assert.equal(data[1], "-123456.789,12345678901234567000,1.25,2024-01-02T03:04:05.123Z");
  assert.equal(data[2], "0.001,-0.5,,");
  const bad = await runCli(["ingest", "iv.parquet", "--dataset", "iv", "--run-id", "v1"], { cwd });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /column "Wait Time" has Parquet\/Arrow type Interval/);
  await Deno.remove(cwd, { recursive: true });
});
