/**
 * docs/cli.md is generated from the command specs (`deno task docs`): it must
 * be what the generator writes today, and every command's `--help` (from the
 * real CLI, with the release permissions) must list the same options as its
 * spec.
 */
import assert from "node:assert/strict";
import { optionRows } from "../../src/cli/args.ts";
import { COMMAND_SPECS } from "../../src/cli/commands/mod.ts";
import { CLI_DOCS_PATH, renderCliDocs } from "../../tools/cli_docs.ts";
import { ROOT, runCli, tempDir } from "../cli_harness.ts";

Deno.test("docs/cli.md is what `deno task docs` writes from the command specs", async () => {
  const committed = await Deno.readTextFile(`${ROOT}/${CLI_DOCS_PATH}`);
  assert.equal(
    committed,
    await renderCliDocs(),
    `${CLI_DOCS_PATH} is out of date: run \`deno task docs\` and commit the result`,
  );
});

/** The option column of a --help text: `--name VALUE` per line. */
function helpOptions(text: string): string[] {
  const at = text.indexOf("\nOptions:\n");
  assert.ok(at >= 0, `no Options: section in\n${text}`);
  return text.slice(at + "\nOptions:\n".length).split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim().split(/\s{2,}/)[0]);
}

Deno.test("every command's --help lists exactly the options of its spec", async () => {
  const cwd = await tempDir();
  try {
    for (const spec of COMMAND_SPECS) {
      const r = await runCli([spec.name, "--help"], { cwd });
      assert.equal(r.code, 0, `sdp ${spec.name} --help: ${r.stderr}`);
      assert.deepEqual(
        helpOptions(r.stdout),
        optionRows(spec).map(([left]) => left),
        `sdp ${spec.name} --help`,
      );
      assert.ok(r.stdout.includes(spec.summary), `sdp ${spec.name} --help shows the summary`);
    }
    const main = await runCli(["--help"], { cwd });
    for (const spec of COMMAND_SPECS) {
      assert.ok(main.stdout.includes(`  ${spec.name.padEnd(10)}${spec.summary}`), spec.name);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
