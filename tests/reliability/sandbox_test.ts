/**
 * Symlink escapes, attacked with real processes and the release permission
 * flags: every path sdp reads or writes (datasets, runs, registry and its lock,
 * parts, ingest input, --schema, kaggle.json) is a link out of the working
 * directory, through chains and `..` tricks. Each attack must end with exit
 * code 2, a message naming the path and where it resolves, nothing written in
 * the working directory, the outside target untouched (tree, bytes, mtimes),
 * and none of its content on stdout or stderr. A link created or swapped
 * between sdp's check and its use is out of scope (see docs/permissions.md).
 */
import assert from "node:assert/strict";
import { type CliResult, listTree, runCli, tempDir } from "../cli_harness.ts";
import { createSandbox, resolveLinks } from "../../src/io/sandbox.ts";
import { SandboxError } from "../../src/errors.ts";

const DS = "finance_transactions";
const SECRET = "TOP-SECRET-CONTENT-0123456789";

/** Names, sizes, bytes and mtimes of every entry under `dir`, links not followed. */
async function snapshot(dir: string): Promise<string> {
  const rows: string[] = [];
  async function walk(d: string, rel: string) {
    for await (const e of Deno.readDir(d)) {
      const path = `${d}/${e.name}`;
      const st = await Deno.lstat(path);
      const r = `${rel}${e.name}`;
      if (st.isSymlink) rows.push(`${r} -> ${await Deno.readLink(path)}`);
      else if (st.isDirectory) {
        rows.push(`${r}/ ${st.mtime?.getTime()}`);
        await walk(path, `${r}/`);
      } else {
        const bytes = await Deno.readFile(path);
        rows.push(`${r} ${st.size} ${st.mtime?.getTime()} ${bytes.slice(0, 64).join(",")}`);
      }
    }
  }
  await walk(dir, "");
  return rows.sort().join("\n");
}

/** A fresh outside folder holding a secret file, a secret CSV and an empty folder. */
async function outsideDir(): Promise<string> {
  const out = await tempDir("sdp-outside-");
  await Deno.writeTextFile(`${out}/secret.txt`, `${SECRET}\nsecond line\n`);
  await Deno.writeTextFile(`${out}/secret.csv`, `id,secret\n1,${SECRET}\n`);
  await Deno.writeTextFile(`${out}/kaggle.json`, `{"username":"u","key":"${SECRET}"}`);
  await Deno.mkdir(`${out}/empty`);
  return out;
}

async function init(cwd: string, name = "shop"): Promise<void> {
  const r = await runCli(["init", name], { cwd });
  assert.equal(r.code, 0, r.stderr);
}

async function finalize(cwd: string, version: string): Promise<void> {
  const r = await runCli(["run", DS, "--run-id", version, "--rows", "200"], { cwd });
  assert.equal(r.code, 0, r.stderr);
}

/** One attack: set up links, run sdp, and hold it to the promises above. */
interface Attack {
  name: string;
  /** Prepare `cwd` (links to `out`); returns the sdp arguments. */
  setup(cwd: string, out: string): Promise<string[]>;
  env?: (cwd: string) => Record<string, string>;
  /** Part of the message expected on stderr. */
  expect?: RegExp;
  /**
   * The path is safe as Deno resolves it (it normalizes `..` before links
   * under the permission flags): sdp may succeed, writing only inside.
   */
  landsInside?: string;
}

const results: { name: string; held: boolean }[] = [];

