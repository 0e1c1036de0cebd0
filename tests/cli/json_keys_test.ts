/**
 * One JSON key style: every key of every JSON file a real run leaves behind
 * (two generated versions, so drift and prior_profile.json exist; an ingested
 * version with its provenance; a shard part manifest; the registry with a
 * publication), every `--json` output of the CLI and every log line is
 * snake_case. Keys that are data (column names, file names, dataset names,
 * check texts) are skipped by their known positions only; Kaggle's own
 * dataset-metadata.json format is skipped as a whole.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "../cli_harness.ts";
import { startFakeKaggle } from "../helpers/fake_kaggle.ts";

const SNAKE = /^[a-z0-9]+(_[a-z0-9]+)*$/;
const DS = "finance_transactions";

/**
 * Where keys are data, per JSON document kind: dotted paths of the objects
 * whose keys are data; `*` is any key, `[]` any array element.
 */
const DATA_KEYS: Record<string, readonly string[]> = {
  "profile.json": ["columns"],
  "prior_profile.json": ["columns"],
  "evaluation_report.json": ["quality.columns", "drift.columns"],
  "validation_report.json": ["columns", "checks"],
  "configs_snapshot.json": ["files"],
  "final_metadata.json": ["files"],
  "run_metadata.json": [],
  "datasets.json": ["datasets", "datasets.*.versions.[].publications.[].files"],
  "part": [],
  "list": [],
  "verify": [],
  "reproduce": [],
  "diff": ["columns"],
  "rebuild": ["registry.datasets", "registry.datasets.*.versions.[].publications.[].files"],
  "publish": ["files"],
  "publish_dry_run": [],
  "run": ["files", "drift.columns"],
  "ingest": ["files", "drift.columns"],
  "compare": [],
  "compare_report.json": [],
  "log": [],
};

/** Subtrees in a format that is not sdp's (left as their owner spells them). */
const FOREIGN: Record<string, readonly string[]> = { "publish_dry_run": ["dataset_metadata"] };

function matches(pattern: string, path: readonly string[]): boolean {
  const p = pattern.split(".");
  return p.length === path.length && p.every((s, i) => s === "*" || s === path[i]);
}

/** Every key of `value` not at a data position that is not snake_case, as `where: path`. */
function badKeys(kind: string, value: unknown, where: string): { bad: string[]; keys: number } {
  const data = DATA_KEYS[kind];
  assert.ok(data !== undefined, `no data-key positions for ${kind}`);
  const foreign = FOREIGN[kind] ?? [];
  const bad: string[] = [];
  let keys = 0;
  const walk = (v: unknown, path: string[]): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, [...path, "[]"]);
      return;
    }
    if (typeof v !== "object" || v === null) return;
    if (foreign.some((f) => matches(f, path))) return;
    const isData = data.some((d) => matches(d, path));
    for (const [k, x] of Object.entries(v)) {
      keys++;
      if (!isData && !SNAKE.test(k)) bad.push(`${where}: ${[...path, k].join(".")}`);
      walk(x, [...path, k]);
    }
  };
  walk(value, []);
  return { bad, keys };
}

/** Every *.json file under `dir` (relative paths). */
async function jsonFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await jsonFiles(dir, r));
    else if (e.name.endsWith(".json")) out.push(r);
  }
  return out.sort();
}

function kindOfFile(rel: string): string {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  return /\.part-\d+-of-\d+\.json$/.test(name) ? "part" : name;
}

const TOKEN = "kgat_KeysTest0123456789abcdef";

