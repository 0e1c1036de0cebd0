/**
 * sdp entry point: `deno run <flags> main.ts <command> ...` or the compiled
 * binary `sdp <command> ...`. All logic lives in src/cli.
 *
 * The CLI is imported dynamically so that, for a parallel `sdp run`, the
 * encoder workers start loading first (src/parallel/warm.ts): the two module
 * loads then overlap instead of following each other.
 *
 * @module
 */
import { guessRunWorkers } from "./src/cli/warm_start.ts";
import { startWarmWorkers } from "./src/parallel/warm.ts";

if (import.meta.main) {
  startWarmWorkers(
    guessRunWorkers(Deno.args, {
      env: envOrUndefined("SDP_WORKERS"),
      cores: navigator.hardwareConcurrency,
    }),
  );
  const { main } = await import("./src/cli/mod.ts");
  const { processIo } = await import("./src/cli/io.ts");
  const code = await main(Deno.args, processIo());
  Deno.exit(code);
}

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
