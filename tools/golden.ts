/**
 * The golden run's pinned hashes (tests/golden.json).
 *
 *   deno run --allow-read tools/golden.ts [--args]
 *     prints the pinned content hash (or the run's arguments), so the release
 *     workflow can compare a compiled binary's output with it;
 *   deno run --allow-all tools/golden.ts --pin
 *     runs the golden arguments in an empty temporary directory, exactly as
 *     tests/golden_test.ts does, and writes the new hashes into
 *     tests/golden.json. Only for a determinism contract bump
 *     (DETERMINISM_CONTRACT in src/version/mod.ts), in the same commit.
 */
import golden from "../tests/golden.json" with { type: "json" };
import { runCli, sha256File, tempDir } from "../tests/cli_harness.ts";

/** Path of the pinned hashes. */
const GOLDEN_FILE = new URL("../tests/golden.json", import.meta.url);

/** Run the golden arguments and return tests/golden.json's new content. */
export async function pinnedHashes(): Promise<typeof golden> {
  const cwd = await tempDir("sdp-golden-");
  try {
    const r = await runCli([...golden.args, "--workers", "1"], { cwd });
    if (r.code !== 0) throw new Error(`golden run failed (exit ${r.code}):\n${r.stderr}`);
    const dir = `${cwd}/runs/finance_transactions/golden`;
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
    return {
      "//": golden["//"],
      args: golden.args,
      content_hash: meta.content_hash,
      "data.parquet": await sha256File(`${dir}/data.parquet`),
      "data.csv": await sha256File(`${dir}/data.csv`),
    };
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--pin")) {
    const next = await pinnedHashes();
    await Deno.writeTextFile(GOLDEN_FILE, JSON.stringify(next, null, 2) + "\n");
    console.log(`pinned ${next.content_hash} in tests/golden.json`);
  } else {
    console.log(Deno.args.includes("--args") ? golden.args.join(" ") : golden.content_hash);
  }
}