async function attack(a: Attack): Promise<CliResult> {
  const cwd = await tempDir();
  const out = await outsideDir();
  const args = await a.setup(cwd, out);
  const before = await snapshot(cwd);
  const outBefore = await snapshot(out);
  const r = await runCli(args, { cwd, env: a.env?.(cwd) });
  let held = false;
  try {
    if (a.landsInside !== undefined && r.code === 0) {
      assert.ok((await listTree(cwd)).includes(a.landsInside), `${a.name}: not written inside`);
      assert.equal(await snapshot(out), outBefore, `${a.name}: the outside folder changed`);
      held = true;
      return r;
    }
    assert.equal(r.code, 2, `${a.name}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(
      r.stderr,
      a.expect ?? /outside the working directory|leads nowhere|does not exist/,
      a.name,
    );
    assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), `${a.name}: leaked`);
    assert.ok(!/root:/.test(r.stderr + r.stdout), `${a.name}: leaked /etc/passwd or /etc/shadow`);
    assert.ok(r.stderr.length < 4200, `${a.name}: stderr of ${r.stderr.length} chars`);
    assert.equal(await snapshot(cwd), before, `${a.name}: the working directory changed`);
    assert.equal(await snapshot(out), outBefore, `${a.name}: the outside folder changed`);
    held = true;
  } finally {
    results.push({ name: a.name, held });
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
  return r;
}

const link = (target: string, path: string) => Deno.symlink(target, path);

const ATTACKS: Attack[] = [
  {
    name: "runs is a link to an outside folder",
    setup: async (cwd, out) => (await link(`${out}/empty`, `${cwd}/runs`), ["run", DS]),
  },
  {
    name: "runs is a relative link going up",
    setup: async (cwd, out) => (await link(`../${out.split("/").pop()}`, `${cwd}/runs`), [
      "run",
      DS,
    ]),
  },
  {
    name: "runs is a chain of links ending outside",
    setup: async (cwd, out) => {
      await link(`${out}/empty`, `${cwd}/c`);
      await link("c", `${cwd}/b`);
      await link("b", `${cwd}/runs`);
      return ["run", DS];
    },
  },
  {
    name: "runs/<dataset> is a link to an outside folder",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/runs`);
      await link(`${out}/empty`, `${cwd}/runs/${DS}`);
      return ["run", DS];
    },
  },
  {
    name: "runs is a dangling link to a folder outside",
    setup: async (cwd, out) => (await link(`${out}/not-yet`, `${cwd}/runs`), ["run", DS]),
  },
  {
    name: "registry is a link to an outside folder",
    setup: async (cwd, out) => (await link(`${out}/empty`, `${cwd}/registry`), ["run", DS]),
  },
  {
    name: "registry/datasets.json is a link to an outside file",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/registry`);
      await link(`${out}/secret.txt`, `${cwd}/registry/datasets.json`);
      return ["run", DS];
    },
  },
  {
    name: "registry/datasets.json is a dangling link (writing would create it outside)",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/registry`);
      await link(`${out}/new.json`, `${cwd}/registry/datasets.json`);
      return ["run", DS];
    },
  },
  {
    name: "registry/datasets.json.lock is a link to an outside file",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/registry`);
      await link(`${out}/secret.txt`, `${cwd}/registry/datasets.json.lock`);
      return ["run", DS];
    },
  },
  {
    name: "a leftover registry temp file is a link outside",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/registry`);
      await link(`${out}/secret.txt`, `${cwd}/registry/datasets.json.123.tmp`);
      return ["list"];
    },
  },
  {
    name: "list: registry/datasets.json is a link to /etc/passwd",
    setup: async (cwd) => {
      await Deno.mkdir(`${cwd}/registry`);
      await link("/etc/passwd", `${cwd}/registry/datasets.json`);
      return ["list"];
    },
  },
  {
    name: "registry rebuild: registry folder is a link outside",
    setup: async (cwd, out) => (await link(`${out}/empty`, `${cwd}/registry`), [
      "registry",
      "rebuild",
    ]),
  },
  {
    name: "--registry through a link to an outside folder",
    setup: async (cwd, out) => {
      await link(`${out}/empty`, `${cwd}/elsewhere`);
      return ["run", DS, "--registry", "elsewhere/datasets.json"];
    },
  },
  {
    name: "--runs-dir with .. climbing out",
    setup: (_cwd, out) => Promise.resolve(["run", DS, "--runs-dir", `../${out.split("/").pop()}`]),
  },
  {
    name: "--runs-dir with .. after a missing folder",
    setup: () => Promise.resolve(["run", DS, "--runs-dir", "missing/../../x"]),
    expect: /outside the working directory|does not exist/,
  },
  {
    name: "--runs-dir inside a linked folder, then ..",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${out}/empty/deep`);
      await link(`${out}/empty/deep`, `${cwd}/d`);
      return ["run", DS, "--rows", "50", "--run-id", "v1", "--runs-dir", "d/../runs"];
    },
    landsInside: `runs/${DS}/v1/final_metadata.json`,
  },
  {
    name: "datasets is a link to an outside folder",
    setup: async (cwd, out) => {
      await init(cwd);
      await Deno.rename(`${cwd}/datasets`, `${out}/empty/datasets`);
      await link(`${out}/empty/datasets`, `${cwd}/datasets`);
      return ["run", "shop"];
    },
  },
  {
    name: "datasets/<name> is a link to an outside folder",
    setup: async (cwd, out) => {
      await init(cwd);
      await Deno.rename(`${cwd}/datasets/shop`, `${out}/empty/shop`);
      await link(`${out}/empty/shop`, `${cwd}/datasets/shop`);
      return ["run", "shop"];
    },
  },
  {
    name: "datasets/<name>/dataset.yaml is a link to /etc/passwd",
    setup: async (cwd) => {
      await init(cwd);
      await Deno.remove(`${cwd}/datasets/shop/dataset.yaml`);
      await link("/etc/passwd", `${cwd}/datasets/shop/dataset.yaml`);
      return ["run", "shop"];
    },
  },
  {
    name: "datasets/<name>/schema.yaml is a link to an outside file",
    setup: async (cwd, out) => {
      await init(cwd);
      await Deno.remove(`${cwd}/datasets/shop/schema.yaml`);
      await link(`${out}/secret.txt`, `${cwd}/datasets/shop/schema.yaml`);
      return ["run", "shop"];
    },
  },
  {
    name: "datasets/<name>/evolution.yaml links through a chain to an outside file",
    setup: async (cwd, out) => {
      await init(cwd);
      await Deno.remove(`${cwd}/datasets/shop/evolution.yaml`);
      await link(`${out}/secret.txt`, `${cwd}/hop`);
      await link("../../hop", `${cwd}/datasets/shop/evolution.yaml`);
      return ["run", "shop"];
    },
  },
  {
    name: "a subfolder of datasets/<name> is a link outside",
    setup: async (cwd, out) => {
      await init(cwd);
      await link(out, `${cwd}/datasets/shop/extra`);
      return ["run", "shop"];
    },
  },
  {
    name: "init: datasets is a link to an outside folder",
    setup: async (cwd, out) => (await link(`${out}/empty`, `${cwd}/datasets`), ["init", "shop"]),
  },
  {
    name: "run --shard: the parts folder is a link outside",
    setup: async (cwd, out) => (await link(`${out}/empty`, `${cwd}/parts`), [
      "run",
      DS,
      "--run-id",
      "v1",
      "--shard",
      "1/2",
      "--parts-dir",
      "parts",
    ]),
  },
  {
    name: "assemble: a part file is a link outside",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/parts`);
      await link(`${out}/secret.txt`, `${cwd}/parts/${DS}-v1-1-of-1.part`);
      return ["assemble", DS, "--run-id", "v1", "--parts-dir", "parts"];
    },
  },
  {
    name: "assemble: the second --parts-dir is a link outside",
    setup: async (cwd, out) => {
      await Deno.mkdir(`${cwd}/parts-a`);
      await link(`${out}/empty`, `${cwd}/parts-b`);
      return [
        "assemble",
        DS,
        "--run-id",
        "v1",
        "--parts-dir",
        "parts-a",
        "--parts-dir",
        "parts-b",
      ];
    },
  },
  {
    name: "ingest: the input file is a link to an outside CSV",
    setup: async (cwd, out) => (await link(`${out}/secret.csv`, `${cwd}/input.csv`), [
      "ingest",
      "input.csv",
      "--dataset",
      "people",
    ]),
  },
  {
    name: "ingest: the input file is a link to /etc/passwd",
    setup: async (cwd) => (await link("/etc/passwd", `${cwd}/input.csv`), [
      "ingest",
      "input.csv",
      "--dataset",
      "people",
    ]),
  },
  {
    name: "ingest: the input file is a link to /etc/shadow",
    setup: async (cwd) => (await link("/etc/shadow", `${cwd}/input.csv`), [
      "ingest",
      "input.csv",
      "--dataset",
      "people",
    ]),
  },
  {
    name: "ingest: the input file is a link to a link to /etc/shadow",
    setup: async (cwd) => {
      await link("/etc/shadow", `${cwd}/hop`);
      await link("hop", `${cwd}/input.csv`);
      return ["ingest", "input.csv", "--dataset", "people"];
    },
  },
  {
    name: "ingest: the input file is inside a linked folder",
    setup: async (cwd, out) => (await link(out, `${cwd}/in`), [
      "ingest",
      "in/secret.csv",
      "--dataset",
      "people",
    ]),
  },
  {
    name: "fit: the input file is a link to /etc/passwd",
    setup: async (cwd) => (await link("/etc/passwd", `${cwd}/real.csv`), [
      "fit",
      "real.csv",
      "--dataset",
      "twin",
    ]),
  },
  {
    name: "ingest: a --table file of a multi-table dataset is a link to an outside CSV",
    setup: async (cwd, out) => (await link(`${out}/secret.csv`, `${cwd}/orders.csv`), [
      "ingest",
      "--dataset",
      "retail_orders",
      "--table",
      "orders=orders.csv",
    ]),
  },
  {
    name: "compare: --real is a link to an outside CSV",
    setup: async (cwd, out) => (await link(`${out}/secret.csv`, `${cwd}/real.csv`), [
      "compare",
      "people",
      "v1",
      "--real",
      "real.csv",
    ]),
  },
  {
    name: "ingest: --schema is a link to an outside file",
    setup: async (cwd, out) => {
      await Deno.writeTextFile(`${cwd}/input.csv`, "id\n1\n2\n");
      await link(`${out}/secret.txt`, `${cwd}/schema.yaml`);
      return ["ingest", "input.csv", "--dataset", "people", "--schema", "schema.yaml"];
    },
  },
];

