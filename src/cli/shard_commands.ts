/**
 * Multi-machine generation: `sdp run --shard i/n --parts-dir DIR` and
 * `sdp assemble`. (Implemented by the scale-out work; see docs/scale-out.md.)
 */
import { UsageError } from "../errors.ts";
import type { Parsed } from "./args.ts";
import type { Io } from "./io.ts";
import type { Command } from "./shared.ts";

/** Handle `sdp run <dataset> --shard i/n --parts-dir DIR`. */
export function runShard(p: Parsed, io: Io): Promise<number> {
  void p;
  void io;
  return Promise.reject(new UsageError("sdp run --shard: not available yet"));
}

/** Scale-out commands (assemble). */
export const SHARD_COMMANDS: Command[] = [];
