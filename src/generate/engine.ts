/**
 * Chunk generation: turns a {@link GenerationPlan} and a chunk index into a
 * {@link Chunk}. Every (column, chunk) draws from its own stream
 * `Rng.forStream(seed, column, chunk)`, so any chunk is produced alone, in any
 * order, on any worker. Entity-keyed generators use counter-based streams
 * keyed by (column, entity, block) derived from the column's `#entity` state, so
 * state at a chunk start is recomputed from the chunk index alone.
 *
 * @module
 */
import { type Chunk, chunkRowsAt, type ColumnValues } from "../data/mod.ts";
import type { GeneratorSpec } from "../model/mod.ts";
import { Rng, streamState } from "../rng/mod.ts";
import type { Affine, ChunkEnv, GenerationContext, RowFn } from "./env.ts";
import { affineFor, clamp01, driftSum } from "./env.ts";
import { kindOf } from "./kinds/mod.ts";
import { normalCdf } from "./math.ts";
import type { GenerationPlan, PlanColumn } from "./plan.ts";
import { relationColumns } from "./relations.ts";
import { outputU8, pickRows, resetScratch, scratchF64 } from "./pools.ts";
import { codeBranches, columnBranches, writeBranches, writeCodes, writeColumn } from "./writers.ts";

export type { GenerationContext } from "./env.ts";
export { pickRows, recycleChunk } from "./pools.ts";
export { mixState } from "./series.ts";

/** Generate chunk `chunkIndex` (exactly `chunkRowsAt(...)` rows, columns in sorted order). */
export async function generateChunk(
  plan: GenerationPlan,
  ctx: GenerationContext,
  chunkIndex: number,
): Promise<Chunk> {
  if (!Number.isSafeInteger(ctx.chunkRows) || ctx.chunkRows <= 0) {
    throw new RangeError(`chunkRows must be a positive whole number, got ${ctx.chunkRows}`);
  }
  const rows = chunkRowsAt(chunkIndex, ctx.rowCount, ctx.chunkRows);
  if (!(rows > 0) || !Number.isInteger(chunkIndex)) {
    throw new RangeError(`chunk ${chunkIndex} is outside a table of ${ctx.rowCount} rows`);
  }
  const start = chunkIndex * ctx.chunkRows;
  const env: ChunkEnv = {
    plan,
    ctx,
    chunk: chunkIndex,
    start,
    rows,
    cols: new Map(),
    bases: new Map(),
    copula: new Map(),
    entities: new Map(),
    sessions: new Map(),
  };
  // Every stream state first, concurrently; the generation below is then
  // synchronous, so chunks in flight on one thread never interleave inside it
  // (the scratch buffers rely on that).
  const missing: Array<[string, number]> = [];
  for (const name of plan.order) {
    const col = plan.columns[name];
    if (col.missing === undefined) continue;
    const rate = clamp01(col.missing + driftSum(col, "missingness") * ctx.versionIndex);
    if (rate > 0) missing.push([name, rate]);
  }
  // Parent chunks this child chunk needs are generated here, before the synchronous part below.
  const injected = plan.relations
    ? await relationColumns(plan.relations, ctx, { start, rows, chunk: chunkIndex }, generateChunk)
    : undefined;
  const [bases, copulaStates, colStates, missStates] = await Promise.all([
    entityBases(plan, ctx.seedHex),
    Promise.all(
      plan.copulas.map((c) =>
        streamState(ctx.seedHex, `copula:${c.columns.join(",")}`, chunkIndex)
      ),
    ),
    Promise.all(plan.order.map((name) => streamState(ctx.seedHex, name, chunkIndex))),
    Promise.all(missing.map(([name]) => streamState(ctx.seedHex, `${name}#missing`, chunkIndex))),
  ]);
  resetScratch();
  injected?.forEach((values, name) => env.cols.set(name, values));
  plan.order.forEach((name, k) => env.bases.set(name, bases[k]));
  copulaStates.forEach((st, b) => copulaUniforms(env, b, new Rng(st)));
  plan.order.forEach((name, k) => {
    env.cols.set(name, generateColumn(plan.columns[name], env, new Rng(colStates[k])));
  });
  missing.forEach(([name, rate], k) => {
    const rng = new Rng(missStates[k]);
    applyMissing(env.cols.get(name)!, pickRows(rows, Math.round(rate * rows), rng));
  });
  const columns = new Map<string, ColumnValues>();
  for (const name of plan.names) columns.set(name, env.cols.get(name)!);
  return { index: chunkIndex, start, rows, columns };
}