for (const a of ATTACKS) {
  Deno.test(`sandbox: ${a.name}`, async () => {
    await attack(a);
  });
}

/** Attacks that need a finalized version first (built once, copied per case). */
let base: string | undefined;
async function withVersions(cwd: string): Promise<void> {
  if (base === undefined) {
    base = await tempDir("sdp-sandbox-base-");
    await finalize(base, "v1");
    await finalize(base, "v2");
  }
  const cp = await new Deno.Command("cp", { args: ["-a", `${base}/.`, cwd] }).output();
  assert.equal(cp.code, 0);
}

const VERSION_ATTACKS: Attack[] = [
  {
    name: "diff: a version folder is a link outside",
    setup: async (cwd, out) => {
      await withVersions(cwd);
      await Deno.rename(`${cwd}/runs/${DS}/v1`, `${out}/empty/v1`);
      await link(`${out}/empty/v1`, `${cwd}/runs/${DS}/v1`);
      return ["diff", DS, "v1", "v2"];
    },
  },
  {
    name: "verify: a file of a version is a link outside",
    setup: async (cwd, out) => {
      await withVersions(cwd);
      await Deno.chmod(`${cwd}/runs/${DS}/v2`, 0o755);
      await Deno.remove(`${cwd}/runs/${DS}/v2/profile.json`);
      await link(`${out}/secret.txt`, `${cwd}/runs/${DS}/v2/profile.json`);
      return ["verify", DS, "v2"];
    },
  },
  {
    name: "publish: kaggle.json is a link to an outside file that is not kaggle.json",
    setup: async (cwd, out) => {
      await withVersions(cwd);
      await Deno.mkdir(`${cwd}/kcfg`);
      await link(`${out}/secret.txt`, `${cwd}/kcfg/kaggle.json`);
      return ["publish", DS, "v2", "--kaggle", "alice/finance"];
    },
    env: () => ({ KAGGLE_CONFIG_DIR: "kcfg", SDP_KAGGLE_BASE_URL: "http://127.0.0.1:9" }),
  },
  {
    name: "publish: kaggle.json is a link to an outside kaggle.json",
    setup: async (cwd, out) => {
      await withVersions(cwd);
      await Deno.mkdir(`${cwd}/kcfg`);
      await link(`${out}/kaggle.json`, `${cwd}/kcfg/kaggle.json`);
      return ["publish", DS, "v2", "--kaggle", "alice/finance"];
    },
    env: () => ({ KAGGLE_CONFIG_DIR: "kcfg", SDP_KAGGLE_BASE_URL: "http://127.0.0.1:9" }),
  },
  {
    name: "publish: the Kaggle config folder is a link outside",
    setup: async (cwd, out) => {
      await withVersions(cwd);
      await link(out, `${cwd}/kcfg`);
      return ["publish", DS, "v2", "--kaggle", "alice/finance"];
    },
    env: () => ({ KAGGLE_CONFIG_DIR: "kcfg", SDP_KAGGLE_BASE_URL: "http://127.0.0.1:9" }),
  },
];

