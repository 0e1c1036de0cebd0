/**
 * sdp entry point: `deno run <flags> main.ts <command> ...` or the compiled
 * binary `sdp <command> ...`. All logic lives in src/cli.
 *
 * @module
 */
import { main } from "./src/cli/mod.ts";
import { processIo } from "./src/cli/io.ts";

if (import.meta.main) {
  const code = await main(Deno.args, processIo());
  Deno.exit(code);
}