Deno.test("every JSON artifact, --json output and log line has snake_case keys", async () => {
  const cwd = await tempDir("sdp-keys-");
  const logEnv = { SDP_LOGGING_ENABLED: "true", SDP_LOG_LEVEL: "DEBUG" };
  const bad: string[] = [];
  const seen = new Map<string, number>();
  const check = (kind: string, value: unknown, where: string) => {
    const r = badKeys(kind, value, where);
    bad.push(...r.bad);
    seen.set(kind, (seen.get(kind) ?? 0) + r.keys);
  };
  const cli = async (args: string[], env: Record<string, string> = {}, extraFlags?: string[]) => {
    const r = await runCli(args, { cwd, env: { ...logEnv, ...env }, extraFlags });
    for (const line of r.stderr.split("\n")) {
      if (line.startsWith("{")) check("log", JSON.parse(line), `log of sdp ${args[0]}`);
    }
    return r;
  };
  const json = async (
    kind: string,
    args: string[],
    env?: Record<string, string>,
    net?: string[],
  ) => {
    const r = await cli(args, env, net);
    assert.equal(r.code, 0, `sdp ${args.join(" ")}: ${r.stderr}`);
    check(kind, JSON.parse(r.stdout), `sdp ${args.join(" ")}`);
  };

  // Two generated versions (the second has a prior: drift, prior_profile.json).
  for (const v of ["v1", "v2"]) {
    const r = await cli(["run", DS, "--run-id", v, "--rows", "3000", "--format", "both"]);
    assert.equal(r.code, 0, r.stderr);
  }
  // An ingested version (provenance), and a second one with drift against it.
  const rows = ["id,name,score,ok"];
  for (let i = 0; i < 50; i++) rows.push(`${i},n${i % 7},${(i * 0.37).toFixed(2)},${i % 3 === 0}`);
  await Deno.writeTextFile(`${cwd}/people.csv`, rows.join("\n") + "\n");
  for (const v of ["v1", "v2"]) {
    const r = await cli(["ingest", "people.csv", "--dataset", "people", "--run-id", v]);
    assert.equal(r.code, 0, r.stderr);
  }
  // A shard part and its manifest.
  const part = await cli([
    "run",
    DS,
    "--run-id",
    "s1",
    "--rows",
    "3000",
    "--shard",
    "1/1",
    "--parts-dir",
    "parts",
  ]);
  assert.equal(part.code, 0, part.stderr);

  // Every --json output.
  await json("list", ["list", "--json"]);
  await json("verify", ["verify", DS, "--all", "--json"]);
  await json("reproduce", ["verify", DS, "v2", "--reproduce", "--json"]);
  await json("diff", ["diff", DS, "v1", "v2", "--json"]);
  await json("diff", ["diff", "people", "v1", "v2", "--json"]);
  await json("run", ["run", DS, "--run-id", "v3", "--rows", "3000", "--json"]);
  await json("ingest", ["ingest", "people.csv", "--dataset", "people", "--run-id", "v3", "--json"]);
  await json("compare", ["compare", "people", "v3", "--real", "people.csv", "--json"]);
  const kaggle = {
    KAGGLE_API_TOKEN: TOKEN,
    KAGGLE_USERNAME: "",
    KAGGLE_KEY: "",
    KAGGLE_CONFIG_DIR: "",
  };
  await json("publish_dry_run", [
    "publish",
    DS,
    "v2",
    "--kaggle",
    "alice/finance",
    "--dry-run",
    "--json",
  ], kaggle);
  const fake = startFakeKaggle(`Bearer ${TOKEN}`);
  try {
    await json(
      "publish",
      ["publish", "people", "v2", "--kaggle", "alice/people-data", "--json"],
      { ...kaggle, SDP_KAGGLE_BASE_URL: fake.baseUrl },
      ["--allow-net=127.0.0.1"],
    );
  } finally {
    await fake.close();
  }
  await json("rebuild", ["registry", "rebuild", "--json"]);

  // Every JSON file left in the working directory.
  const files = await jsonFiles(cwd);
  for (const rel of files) {
    check(kindOfFile(rel), JSON.parse(await Deno.readTextFile(`${cwd}/${rel}`)), rel);
  }

  assert.deepEqual(bad, [], `keys that are not snake_case:\n${bad.join("\n")}`);
  // The walk really covered every kind, with drift, provenance and a publication in it.
  for (const kind of Object.keys(DATA_KEYS)) assert.ok((seen.get(kind) ?? 0) > 0, kind);
  const ev = JSON.parse(
    await Deno.readTextFile(`${cwd}/runs/${DS}/v2/evaluation_report.json`),
  );
  assert.equal(ev.drift.available, true);
  assert.ok(Object.keys(ev.drift.columns).length > 0);
  assert.ok(ev.quality.rates.length > 0);
  const meta = JSON.parse(await Deno.readTextFile(`${cwd}/runs/people/v1/final_metadata.json`));
  assert.ok(meta.provenance);
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  assert.ok(reg.datasets.people.versions[1].publications.length === 1);
  assert.ok(files.some((f) => kindOfFile(f) === "part"), files.join(", "));
});

Deno.test("the key walk flags camelCase keys and skips data keys only at their positions", () => {
  const profile = {
    version: 2,
    columns: { camelColumn: { distinct: { relativeStandardError: 0 } } },
    camelKey: 1,
  };
  assert.deepEqual(badKeys("profile.json", profile, "p").bad, [
    "p: columns.camelColumn.distinct.relativeStandardError",
    "p: camelKey",
  ]);
  const registry = {
    datasets: {
      "My-Data": {
        versions: [{ publications: [{ files: { "data.parquet": "x" } }], rowCount: 1 }],
      },
    },
  };
  assert.deepEqual(badKeys("datasets.json", registry, "r").bad, [
    "r: datasets.My-Data.versions.[].rowCount",
  ]);
});
