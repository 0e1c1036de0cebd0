/**
 * Deterministic chunked generation of synthetic tables.
 *
 * - {@link planGeneration}: resolve a DatasetSpec into a plain, cloneable plan.
 * - {@link generateChunk}: produce one chunk alone from (plan, seed, index).
 * - {@link generateChunks}: stream chunks in order on the calling thread (the
 *   worker pool that generates and encodes in parallel is src/parallel/).
 * - {@link scaffoldDataset}: the commented config files of `sdp init`.
 *
 * @module
 */
import { type Chunk, chunkCount } from "../data/mod.ts";
import { generateChunk, type GenerationContext } from "./engine.ts";
import type { GenerationPlan } from "./plan.ts";

export {
  generateChunk,
  type GenerationContext,
  mixState,
  pickRows,
  recycleChunk,
} from "./engine.ts";
export { type GenerationPlan, inferGenerator, type PlanColumn, planGeneration } from "./plan.ts";
export { scaffoldDataset } from "./scaffold.ts";
export { checkGeneration } from "./checks.ts";
// The spec types live in src/model/; re-exported for importers of the old entry.
export type { CorrelationSpec, DriftSpec, GeneratorSpec } from "../model/mod.ts";
export { parseCorrelations } from "./correlations.ts";
export { parseDrift } from "./drift.ts";
export { parseGenerator } from "./parse.ts";
export {
  choleskyPsd,
  distCdf,
  empiricalCdf,
  gammaP,
  logGamma,
  normalCdf,
  normalQuantile,
} from "./math.ts";
export { parseRegex } from "./regex.ts";

/** Options of {@link generateChunks}. */
export interface GenerateOptions {
  /** First chunk index (default 0). */
  startChunk?: number;
  /** One past the last chunk index (default: all chunks). */
  endChunk?: number;
}

/**
 * Yield chunks `[startChunk, endChunk)` in index order on the calling thread.
 * Parallel generation (with encoding) is the pool in src/parallel/; both give
 * the same chunks because each is a pure function of (plan, ctx, index).
 */
export async function* generateChunks(
  plan: GenerationPlan,
  ctx: GenerationContext,
  options: GenerateOptions = {},
): AsyncIterable<Chunk> {
  const total = chunkCount(ctx.rowCount, ctx.chunkRows);
  const end = Math.min(options.endChunk ?? total, total);
  for (let i = options.startChunk ?? 0; i < end; i++) yield await generateChunk(plan, ctx, i);
}
