/**
 * End-to-end tests of `sdp ingest`: the real CLI with the release permission
 * flags, on good and bad CSV and Parquet files made here.
 */
import { runInProcess } from "../fixtures/io.ts";
import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { listTree, runCli, sha256File, tempDir } from "../cli_harness.ts";
import { DuckDBInstance } from "@duckdb/node-api";

const enc = new TextEncoder();

async function dirWith(files: Record<string, string | Uint8Array>): Promise<string> {
  const cwd = await tempDir("sdp-ingest-");
  for (const [name, content] of Object.entries(files)) {
    if (name.includes("/")) {
      await Deno.mkdir(`${cwd}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
    }
    await Deno.writeFile(
      `${cwd}/${name}`,
      typeof content === "string" ? enc.encode(content) : content,
    );
  }
  return cwd;
}

/**
 * The CLI in this process (fast; for error cases that need no permission
 * checks), with every path under `cwd` given explicitly.
 */
function runHere(args: string[], cwd: string) {
  return runInProcess(args, cwd, { files: /\.(csv|parquet|yaml)$/ });
}

async function readJson(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

/** Only the input files are there: nothing finalized, no runs/ or registry/ left behind. */
async function assertNothingWritten(cwd: string, inputs: string[]): Promise<void> {
  assert.deepEqual(await listTree(cwd), [...inputs].sort());
}

const GOOD_CSV = "\uFEFFid,name,amount,when,flag,note\r\n" +
  '1,"Smith, J",12.5,2024-01-01,true,"line\nbreak"\r\n' +
  "2,Ann,,2024-02-01T10:00:00Z,false,NA\r\n" +
  '3,"say ""hi""",3,2024-03-01T00:00:00.5Z,,\r\n' +
  "4,Zoë,-0.25,2024-04-01,true,x\r\n";

Deno.test("ingest CSV: inferred schema, provenance, verify works, reproduce refused, deterministic", async () => {
  const cwd = await dirWith({ "in/good.csv": GOOD_CSV });
  const other = await dirWith({ "in/good.csv": GOOD_CSV });
  const args = [
    "ingest",
    "in/good.csv",
    "--dataset",
    "people",
    "--run-id",
    "v1",
    "--format",
    "both",
  ];
  const [r, r2] = await Promise.all([runCli(args, { cwd }), runCli(args, { cwd: other })]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r.stdout, /Finalized people v1: 4 rows in runs\/people\/v1/);
  assert.match(r.stdout, /schema: inferred from good\.csv/);
  const dir = `${cwd}/runs/people/v1`;
  const meta = await readJson(`${dir}/final_metadata.json`);
  assert.equal(meta.source, "ingested");
  assert.equal(meta.row_count, 4);
  assert.deepEqual(meta.provenance, {
    bytes: (await Deno.stat(`${cwd}/in/good.csv`)).size,
    file_name: "good.csv",
    sha256: await sha256File(`${cwd}/in/good.csv`),
  });
  // The schema actually used is in the snapshot: sorted columns, inferred types.
  const snap = await readJson(`${dir}/configs_snapshot.json`);
  const schema = snap.files["schema.yaml"] as string;
  const types = [...schema.matchAll(/"(\w+)":\n\s+type: (\w+)\n\s+nullable: (\w+)/g)].map((m) =>
    `${m[1]}:${m[2]}:${m[3]}`
  );
  assert.deepEqual(types, [
    "amount:float:true",
    "flag:boolean:true",
    "id:integer:false",
    "name:string:false",
    "note:string:true",
    "when:datetime:false",
  ]);
  assert.match(snap.files["dataset.yaml"], /row_count: 4/);
  // sdp's own CSV writer: sorted columns, values normalised.
  const csv = await Deno.readTextFile(`${dir}/data.csv`);
  assert.equal(csv.split("\n")[0], "amount,flag,id,name,note,when");
  assert.match(csv, /^,false,2,Ann,NA,2024-02-01T10:00:00\.000Z$/m);
  assert.match(csv, /"say ""hi"""/);
  const reg = await readJson(`${cwd}/registry/datasets.json`);
  assert.equal(reg.datasets.people.versions[0].source, "ingested");

  // Same file + version in another folder: byte-identical deterministic artifacts.
  for (
    const f of [
      "data.parquet",
      "data.csv",
      "configs_snapshot.json",
      "profile.json",
      "final_metadata.json",
    ]
  ) {
    assert.equal(
      await sha256File(`${dir}/${f}`),
      await sha256File(`${other}/runs/people/v1/${f}`),
      f,
    );
  }

  const v = await runCli(["verify", "people", "v1"], { cwd });
  assert.equal(v.code, 0, v.stderr + v.stdout);
  const rep = await runCli(["verify", "people", "v1", "--reproduce"], { cwd });
  assert.equal(rep.code, 2);
  assert.match(rep.stderr, /ingested, not generated/);

  // A second ingest uses v1's schema and is evaluated for drift against v1.
  const r3 = await runCli(["ingest", "in/good.csv", "--dataset", "people", "--run-id", "v2"], {
    cwd,
  });
  assert.equal(r3.code, 0, r3.stderr);
  assert.match(r3.stdout, /schema: schema of the latest version v1/);
  const ev = await readJson(`${cwd}/runs/people/v2/evaluation_report.json`);
  assert.equal(ev.prior_version, "v1");
  assert.equal(ev.drift.available, true);
  assert.equal(
    await sha256File(`${cwd}/runs/people/v2/prior_profile.json`),
    await sha256File(`${dir}/profile.json`),
  );
  // The same version again is refused before reading the file.
  const again = await runCli(["ingest", "in/good.csv", "--dataset", "people", "--run-id", "v2"], {
    cwd,
  });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
});

Deno.test("ingest CSV errors name file, line, column and value; nothing is written", async () => {
  const schema =
    "columns:\n  id:\n    type: integer\n  score:\n    type: float\n    nullable: true\n";
  const cases: { name: string; file: string | Uint8Array; args?: string[]; want: RegExp }[] = [
    {
      name: "ragged.csv",
      file: "id,score\n1,2.5\n2,3.5,9\n",
      want: /ragged\.csv:3:3: record has 3 fields, the header has 2/,
    },
    {
      name: "latin1.csv",
      file: new Uint8Array([...enc.encode("id,score\n1,2\n7,"), 0xe9, 0x0a]),
      want: /latin1\.csv:3:3: invalid UTF-8 \(byte 0xe9\)/,
    },
    {
      name: "typed.csv",
      file: "id,score\n1,2.5\n2,1.0\n3,12,5\n".replace("3,12,5", '3,"12,5"'),
      args: ["--schema", "schema.yaml"],
      want: /typed\.csv:4:2: column "score" \(float\): "12,5": expected a decimal number/,
    },
    {
      name: "notnull.csv",
      file: "id,score\n1,2.5\n,1\n",
      args: ["--schema", "schema.yaml"],
      want: /notnull\.csv:3:1: column "id" \(integer\): "": empty, but the column is not nullable/,
    },
    {
      name: "quote.csv",
      file: 'id,score\n1,"2.5\n',
      want: /quote\.csv:2:3: a quoted field is not closed/,
    },
    {
      name: "undeclared.csv",
      file: "id,score,extra\n1,2,3\n",
      args: ["--schema", "schema.yaml"],
      want: /column "extra" is not declared/,
    },
    { name: "empty.csv", file: "id,score\n", want: /header but no data rows/ },
  ];
  const cwd = await dirWith({
    "schema.yaml": schema,
    ...Object.fromEntries(cases.map((c) => [c.name, c.file])),
  });
  const results = [];
  for (const c of cases) {
    results.push(
      await runHere(
        ["ingest", c.name, "--dataset", "bad", "--run-id", "v1", ...(c.args ?? [])],
        cwd,
      ),
    );
  }
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i].name}: ${r.stderr}`);
    assert.match(r.stderr, cases[i].want, cases[i].name);
  });
  await assertNothingWritten(cwd, ["schema.yaml", ...cases.map((c) => c.name)]);
});

