/**
 * Proof, short of building it here, that the release binary will run: the
 * flags are defined once, the CLI works end to end under exactly those flags
 * with only the cached module graph, and versions agree.
 */
import assert from "node:assert/strict";
import deno from "../deno.json" with { type: "json" };
import permissions from "../permissions.json" with { type: "json" };
import { compileArgs, INCLUDES } from "../tools/compile.ts";
import { SDP_VERSION } from "../src/version/build.ts";
import { listTree, runCli, tempDir } from "./cli_harness.ts";

Deno.test("permission flags are explicit allow-lists defined in one place", () => {
  const flags = permissions.flags;
  assert.ok(flags.includes("--no-prompt"));
  for (const f of flags) {
    assert.doesNotMatch(f, /^(-A|--allow-all|--allow-run|--allow-ffi)\b/, f);
    // The one system call sdp may make: the free space of the runs folder (docs/limits.md).
    if (f.startsWith("--allow-sys")) assert.equal(f, "--allow-sys=statfs");
    if (f.startsWith("--allow-")) assert.match(f, /=/, `${f} must be an allow-list`);
  }
  const net = flags.find((f) => f.startsWith("--allow-net="))!;
  for (const host of net.slice("--allow-net=".length).split(",")) {
    assert.match(host, /(^|\.)kaggle\.com$|^storage\.googleapis\.com$/, host);
  }
  // The compile task and the README's `deno task sdp` use the same flags.
  const args = compileArgs({ output: "sdp" });
  for (const f of flags) assert.ok(args.includes(f), f);
  for (const inc of INCLUDES) assert.ok(args.includes(inc));
  assert.ok(deno.tasks.sdp.includes(flags.join(" ")), "deno task sdp uses permissions.json flags");
  // The V8 flags (the work-around of docs/engine-fault.md, and the inlining
  // budgets) hold wherever sdp code runs: the binary, deno task sdp (above), the in-process
  // tests and the benchmark.
  const v8 = flags.filter((f) => f.startsWith("--v8-flags="));
  assert.equal(v8.length, 1);
  assert.ok(v8[0].split(/[=,]/).includes("--no-maglev-escape-analysis"), v8[0]);
  for (const task of ["test", "bench"] as const) {
    assert.ok(deno.tasks[task].includes(v8[0]), `deno task ${task} runs with ${v8[0]}`);
  }
  assert.ok(
    !("permissions" in deno),
    "deno.json permissions would make paths absolute at compile time",
  );
});

Deno.test("sdp --version names the sdp, Deno and contract versions; deno.json agrees", async () => {
  assert.equal(deno.version, SDP_VERSION);
  const r = await runCli(["--version"], { cwd: await tempDir() });
  assert.equal(
    r.stdout,
    `sdp ${SDP_VERSION} (deno ${Deno.version.deno}, determinism contract 6)\n`,
  );
});

Deno.test("the whole CLI works with the compile flags, --cached-only and read access to the working directory only", async () => {
  const cwd = await tempDir();
  const steps: string[][] = [
    ["init", "shop_orders"],
    ["run", "shop_orders", "--run-id", "a", "--rows", "2000"],
    ["run", "shop_orders", "--run-id", "b", "--rows", "2000", "--format", "both"],
    ["run", "market_time_series", "--run-id", "m1", "--rows", "2000", "--workers", "2"],
    ["list"],
    ["verify", "shop_orders", "--all"],
    ["verify", "--reproduce", "shop_orders", "b"],
    ["diff", "shop_orders", "a", "b"],
    ["diff", "shop_orders", "a", "b", "--json"],
    ["registry", "rebuild"],
  ];
  for (const args of steps) {
    const r = await runCli(args, { cwd });
    assert.equal(r.code, 0, `sdp ${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr, "", `sdp ${args.join(" ")} wrote to stderr: ${r.stderr}`);
  }
  const tree = await listTree(cwd);
  assert.ok(tree.includes("datasets/shop_orders/schema.yaml"));
  assert.ok(tree.includes("runs/shop_orders/b/report.html"));
  assert.ok(tree.includes("registry/datasets.json"));
});
