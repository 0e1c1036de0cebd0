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
import { processIo } from "./src/cli/io.ts";
import { guessRunWorkers } from "./src/cli/warm_start.ts";
import { prefetchEncoder, startWarmWorkers } from "./src/parallel/warm.ts";

if (import.meta.main) {
  const io = processIo();
  try {
    const workers = guessRunWorkers(io.args, { env: io.env("SDP_WORKERS"), cores: io.cores });
    startWarmWorkers(workers);
    // A run that may encode on this thread (1 worker, or a count not known yet).
    if (io.args[0] === "run" && workers < 2) prefetchEncoder();
  } catch {
    // Only a head start: the CLI reports any problem with these values itself.
  }
  const { main } = await import("./src/cli/mod.ts");
  io.exit(await main(io.args, io));
}
