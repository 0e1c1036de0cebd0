/**
 * End-to-end tests of `sdp compare` on a real public table: modeldata's
 * credit_data (4454 rows, 14 columns, label Status), exported by R. Skipped,
 * saying so, when Rscript or the modeldata package is missing.
 */
import assert from "node:assert/strict";
import { runInProcess } from "../fixtures/io.ts";
import { listTree, runCli, tempDir } from "../cli_harness.ts";

async function creditCsv(dir: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("Rscript", {
      args: ["-e", 'write.csv(modeldata::credit_data, "credit.csv", row.names=FALSE)'],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).output();
    if (out.success) return true;
  } catch { /* no Rscript */ }
  console.log("  skipped: Rscript with the modeldata package is not available");
  return false;
}

async function ingest(cwd: string, file: string, dataset: string): Promise<void> {
  const r = await runCli(["ingest", file, "--dataset", dataset, "--run-id", "v1"], { cwd });
  assert.equal(r.code, 0, r.stderr);
}

Deno.test("compare credit_data: report fields, baseline, record folder, byte-identical re-runs", async () => {
  const a = await tempDir("sdp-compare-a-");
  const b = await tempDir("sdp-compare-b-");
  if (!(await creditCsv(a))) return;
  await Deno.copyFile(`${a}/credit.csv`, `${b}/credit.csv`);
  const args = ["compare", "credit", "v1", "--real", "credit.csv", "--target", "Status"];
  for (const cwd of [a, b]) await ingest(cwd, "credit.csv", "credit");
  const first = await runCli([...args, "--json"], { cwd: a });
  assert.equal(first.code, 0, first.stderr);
  const r = JSON.parse(first.stdout);
  // The version is the real file itself: every training row is copied.
  assert.equal(r.rows.training + r.rows.holdout, 4454);
  assert.equal(r.rows.synthetic, 4454);
  assert.ok(Math.abs(r.holdout_fraction - 0.2) < 1e-12);
  assert.ok(Math.abs(r.rows.holdout / 4454 - 0.2) < 0.03, `holdout ${r.rows.holdout}`);
  assert.equal(r.columns.filter((c: { status: string }) => c.status === "compared").length, 14);
  assert.ok(r.privacy.exact_copy_rate >= r.rows.training / 4454 - 0.01);
  assert.equal(r.privacy.baseline.exact_copies, 0);
  assert.ok(r.fidelity.score > 0.98, `fidelity ${r.fidelity.score}`);
  assert.ok(
    r.fidelity.baseline.column_pair_trends < r.fidelity.column_pair_trends - 0.03,
    "shuffled columns lose the pair trends",
  );
  assert.equal(r.fidelity.baseline.column_shapes, 1, "shuffling keeps every marginal");
  assert.equal(r.fidelity.columns.length, 14);
  assert.equal(r.fidelity.pairs.length, 14 * 13 / 2);
  assert.equal(r.utility.metric, "roc_auc");
  assert.deepEqual(r.utility.classes, ["bad", "good"]);
  assert.ok(r.utility.train_on_real.auc > 0.75, `auc ${r.utility.train_on_real.auc}`);
  assert.ok(r.utility.baseline.auc < r.utility.train_on_real.auc - 0.1);
  const dir = `comparisons/credit/v1/${r.real.sha256.slice(0, 12)}-h0.2-tStatus`;
  const json = await Deno.readTextFile(`${a}/${dir}/compare_report.json`);
  assert.equal(json, first.stdout, "--json prints the recorded report");
  const html = await Deno.readTextFile(`${a}/${dir}/compare_report.html`);
  assert.ok(html.includes("<svg") && !/<script|\b(src|href)=/.test(html), "self-contained page");

  const second = await runCli(args, { cwd: b });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /fidelity score/);
  assert.equal(await Deno.readTextFile(`${b}/${dir}/compare_report.json`), json);
  assert.equal(await Deno.readTextFile(`${b}/${dir}/compare_report.html`), html);
  const again = await runCli(args, { cwd: a });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Unchanged \(same bytes\)/);
  // The version folder is untouched: verify still passes.
  const v = await runCli(["verify", "credit", "v1"], { cwd: a });
  assert.equal(v.code, 0, v.stdout + v.stderr);
});