function parquetBytes(table: arrow.Table): Uint8Array {
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, "stream")));
}

function goodTable(): arrow.Table {
  const n = 5;
  const micros = arrow.makeVector(arrow.makeData({
    type: new arrow.TimestampMicrosecond(),
    length: n,
    nullCount: 1,
    nullBitmap: Uint8Array.from([0b11011]),
    data: BigInt64Array.from([1_700_000_000_123_000n, 1_700_000_001_000_000n, 0n, 5_000n, 0n]),
  }));
  return new arrow.Table({
    zeta: arrow.vectorFromArray(["a", "b", null, "d", "e"], new arrow.Utf8()),
    count: arrow.vectorFromArray([1, 2, 3, 4, 5], new arrow.Int32()),
    big: arrow.vectorFromArray([1n, -2n, 3n, 4n, 9007199254740991n], new arrow.Int64()),
    ratio: arrow.vectorFromArray([0.5, 1.5, 2.5, null, 4.5], new arrow.Float32()),
    ok: arrow.vectorFromArray([true, false, true, true, null], new arrow.Bool()),
    at: micros,
    day: arrow.vectorFromArray(
      [new Date(0), new Date(86_400_000), new Date(0), new Date(0), new Date(0)],
      new arrow.DateDay(),
    ),
  });
}

