/**
 * Prints the pinned content hash of the golden run (tests/golden.json), so the
 * release workflow can compare a compiled binary's output with it.
 *
 *   deno run --allow-read tools/golden.ts [--args]
 */
import golden from "../tests/golden.json" with { type: "json" };

if (import.meta.main) {
  console.log(Deno.args.includes("--args") ? golden.args.join(" ") : golden.content_hash);
}