/**
 * The per-column entity stream states (chunk 0 of `<column>#entity`): the same
 * for every chunk of a run, so derived once per plan and seed (read-only).
 */
const basesOf = new WeakMap<GenerationPlan, Map<string, Promise<Uint32Array[]>>>();

function entityBases(plan: GenerationPlan, seedHex: string): Promise<Uint32Array[]> {
  let bySeed = basesOf.get(plan);
  if (bySeed === undefined) basesOf.set(plan, bySeed = new Map());
  let bases = bySeed.get(seedHex);
  if (bases === undefined) {
    // Bounded: a plan sees one seed per run.
    if (bySeed.size >= 8) bySeed.clear();
    bases = Promise.all(plan.order.map((name) => streamState(seedHex, `${name}#entity`, 0)));
    bySeed.set(seedHex, bases);
  }
  return bases;
}

function applyMissing(col: ColumnValues, mask: Uint8Array): void {
  const n = mask.length;
  const valid = col.valid ?? outputU8(n, 1);
  for (let i = 0; i < n; i++) {
    if (mask[i] === 1) {
      valid[i] = 0;
      zeroAt(col, i);
    }
  }
  col.valid = valid;
}

function zeroAt(col: ColumnValues, i: number): void {
  switch (col.type) {
    case "string":
      col.values[i] = "";
      return;
    case "boolean":
      col.values[i] = 0;
      return;
    case "integer":
    case "float":
    case "datetime":
    case "date":
      col.values[i] = 0;
      return;
  }
}

/** Gaussian copula: z ~ N(0, I), x = L z, u = Φ(x), one stream per block and chunk. */
function copulaUniforms(env: ChunkEnv, b: number, rng: Rng): void {
  const cop = env.plan.copulas[b];
  const k = cop.columns.length;
  const outs = cop.columns.map(() => scratchF64(env.rows));
  const z = new Float64Array(k);
  for (let i = 0; i < env.rows; i++) {
    for (let a = 0; a < k; a++) z[a] = rng.nextNormal();
    for (let a = 0; a < k; a++) {
      let x = 0;
      const row = cop.chol[a];
      for (let c = 0; c <= a; c++) x += row[c] * z[c];
      // Keep u strictly inside (0, 1) so quantiles stay finite.
      const u = normalCdf(x);
      outs[a][i] = u <= 0 ? Number.MIN_VALUE : u >= 1 ? 1 - 2 ** -53 : u;
    }
  }
  cop.columns.forEach((name, a) => env.copula.set(name, outs[a]));
}

function generateColumn(col: PlanColumn, env: ChunkEnv, rng: Rng): ColumnValues {
  const n = env.rows;
  const v = env.ctx.versionIndex;
  // A label column in a copula draws through its boolean generator (from the uniforms).
  if (col.labelRate !== undefined && !env.copula.has(col.name)) {
    // Label columns: exactly round(rate * rows) true values per chunk.
    const rate = clamp01(col.labelRate + driftSum(col, "rate") * v);
    return { type: "boolean", values: pickRows(n, Math.round(rate * n), rng), valid: null };
  }
  const t = affineFor(col, v);
  const fast = columnBranches(col, env, t);
  if (fast !== null) return writeBranches(col, env, fast, rng);
  const coded = codeBranches(col, env);
  if (coded !== null) return writeCodes(env.rows, coded, rng);
  const fn = compile(col.gen, col, env, t);
  return writeColumn(col, env, fn, rng);
}

/** Compile one generator for one chunk through its kind's definition. */
function compile(g: GeneratorSpec, col: PlanColumn, env: ChunkEnv, t: Affine): RowFn {
  return kindOf(g.kind).compile(g, {
    col,
    env,
    t,
    compile: (x) => compile(x, col, env, t),
    rowFree: (x) => rowFree(x, col, env),
  });
}

/**
 * True when generator `g` of column `col` reads nothing but its random stream
 * (not the row index, other columns or copula uniforms), so equal streams give
 * equal values.
 */
function rowFree(g: GeneratorSpec, col: PlanColumn, env: ChunkEnv): boolean {
  return kindOf(g.kind).rowFree?.(g, col, env) ?? false;
}