for (const a of VERSION_ATTACKS) {
  Deno.test(`sandbox: ${a.name}`, async () => {
    await attack(a);
  });
}

Deno.test("sandbox unit: the rule on chains, loops, dangling links and ..", async () => {
  const root = await Deno.realPath(await tempDir());
  const out = await Deno.realPath(await outsideDir());
  const sb = createSandbox(root);
  const refused = async (path: string, name: string) => {
    let held = false;
    try {
      await assert.rejects(() => sb.check(path, "x"), SandboxError, name);
      held = true;
    } finally {
      results.push({ name: `unit: ${name}`, held });
    }
  };
  const allowed = async (path: string, name: string) => {
    let held = false;
    try {
      await sb.check(path, "x");
      held = true;
    } finally {
      results.push({ name: `unit: ${name}`, held });
    }
  };
  await Deno.mkdir(`${root}/a/b`, { recursive: true });
  await link(`${root}/a`, `${root}/in`);
  await link(out, `${root}/a/b/up`);
  await link("loop2", `${root}/loop1`);
  await link("loop1", `${root}/loop2`);
  await link("/nonexistent-sdp-target", `${root}/dangling`);
  await allowed(`${root}/a/b/new/deeper`, "a missing path under a real folder");
  await allowed(`${root}/in/b`, "a link that stays inside");
  await allowed(`${root}/a/b/../b`, ".. inside existing folders");
  await refused(`${root}/a/b/up`, "a link out, deep inside");
  await refused(`${root}/in/b/up/secret.txt`, "a chain through a link out");
  await refused(`${root}/a/b/up/new/file`, "a missing path under a link out");
  await refused(`${root}/in/b/../../..`, ".. climbing out through a link");
  await refused(`${root}/missing/../../x`, ".. after a missing part");
  await refused(`${root}/dangling`, "a dangling link");
  await refused(`${root}/dangling/sub`, "a path under a dangling link");
  await refused(`${root}/loop1`, "a link loop");
  await refused(out, "an absolute path outside");
  await refused(
    `${root}/../${root.split("/").pop()}-sibling`,
    "a sibling folder with the same prefix",
  );
  const r = await resolveLinks(`${root}/in/b/new`);
  assert.deepEqual(r, { resolved: `${root}/a/b/new`, exists: false });
  await Deno.remove(root, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

Deno.test("sandbox: links that stay inside the working directory are followed", async () => {
  const cwd = await tempDir();
  await Deno.mkdir(`${cwd}/store/runs`, { recursive: true });
  await Deno.mkdir(`${cwd}/store/registry`, { recursive: true });
  await link("store/runs", `${cwd}/runs`);
  await link("store/registry", `${cwd}/registry`);
  const r = await runCli(["run", DS, "--run-id", "v1", "--rows", "100"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const tree = await listTree(`${cwd}/store`);
  assert.ok(tree.includes(`runs/${DS}/v1/final_metadata.json`), tree.join("\n"));
  assert.ok(tree.includes("registry/datasets.json"), tree.join("\n"));
  await Deno.remove(cwd, { recursive: true });
});

Deno.test({
  name: "sandbox: every attack held (summary)",
  fn() {
    const held = results.filter((r) => r.held).length;
    console.log(`sandbox attacks: ${results.length} tried, ${held} held`);
    assert.equal(held, results.length, results.filter((r) => !r.held).map((r) => r.name).join());
  },
});

globalThis.addEventListener("unload", () => {
  if (base !== undefined) Deno.removeSync(base, { recursive: true });
});