Deno.test("ingest Parquet: types mapped, columns sorted, nulls seen, schema coercion int->float", async () => {
  const cwd = await dirWith({
    "t.parquet": parquetBytes(goodTable()),
    "s.yaml": "columns:\n  zeta: {type: string, nullable: true}\n  count: {type: float}\n" +
      "  big: {type: integer}\n  ratio: {type: float, nullable: true}\n" +
      "  ok: {type: boolean, nullable: true}\n  at: {type: datetime, nullable: true}\n" +
      "  day: {type: datetime}\n",
  });
  const [r, rs] = await Promise.all([
    runCli(["ingest", "t.parquet", "--dataset", "pq", "--run-id", "v1", "--format", "both"], {
      cwd,
    }),
    runCli(
      ["ingest", "t.parquet", "--dataset", "pq2", "--run-id", "v1", "--schema", "s.yaml"],
      { cwd },
    ),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(rs.code, 0, rs.stderr);
  const snap = await readJson(`${cwd}/runs/pq/v1/configs_snapshot.json`);
  const types = [...(snap.files["schema.yaml"] as string).matchAll(
    /"(\w+)":\n\s+type: (\w+)\n\s+nullable: (\w+)/g,
  )].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
  assert.deepEqual(types, [
    "at:datetime:true",
    "big:integer:false",
    "count:integer:false",
    "day:date:false",
    "ok:boolean:true",
    "ratio:float:true",
    "zeta:string:true",
  ]);
  const csv = (await Deno.readTextFile(`${cwd}/runs/pq/v1/data.csv`)).split("\n");
  assert.equal(csv[0], "at,big,count,day,ok,ratio,zeta");
  assert.equal(csv[1], "2023-11-14T22:13:20.123Z,1,1,1970-01-01,true,0.5,a");
  assert.equal(csv[2], "2023-11-14T22:13:21.000Z,-2,2,1970-01-02,false,1.5,b");
  assert.equal(csv[3], ",3,3,1970-01-01,true,2.5,");
  assert.equal(csv[4], "1970-01-01T00:00:00.005Z,4,4,1970-01-01,true,,d");
  assert.equal(csv[5], "1970-01-01T00:00:00.000Z,9007199254740991,5,1970-01-01,,4.5,e");
  // A schema declaring the DATE column datetime (as versions before the date type did) reads
  // it as UTC midnights.
  const pq2 = await readJson(`${cwd}/runs/pq2/v1/profile.json`);
  assert.equal(pq2.columns.day.type, "datetime");
  assert.deepEqual(pq2.columns.day.numeric.support.values, [0, 86_400_000]);
  const meta = await readJson(`${cwd}/runs/pq/v1/final_metadata.json`);
  assert.equal(meta.provenance.file_name, "t.parquet");
  assert.equal(meta.provenance.sha256, await sha256File(`${cwd}/t.parquet`));
  const snap2 = await readJson(`${cwd}/runs/pq2/v1/configs_snapshot.json`);
  assert.match(snap2.files["schema.yaml"], /count: \{type: float\}/);
});

Deno.test("ingest Parquet errors: truncated, not Parquet, unsupported type, lossy values; nothing written", async () => {
  const good = parquetBytes(goodTable());
  const decimal = parquetBytes(
    new arrow.Table({
      id: arrow.vectorFromArray([1, 2], new arrow.Int32()),
      blob: arrow.vectorFromArray([new Uint8Array([1]), new Uint8Array([2])], new arrow.Binary()),
    }),
  );
  const huge = parquetBytes(
    new arrow.Table({
      id: arrow.vectorFromArray([1n, 9223372036854775808n], new arrow.Uint64()),
    }),
  );
  const nan = parquetBytes(
    new arrow.Table({ x: arrow.vectorFromArray([1.5, NaN], new arrow.Float64()) }),
  );
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "cut.parquet",
      good.slice(0, good.length - 100),
      /cut\.parquet: not a readable Parquet file: .*truncated/,
    ],
    [
      "text.parquet",
      enc.encode("id,x\n1,2\n3,4\n5,6\n"),
      /text\.parquet: not a readable Parquet file: .*PAR1/,
    ],
    [
      "tiny.parquet",
      enc.encode("PAR1"),
      /tiny\.parquet: not a readable Parquet file: only 4 bytes/,
    ],
    [
      "binary.parquet",
      decimal,
      /column "blob" has Parquet\/Arrow type Binary, which sdp cannot ingest/,
    ],
    ["huge.parquet", huge, /row 2, column "id": 9223372036854775808: beyond .*int64/],
    ["nan.parquet", nan, /row 2, column "x": NaN: not a finite number/],
  ];
  const cwd = await dirWith(Object.fromEntries(cases.map(([n, b]) => [n, b])));
  const results = [];
  for (const [n] of cases) {
    results.push(await runHere(["ingest", n, "--dataset", "bad", "--run-id", "v1"], cwd));
  }
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0]}: ${r.stderr}`);
    assert.match(r.stderr, cases[i][2], cases[i][0]);
  });
  await assertNothingWritten(cwd, cases.map(([n]) => n));
});

Deno.test("ingest: schema precedence, type mismatch against a declared schema, usage errors", async () => {
  const cwd = await dirWith({
    "a.csv": "id,v\n1,2\n2,3\n",
    "b.csv": "id,v,w\n1,2,3\n",
    "datasets/shop/dataset.yaml": "name: shop\ndomain: retail\nrow_count: 10\n",
    "datasets/shop/schema.yaml":
      "columns:\n  id: {type: integer, unique: true}\n  v: {type: string}\n",
    "datasets/shop/evolution.yaml": "",
    "p.parquet": parquetBytes(
      new arrow.Table({ id: arrow.vectorFromArray(["x"], new arrow.Utf8()) }),
    ),
    "ps.yaml": "columns:\n  id: {type: integer}\n",
  });
  const [shop, evolved, outside] = await Promise.all([
    runCli(["ingest", "a.csv", "--dataset", "shop", "--run-id", "v1"], { cwd }),
    runCli(["ingest", "b.csv", "--dataset", "loose", "--run-id", "v1"], { cwd }),
    runCli(["ingest", "/etc/hostname", "--dataset", "x"], { cwd }),
  ]);
  const mismatch = await runHere(
    ["ingest", "p.parquet", "--dataset", "pq", "--schema", "ps.yaml"],
    cwd,
  );
  const noDataset = await runHere(["ingest", "a.csv"], cwd);
  // datasets/shop/ wins over inference: v is a string there; row_count replaced.
  assert.equal(shop.code, 0, shop.stderr);
  assert.match(shop.stdout, /schema: datasets\/shop\/schema\.yaml/);
  const snap = await readJson(`${cwd}/runs/shop/v1/configs_snapshot.json`);
  assert.match(snap.files["dataset.yaml"], /domain: retail\nrow_count: 2/);
  assert.match(snap.files["schema.yaml"], /v: \{type: string\}/);
  assert.equal(evolved.code, 0, evolved.stderr);
  assert.equal(mismatch.code, 2);
  assert.match(
    mismatch.stderr,
    /column "id" is Utf8 \(sdp string\) in the file, but .*ps\.yaml declares integer/,
  );
  assert.equal(noDataset.code, 2);
  assert.match(noDataset.stderr, /--dataset NAME is required/);
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /outside the working directory/);
  // The next ingest of "loose" keeps v1's schema: a new column is refused.
  const more = await runHere(["ingest", "b.csv", "--dataset", "loose", "--run-id", "v2"], cwd);
  assert.equal(more.code, 0, more.stderr);
  const fewer = await runHere(["ingest", "a.csv", "--dataset", "loose", "--run-id", "v3"], cwd);
  assert.equal(fewer.code, 2);
  assert.match(fewer.stderr, /lacks declared column\(s\): w/);
  assert.ok(!(await listTree(cwd)).some((p) => p.includes("v3") || p.includes(".staging")));
});

Deno.test("ingest CSV written by DuckDB: TIMESTAMPTZ, BOOLEAN and INTEGER with NULLs keep their types", async () => {
  const cwd = await dirWith({});
  await Deno.mkdir(`${cwd}/in`);
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // DuckDB writes `2024-12-05 19:27:44+00`, sub-millisecond fractions, true/false and
  // empty fields for NULL (or the NULLSTR given, R's `NA` here).
  const select =
    `SELECT i AS id, TIMESTAMPTZ '2024-12-05 19:27:44+00' + i * INTERVAL 90 MINUTE + ` +
    `i * INTERVAL 1500 MICROSECOND AS ts, i % 3 = 0 AS flag, ` +
    `CASE WHEN i % 4 = 0 THEN NULL ELSE i * 10 END AS n FROM range(6) t(i)`;
  await conn.run(`COPY (${select}) TO '${cwd}/in/duck.csv' (HEADER)`);
  await conn.run(`COPY (${select}) TO '${cwd}/in/duck_na.csv' (HEADER, NULLSTR 'NA')`);
  conn.closeSync();
  const text = await Deno.readTextFile(`${cwd}/in/duck.csv`);
  assert.match(text, /^0,2024-12-05 19:27:44\+00,true,$/m);
  assert.match(text, /^1,2024-12-05 20:57:44\.0015\+00,false,10$/m);
  assert.match(await Deno.readTextFile(`${cwd}/in/duck_na.csv`), /^4,[^,]+,false,NA$/m);

  const schemaOf = async (version: string) => {
    const snap = await readJson(`${cwd}/runs/duck/${version}/configs_snapshot.json`);
    const schema = snap.files["schema.yaml"] as string;
    return [...schema.matchAll(/"(\w+)":\n\s+type: (\w+)\n\s+nullable: (\w+)/g)].map((m) =>
      `${m[1]}:${m[2]}:${m[3]}`
    );
  };
  const expected = [
    "flag:boolean:false",
    "id:integer:false",
    "n:integer:true",
    "ts:datetime:false",
  ];
  // v1 infers the schema; v2 (NA for NULL) is parsed with v1's schema.
  for (const [file, version] of [["in/duck.csv", "v1"], ["in/duck_na.csv", "v2"]]) {
    const r = await runCli(["ingest", file, "--dataset", "duck", "--run-id", version], { cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    if (version === "v2") assert.match(r.stdout, /schema: schema of the latest version v1/);
    // Every DuckDB timestamp has its offset: no "read as UTC" note.
    assert.match(r.stdout, /\nts {2,}datetime +no +0 +2024-12-05T19:27:44\.000Z\n/);
    assert.doesNotMatch(r.stdout, /without offset/);
    if (version === "v1") assert.deepEqual(await schemaOf(version), expected);
    const profile = await readJson(`${cwd}/runs/duck/${version}/profile.json`);
    const cols = profile.columns;
    assert.deepEqual(
      Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, (v as { type: string }).type])),
      { flag: "boolean", id: "integer", n: "integer", ts: "datetime" },
      file,
    );
    assert.equal(cols.n.nulls, 2, file);
    assert.equal(cols.ts.nulls, 0, file);
    assert.deepEqual(cols.flag.categorical.top, [
      { count: 4, value: "false" },
      { count: 2, value: "true" },
    ]);
    // Converted to UTC epoch ms; digits beyond milliseconds are truncated (.0015 -> .001).
    const base = Date.UTC(2024, 11, 5, 19, 27, 44);
    assert.deepEqual(
      cols.ts.numeric.support.values,
      [0, 1, 2, 3, 4, 5].map((i) => base + i * 5_400_000 + Math.floor(i * 1.5)),
      file,
    );
    assert.deepEqual(cols.n.numeric.support.values, [10, 20, 30, 50], file);
  }

  // --null-values replaces the list: without NA among the tokens, n is text.
  const r3 = await runCli([
    "ingest",
    "in/duck_na.csv",
    "--dataset",
    "duck2",
    "--run-id",
    "v1",
    "--null-values",
    "NULL,-",
  ], { cwd });
  assert.equal(r3.code, 0, r3.stderr + r3.stdout);
  const p3 = await readJson(`${cwd}/runs/duck2/v1/profile.json`);
  assert.equal(p3.columns.n.type, "string");
  assert.equal(p3.columns.ts.type, "datetime");
});

Deno.test("ingest CSV written by DuckDB with ; tab | separators (detected) and : (--delimiter)", async () => {
  const cwd = await dirWith({});
  await Deno.mkdir(`${cwd}/in`);
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // Text holding every separator, quotes and a line break, so DuckDB quotes it.
  const select = `SELECT i AS id, CASE WHEN i = 1 THEN 'say "hi"; a|b, c' || chr(9) || 'd' ` +
    `WHEN i = 2 THEN 'two' || chr(10) || 'lines:x' ELSE 'n' || i END AS name, ` +
    `i * 1.5 AS amount, i % 2 = 0 AS ok FROM range(4) t(i)`;
  const files: [string, string, string][] = [
    ["semi.csv", "';'", ";"],
    ["tab.csv", "'\\t'", "\t"],
    ["pipe.csv", "'|'", "|"],
    ["colon.csv", "':'", ":"],
  ];
  for (const [file, delim] of files) {
    await conn.run(`COPY (${select}) TO '${cwd}/in/${file}' (HEADER, DELIMITER ${delim})`);
  }
  conn.closeSync();
  assert.match(await Deno.readTextFile(`${cwd}/in/semi.csv`), /^id;name;amount;ok\n/);
  assert.match(await Deno.readTextFile(`${cwd}/in/tab.csv`), /^id\tname\tamount\tok\n/);
  assert.match(await Deno.readTextFile(`${cwd}/in/pipe.csv`), /^id\|name\|amount\|ok\n/);

  const expectedCsv = "amount,id,name,ok\n" +
    "0,0,n0,true\n" +
    '1.5,1,"say ""hi""; a|b, c\td",false\n' +
    '3,2,"two\nlines:x",true\n' +
    "4.5,3,n3,false\n";
  const ingest = async (file: string, dataset: string, extra: string[] = []) => {
    const r = await runCli(
      [
        "ingest",
        `in/${file}`,
        "--dataset",
        dataset,
        "--run-id",
        "v1",
        "--format",
        "both",
        ...extra,
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const dir = `${cwd}/runs/${dataset}/v1`;
    const profile = await readJson(`${dir}/profile.json`);
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(profile.columns).map(([k, v]) => [k, (v as { type: string }).type]),
      ),
      { amount: "float", id: "integer", name: "string", ok: "boolean" },
      file,
    );
    return { stdout: r.stdout, csv: await Deno.readTextFile(`${dir}/data.csv`), dir };
  };
  for (const [file, , sep] of files.slice(0, 3)) {
    const dataset = file.replace(".csv", "");
    const r = await ingest(file, dataset);
    const shown = sep === "\t" ? "tab" : `"${sep}"`;
    assert.match(
      r.stdout,
      new RegExp(`^separator: ${shown.replace("|", "\\|")} \\(detected\\)$`, "m"),
    );
    assert.equal(r.csv, expectedCsv, file);
    const meta = await readJson(`${r.dir}/final_metadata.json`);
    assert.equal(meta.provenance.separator, sep, file);
  }
  // `:` is no candidate: detection falls back to `,`, which cannot read the file ...
  const bad = await runCli(["ingest", "in/colon.csv", "--dataset", "colon", "--run-id", "v1"], {
    cwd,
  });
  assert.equal(bad.code, 2, bad.stderr + bad.stdout);
  assert.match(bad.stderr, /colon\.csv:3:3: a quote \(\"\) inside an unquoted field/);
  // ... and --delimiter overrides the detection.
  const r = await ingest("colon.csv", "colon", ["--delimiter", ":"]);
  assert.match(r.stdout, /^separator: ":" \(--delimiter\)$/m);
  assert.equal(r.csv, expectedCsv);
  // A comma file records no separator (its provenance is as before) and says it was detected.
  await Deno.writeTextFile(`${cwd}/in/comma.csv`, "a,b\n1,2\n");
  const plain = await runCli(["ingest", "in/comma.csv", "--dataset", "comma2", "--run-id", "v1"], {
    cwd,
  });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^separator: "," \(detected\)$/m);
  const meta = await readJson(`${cwd}/runs/comma2/v1/final_metadata.json`);
  assert.deepEqual(Object.keys(meta.provenance).sort(), ["bytes", "file_name", "sha256"]);
  // Bad --delimiter values are usage errors.
  const usage = await runCli(["ingest", "in/semi.csv", "--dataset", "x", "--delimiter", "ab"], {
    cwd,
  });
  assert.equal(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--delimiter "ab": it must be a single character/);
});

Deno.test("ingest Parquet: sub-millisecond timestamps are truncated to ms (floor), as for CSV text", async () => {
  const nanos = parquetBytes(
    new arrow.Table({
      at: arrow.makeVector(arrow.makeData({
        type: new arrow.TimestampNanosecond(),
        length: 3,
        nullCount: 0,
        data: BigInt64Array.from([1_000_000n, 1_999_999n, -1n]),
      })),
    }),
  );
  const cwd = await dirWith({ "nanos.parquet": nanos });
  const r = await runHere(["ingest", "nanos.parquet", "--dataset", "ns", "--run-id", "v1"], cwd);
  assert.equal(r.code, 0, r.stderr);
  const profile = await readJson(`${cwd}/runs/ns/v1/profile.json`);
  assert.deepEqual(profile.columns.at.numeric.support.values, [-1, 1]);
});