Deno.test("compare: bad input exits 2 and writes nothing", async () => {
  const cwd = await tempDir("sdp-compare-bad-");
  if (!(await creditCsv(cwd))) return;
  await ingest(cwd, "credit.csv", "credit");
  const lines = (await Deno.readTextFile(`${cwd}/credit.csv`)).split("\n");
  const files: Record<string, string> = {
    "empty.csv": "",
    "header.csv": `${lines[0]}\n`,
    "other.csv": "foo,bar\n1,2\n3,4\n",
    "oneclass.csv": [lines[0], ...lines.slice(1, 400).map((l) => l.replace(/^"bad"/, '"good"'))]
      .join("\n"),
    "tiny.csv": lines.slice(0, 3).join("\n") + "\n",
    "mismatch.csv": '"Status","Age"\n"good","old"\n"bad","young"\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${cwd}/${name}`, text);
  }
  const before = await listTree(cwd);
  const cases: { args: string[]; message: RegExp }[] = [
    { args: ["credit", "v9", "--real", "credit.csv"], message: /no finalized version v9/ },
    { args: ["nosuch", "v1", "--real", "credit.csv"], message: /no finalized version/ },
    { args: ["credit", "v1"], message: /--real FILE is required/ },
    { args: ["credit", "v1", "--real", "missing.csv"], message: /not found/ },
    { args: ["credit", "v1", "--real", "empty.csv"], message: /./ },
    { args: ["credit", "v1", "--real", "header.csv"], message: /no data rows/ },
    { args: ["credit", "v1", "--real", "other.csv"], message: /no column in common/ },
    { args: ["credit", "v1", "--real", "mismatch.csv"], message: /Age: string in the real file/ },
    { args: ["credit", "v1", "--real", "credit.csv", "--target", "Nope"], message: /not a column/ },
    {
      args: ["credit", "v1", "--real", "oneclass.csv", "--target", "Status"],
      message: /1 class \(good\)/,
    },
    {
      args: ["credit", "v1", "--real", "credit.csv", "--target", "Income"],
      message: /distinct values.*2 to 20 classes/,
    },
    ...["0", "1", "1.5", "-0.2", "abc", "", "NaN", "1e-400"].map((h) => ({
      args: ["credit", "v1", "--real", "credit.csv", `--holdout=${h}`],
      message: /--holdout must be a number strictly between 0 and 1/,
    })),
    {
      args: ["credit", "v1", "--real", "tiny.csv", "--holdout", "0.0001"],
      message: /leaves 2 training and 0 holdout rows/,
    },
  ];
  for (const c of cases) {
    const r = await runInProcess(["compare", ...c.args, "--out", `${cwd}/comparisons`], cwd, {
      files: /\.csv$/,
    });
    assert.equal(r.code, 2, `${c.args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, c.message, c.args.join(" "));
  }
  assert.deepEqual(await listTree(cwd), before, "nothing written");
});

Deno.test("compare: an all-null column is skipped and listed, not scored", async () => {
  const cwd = await tempDir("sdp-compare-null-");
  const rows = ["id,kind,amount,note"];
  for (let i = 0; i < 300; i++) rows.push(`${i},${["a", "b", "c"][i % 3]},${(i * 7) % 101},`);
  await Deno.writeTextFile(`${cwd}/t.csv`, rows.join("\n") + "\n");
  await ingest(cwd, "t.csv", "t");
  const r = await runCli(["compare", "t", "v1", "--real", "t.csv", "--json"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  const note = rep.columns.find((c: { column: string }) => c.column === "note");
  assert.equal(note.status, "skipped");
  assert.match(note.reason, /all null/);
  assert.ok(!rep.fidelity.columns.some((c: { column: string }) => c.column === "note"));
  assert.equal(rep.utility, null);
});
