/**
 * End-to-end tests of `sdp fit`: a real public table (modeldata::mlc_churn,
 * exported with Debian's R) fitted with the release permission flags, pinned
 * by the SHA-256 of the three YAML texts, generated from with `sdp run`, and
 * checked for privacy; bad inputs each exit 2 and write nothing.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { runInProcess } from "../fixtures/io.ts";
import { runCli, tempDir } from "../cli_harness.ts";
import { sha256 } from "../../src/hash/bytes.ts";

const enc = new TextEncoder();
const FILES = ["dataset.yaml", "schema.yaml", "evolution.yaml"] as const;

/** SHA-256 of the three texts of `sdp fit churn.csv --dataset churn_twin --target churn`. */
const CHURN_GOLDEN: Record<string, string> = {
  "dataset.yaml": "db35c4576a3453bae398714aaaaa487046828d329a7cefa2ddc876f9814125dd",
  "schema.yaml": "0b0c86173c8eb0d31fd7eb6e5136022ea0ba0cae024d51396b399c1e7b02d49c",
  "evolution.yaml": "ea228d80c5a8fdf7f3cc1c2bfdcd6e86e20882146876c631e08816aa75924db8",
};

function hasRscript(): boolean {
  try {
    return new Deno.Command("Rscript", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
const R = hasRscript();
if (!R) {
  console.log("fit_test: Rscript (r-cran-modeldata) missing; the real-table tests are skipped");
}

async function exportChurn(cwd: string): Promise<void> {
  const out = await new Deno.Command("Rscript", {
    args: ["-e", 'write.csv(modeldata::mlc_churn, "churn.csv", row.names=FALSE)'],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

async function texts(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of FILES) out[f] = await Deno.readTextFile(`${dir}/${f}`);
  return out;
}

/** Hex SHA-256 of a text. */
async function hashText(text: string): Promise<string> {
  return [...await sha256(enc.encode(text))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A simple CSV parser for the test's own files (quoted fields without embedded quotes). */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trim().split("\n");
  const split = (l: string) => l.split(",").map((f) => f.replace(/^"|"$/g, ""));
  return { header: split(lines[0]), rows: lines.slice(1).map(split) };
}

/** Every number in a parsed YAML value. */
function numbersIn(v: unknown, out: number[] = []): number[] {
  if (typeof v === "number") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => numbersIn(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => numbersIn(x, out));
  return out;
}

Deno.test({
  name: "fit: mlc_churn -> pinned configs that sdp run generates from, no record copied",
  ignore: !R,
  async fn() {
    const cwd = await tempDir("sdp-fit-");
    await exportChurn(cwd);
    const args = ["fit", "churn.csv", "--dataset", "churn_twin", "--target", "churn"];
    const first = await runCli(args, { cwd });
    assert.equal(first.code, 0, first.stderr);
    for (
      const line of [
        /number_vmail_messages +integer +empirical, 65 knots/,
        /account_length +integer +normal \(KS 0\.\d+ <= 0\.03/,
        /copula: 20 columns/,
        /target churn: in the copula; strongest latent correlations international_plan/,
        /possible personal data .*: none/,
      ]
    ) assert.match(first.stdout, line);
    const a = await texts(`${cwd}/datasets/churn_twin`);
    for (const f of FILES) {
      assert.equal(await hashText(a[f]), CHURN_GOLDEN[f], `${f} changed:\n${a[f].slice(0, 2000)}`);
    }

    // Same bytes again (with --force), and a refusal without it.
    const again = await runCli(args, { cwd });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists; pass --force/);
    const forced = await runCli([...args, "--force"], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(await texts(`${cwd}/datasets/churn_twin`), a);

    // Privacy: no float value seen once in the table is a knot, bound or parameter.
    const { header, rows } = readCsv(await Deno.readTextFile(`${cwd}/churn.csv`));
    const schema = parse(a["schema.yaml"]);
    for (const [j, name] of header.entries()) {
      if (schema.columns[name].type !== "float") continue;
      const written = new Set(numbersIn(schema.columns[name]));
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r[j], (counts.get(r[j]) ?? 0) + 1);
      for (const [v, c] of counts) {
        if (c === 1) {
          assert.ok(
            !written.has(Number(v)),
            `${name}: the single record's value ${v} is in the YAML`,
          );
        }
      }
    }

    const run = await runCli(["run", "churn_twin", "--format", "csv"], { cwd });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const version = [...Deno.readDirSync(`${cwd}/runs/churn_twin`)][0].name;
    const syn = readCsv(await Deno.readTextFile(`${cwd}/runs/churn_twin/${version}/data.csv`));
    assert.equal(syn.rows.length, 5000);
    // The label's relation survives: churn rate by international_plan, real vs synthetic.
    const rateBy = (t: { header: string[]; rows: string[][] }, yes: string) => {
      const c = t.header.indexOf("churn");
      const p = t.header.indexOf("international_plan");
      const with_ = t.rows.filter((r) => r[p] === yes);
      const without = t.rows.filter((r) => r[p] !== yes);
      const churned = (rs: string[][]) => rs.filter((r) => r[c] === yes).length / rs.length;
      return churned(with_) - churned(without);
    };
    const real = rateBy({ header, rows }, "yes");
    const synthetic = rateBy(syn, "true");
    assert.ok(
      real > 0.25 && Math.abs(real - synthetic) < 0.12,
      `real ${real}, synthetic ${synthetic}`,
    );
    // No synthetic row equals a real row.
    const realRows = new Set(rows.map((r) => r.join(",")));
    assert.ok(syn.rows.every((r) => !realRows.has(r.join(","))));
  },
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const cwd = await tempDir("sdp-fit-bad-");
  for (const [name, content] of Object.entries(files)) {
    if (name.includes("/")) {
      await Deno.mkdir(`${cwd}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
    }
    await Deno.writeTextFile(`${cwd}/${name}`, content);
  }
  return cwd;
}

function csv(header: string, rows: number, row: (i: number) => string): string {
  let s = `${header}\n`;
  for (let i = 0; i < rows; i++) s += `${row(i)}\n`;
  return s;
}

const GOOD = csv(
  "x,y,label",
  200,
  (i) => `${(i * 7919) % 1000 / 10},${i % 3 === 0 ? "a" : "b"},${i % 4 === 0}`,
);

const BAD: Array<{ name: string; files: Record<string, string>; args: string[]; message: RegExp }> =
  [
    { name: "empty file", files: { "t.csv": "x,y\n" }, args: [], message: /no data rows/ },
    {
      name: "single column",
      files: { "t.csv": csv("x", 50, (i) => `${i}`) },
      args: [],
      message: /single column/,
    },
    {
      name: "all-null column",
      files: { "t.csv": csv("x,y", 50, (i) => `${i},`) },
      args: [],
      message: /column y is null on every training row/,
    },
    {
      name: "label with one class",
      files: { "t.csv": csv("x,label", 50, (i) => `${i * 1.5},true`) },
      args: ["--target", "label"],
      message: /one class/,
    },
    {
      name: "unknown target",
      files: { "t.csv": GOOD },
      args: ["--target", "nope"],
      message: /--target nope is not a column/,
    },
    {
      name: "holdout outside [0, 1)",
      files: { "t.csv": GOOD },
      args: ["--holdout", "1.5"],
      message: /--holdout must be a share/,
    },
    {
      name: "holdout leaving too few rows",
      files: { "t.csv": csv("x,y", 12, (i) => `${i * 1.5},${i % 2}`) },
      args: ["--holdout", "0.9"],
      message: /training rows of 12/,
    },
    {
      name: "bad min count",
      files: { "t.csv": GOOD },
      args: ["--min-count", "1"],
      message: /--min-count must be a whole number from 2/,
    },
    {
      name: "existing folder",
      files: { "t.csv": GOOD, "datasets/twin/keep.txt": "x" },
      args: [],
      message: /already exists/,
    },
    { name: "missing file", files: {}, args: [], message: /not found/ },
  ];

for (const c of BAD) {
  Deno.test(`fit: bad input exits 2 and writes nothing: ${c.name}`, async () => {
    const cwd = await dirWith(c.files);
    const r = await runInProcess(["fit", "t.csv", "--dataset", "twin", ...c.args], cwd, {
      files: /\.csv$/,
    });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, c.message);
    const left = [...Deno.readDirSync(cwd)].map((e) => e.name).sort();
    assert.deepEqual(
      left,
      Object.keys(c.files).map((f) => f.split("/")[0]).filter((f, i, a) => a.indexOf(f) === i)
        .sort(),
    );
    if (c.name === "existing folder") {
      assert.deepEqual([...Deno.readDirSync(`${cwd}/datasets`)].map((e) => e.name), ["twin"]);
      assert.deepEqual([...Deno.readDirSync(`${cwd}/datasets/twin`)].map((e) => e.name), [
        "keep.txt",
      ]);
    }
  });
}

Deno.test("fit: an invalid dataset name is a usage error", async () => {
  const cwd = await dirWith({ "t.csv": GOOD });
  const r = await runInProcess(["fit", "t.csv", "--dataset", "Bad Name"], cwd, { files: /\.csv$/ });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /dataset name "Bad Name" must be/);
});

Deno.test("fit: rare categories merged, identifiers and text replaced, constants kept, same bytes twice", async () => {
  const n = 3000;
  const shapes = ["AB", "CD", "EF"];
  const text = csv("cust_id,code,city_name,plan,note,const_col,amount,ts", n, (i) => {
    const plan = i === 7 || i === 8 ? "platinum_secret" : ["free", "pro", "team"][i % 3];
    return [
      1000 + i,
      `${shapes[i % 3]}-${String((i * 7919) % 10000).padStart(4, "0")}`,
      `Town${(i * 31) % 2003}ville`,
      plan,
      `note ${(i * 13) % 2999} words here`,
      "fixed",
      ((i * 7919) % 100000) / 100,
      new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    ].join(",");
  });
  const cwd = await dirWith({ "t.csv": text });
  const r = await runInProcess(["fit", "t.csv", "--dataset", "twin"], cwd, { files: /\.csv$/ });
  assert.equal(r.code, 0, r.stderr);
  const schemaText = await Deno.readTextFile(`${cwd}/datasets/twin/schema.yaml`);
  const schema = parse(schemaText);
  assert.deepEqual(schema.columns.cust_id.generator, { kind: "sequence", start: 1000, step: 1 });
  assert.equal(schema.columns.cust_id.unique, true);
  assert.deepEqual(schema.columns.code.generator, {
    kind: "regex",
    pattern: "[A-Z]{2}\\-[0-9]{4}",
  });
  assert.equal(schema.columns.plan.generator.values.at(-1), "other");
  assert.ok(!schemaText.includes("platinum_secret"));
  assert.ok(!schemaText.includes("Town"), "no real city name is written");
  assert.deepEqual(schema.columns.const_col.generator, {
    kind: "categorical",
    values: ["fixed"],
    weights: [1],
  });
  assert.equal(schema.columns.ts.generator.kind, "datetime");
  assert.ok(
    schema.correlations[0].columns.includes("ts") &&
      schema.correlations[0].columns.includes("plan"),
  );
  assert.match(r.stdout, /merged rare categories \(< 5\): plan \(1 -> other, 2 rows\)/);
  assert.match(r.stdout, /possible personal data .*: city_name, code, note/);
  assert.match(r.stdout, /replaced identifiers: cust_id/);
  // Same input and options: same bytes.
  const again = await runInProcess(["fit", "t.csv", "--dataset", "twin", "--force"], cwd, {
    files: /\.csv$/,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await Deno.readTextFile(`${cwd}/datasets/twin/schema.yaml`), schemaText);
  const run = await runInProcess(["run", "twin", "--rows", "2000"], cwd);
  assert.equal(run.code, 0, run.stderr + run.stdout);
});

Deno.test("fit: 20,000 distinct strings stay bounded and become a same-shape generator", async () => {
  const text = csv(
    "k,v",
    20_000,
    (i) => `K${String((i * 7919) % 20000).padStart(6, "0")}x,${i % 5}`,
  );
  const cwd = await dirWith({ "t.csv": text });
  const r = await runInProcess(["fit", "t.csv", "--dataset", "twin", "--holdout", "0"], cwd, {
    files: /\.csv$/,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /k +string +over 10000 distinct values: text of shape/);
  const schema = parse(await Deno.readTextFile(`${cwd}/datasets/twin/schema.yaml`));
  assert.deepEqual(schema.columns.k.generator, { kind: "regex", pattern: "K0[0-9]{5}x" });
});
