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
import { Rng, streamState } from "../rng/mod.ts";
import { compileExpr, type Val } from "./expr.ts";
import { normalCdf, roundHalfUp } from "./math.ts";
import type { GenerationPlan, PlanColumn } from "./plan.ts";
import { sampleRegex } from "./regex.ts";
import { branchAt, type DistBranch, distBranch, drawBranch } from "./dist_branch.ts";
import { CdfTable } from "./samplers.ts";
import {
  DEFAULT_END_MS,
  DEFAULT_START_MS,
  DIST_KINDS,
  type DistSpec,
  type GeneratorSpec,
  type NumericCommon,
  type StepUnit,
  type TemplatePart,
} from "../model/mod.ts";
import {
  CITIES,
  COMPANY_NOUNS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
} from "./words.ts";

/** Inputs of a run that every chunk needs. */
export interface GenerationContext {
  /** Run seed (hex SHA-256 of `<dataset>:<version>`). */
  seedHex: string;
  rowCount: number;
  /** 0-based position of this version among the dataset's finalized versions (drift multiplier). */
  versionIndex: number;
  /** Rows per chunk (normally CHUNK_ROWS; part of the format contract). */
  chunkRows: number;
}

/** Steps per block of a random walk (see {@link walkAt}). */
export const WALK_BLOCK = 64;

/** A row function: value of chunk row `i` drawing from `rng`. */
type RowFn = (i: number, rng: Rng) => Val;

/** Linear transform x -> f * x + s applied by drift. */
interface Affine {
  f: number;
  s: number;
}

/** Per-chunk state shared by the column compilers. */
interface ChunkEnv {
  plan: GenerationPlan;
  ctx: GenerationContext;
  chunk: number;
  start: number;
  rows: number;
  cols: Map<string, ColumnValues>;
  /** `#entity` base states per column (counter-based per-entity streams). */
  bases: Map<string, Uint32Array>;
  /** Copula uniforms per column. */
  copula: Map<string, Float64Array>;
  /** Entity layout per key column: entity index and step/event index per row. */
  entities: Map<string, { entity: Float64Array; step: Float64Array }>;
  /** Session number (0-based) per row for event_time columns. */
  sessions: Map<string, Float64Array>;
}

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
  scratchUsed = 0;
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

/**
 * Scratch buffers reused from chunk to chunk for per-chunk intermediates (entity
 * layouts, sessions, copula uniforms, shuffles), never for returned columns:
 * first touches of fresh memory cost a page fault per 4 KiB, which on some VMs
 * is as slow as generating the values. Safe because a chunk is generated
 * synchronously once its stream states are known.
 */
const scratchPool: Float64Array[] = [];
let scratchUsed = 0;
let scratchIdx = new Int32Array(0);

/** A zeroed scratch array of length n, valid until the next chunk starts. */
function scratchF64(n: number): Float64Array {
  let a = scratchPool[scratchUsed];
  if (a === undefined || a.length !== n) a = scratchPool[scratchUsed] = new Float64Array(n);
  else a.fill(0);
  scratchUsed++;
  return a;
}

/**
 * Returned column arrays, recycled by {@link recycleChunk} once a caller is
 * done with a chunk (an encoder worker): like the scratch arrays, reused
 * memory avoids a page fault per 4 KiB of every fresh column. Only arrays
 * allocated here are taken back, each once, however many columns share it.
 */
const spareF64: Float64Array[] = [];
const spareU8: Uint8Array[] = [];
const owned = new WeakSet<object>();
/** Spare arrays kept per type (a few chunks' worth of columns). */
const SPARE_LIMIT = 64;

function takeSpare<T extends Float64Array | Uint8Array>(pool: T[], n: number): T | undefined {
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i].length === n) {
      const a = pool[i];
      pool[i] = pool[pool.length - 1];
      pool.pop();
      return a;
    }
  }
  return undefined;
}

/** A zeroed column array of length n. */
function outputF64(n: number): Float64Array {
  const a = takeSpare(spareF64, n);
  if (a) return a.fill(0);
  const b = new Float64Array(n);
  owned.add(b);
  return b;
}

/** A column byte array (values or validity) of length n filled with `fill`. */
function outputU8(n: number, fill = 0): Uint8Array {
  const a = takeSpare(spareU8, n);
  if (a) return a.fill(fill);
  const b = new Uint8Array(n);
  owned.add(b);
  return fill === 0 ? b : b.fill(fill);
}

/**
 * Give a chunk's arrays back for reuse by later chunks on this thread. The
 * caller must hold no reference to the chunk's values afterwards.
 */
export function recycleChunk(chunk: Chunk): void {
  const seen = new Set<object>();
  for (const col of chunk.columns.values()) {
    const codes = col.type === "string" && col.codes ? col.codes.codes : null;
    for (const a of [col.values, col.valid, codes]) {
      if (a === null || !owned.has(a) || seen.has(a)) continue;
      seen.add(a);
      if (a instanceof Float64Array) {
        if (spareF64.length < SPARE_LIMIT) spareF64.push(a);
      } else if (a instanceof Uint8Array && spareU8.length < SPARE_LIMIT) spareU8.push(a);
    }
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function driftSum(col: PlanColumn, kind: "shift" | "rate" | "missingness"): number {
  let s = 0;
  for (const d of col.drift) if (d.kind === kind) s += d.amount;
  return s;
}

function affineFor(col: PlanColumn, v: number): Affine {
  let f = 1;
  let s = 0;
  for (const d of col.drift) {
    if (d.kind === "scale") f *= Math.pow(d.factor, v);
  }
  for (const d of col.drift) if (d.kind === "shift") s += d.amount * v;
  return { f, s };
}

/**
 * Choose exactly `k` of `n` rows, uniformly, by a partial Fisher-Yates shuffle
 * driven by `rng` (k draws). Returns a 0/1 mask.
 */
export function pickRows(n: number, k: number, rng: Rng): Uint8Array {
  const mask = outputU8(n);
  if (k <= 0) return mask;
  if (k >= n) return mask.fill(1);
  if (scratchIdx.length < n) scratchIdx = new Int32Array(n);
  const idx = scratchIdx;
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    mask[idx[i]] = 1;
  }
  return mask;
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
  if (col.labelRate !== undefined) {
    // Label columns: exactly round(rate * rows) true values per chunk.
    const rate = clamp01(col.labelRate + driftSum(col, "rate") * v);
    return { type: "boolean", values: pickRows(n, Math.round(rate * n), rng), valid: null };
  }
  const t = affineFor(col, v);
  const fast = columnBranches(col, env, t);
  if (fast !== null) return writeBranches(col, env.rows, fast, rng);
  const coded = codeBranches(col, env);
  if (coded !== null) return writeCodes(env.rows, coded, rng);
  const fn = compile(col.gen, col, env, t);
  return writeColumn(col, env, fn, rng);
}

/** Cases of a column: `on` (boolean) picks [true, false, null]. */
interface Cases<T> {
  on: ColumnValues | null;
  /** One case without `on`; else the true, false and null cases (null: a null value). */
  cases: (T | null)[];
}

/** A numeric column drawn by branches. */
type Branches = Cases<DistBranch>;

/**
 * The cases of a column whose generator `resolve` accepts, or of a
 * conditional on a boolean column whose cases it all accepts (the same case
 * resolution as the conditional's closure: first case per key, else
 * otherwise); null for every other shape. `resolve` returns undefined to
 * refuse, null for a null case, and is called in the order true, false, null.
 */
function booleanCases<T>(
  col: PlanColumn,
  env: ChunkEnv,
  resolve: (g: GeneratorSpec | null | undefined) => T | null | undefined,
): Cases<T> | null {
  const g = col.gen;
  if (g.kind !== "conditional") {
    const one = resolve(g);
    return one === undefined || one === null ? null : { on: null, cases: [one] };
  }
  const on = env.cols.get(g.on);
  if (on === undefined || on.type !== "boolean") return null;
  const pick = (key: string) => {
    const c = g.cases.find((c) => c.when === key);
    return resolve(c ? c.generator : g.otherwise);
  };
  const cases = [pick("true"), pick("false"), pick("null")];
  if (cases.some((c) => c === undefined)) return null;
  return { on, cases: cases as (T | null)[] };
}

/** What the row loops pick a case with (see {@link casePicker}). */
interface CasePicker<T> {
  vals: Uint8Array | null;
  valid: Uint8Array | null;
  cases: readonly [T | null, T | null, T | null];
}

/** The picker of `br`'s cases, built once per column. */
function casePicker<T>(br: Cases<T>): CasePicker<T> {
  const [b0, b1 = null, b2 = null] = br.cases;
  return {
    vals: br.on === null ? null : br.on.values as Uint8Array,
    valid: br.on === null ? null : br.on.valid,
    cases: [b0, b1, b2],
  };
}

/** The case of row `i`: small enough to inline in the row loops. */
function caseFor<T>(pk: CasePicker<T>, i: number): T | null {
  const { vals, valid, cases } = pk;
  return vals === null
    ? cases[0]
    : valid !== null && valid[i] === 0
    ? cases[2]
    : vals[i] === 1
    ? cases[0]
    : cases[1];
}

const DIST_KIND_SET = new Set<string>(DIST_KINDS);

/**
 * The branches of a numeric distribution column, or of a conditional on a
 * boolean column whose cases are all distributions; null for every other
 * shape (those take the row-closure path). Copula columns are left to it too.
 */
function columnBranches(col: PlanColumn, env: ChunkEnv, t: Affine): Branches | null {
  if (col.type === "string" || col.type === "boolean" || env.copula.has(col.name)) return null;
  return booleanCases(col, env, (x): DistBranch | null | undefined => {
    if (x === undefined || x === null) return null;
    if (!DIST_KIND_SET.has(x.kind)) return undefined;
    return distBranch(x as DistSpec & NumericCommon, col, { f: t.f, s: t.s, copula: false });
  });
}

/**
 * Evaluate `fn` on every row and store with type conversion, rounding and
 * bounds. One small function per storage type, so each hot loop stays simple
 * for the optimizer.
 */
function writeColumn(col: PlanColumn, env: ChunkEnv, fn: RowFn, rng: Rng): ColumnValues {
  switch (col.type) {
    case "string":
      return writeStrings(env.rows, col.maxLength, fn, rng);
    case "boolean":
      return writeBooleans(env.rows, fn, rng);
    case "integer":
    case "float":
    case "datetime":
      return writeNumbers(col, col.type, env.rows, fn, rng);
  }
}

/** A validity mask with row `i` null (allocated on the first null). */
function markNull(valid: Uint8Array | null, n: number, i: number): Uint8Array {
  const v = valid ?? outputU8(n, 1);
  v[i] = 0;
  return v;
}

function writeStrings(n: number, maxLen: number | undefined, fn: RowFn, rng: Rng): ColumnValues {
  let valid: Uint8Array | null = null;
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    if (x === null) {
      values[i] = "";
      valid = markNull(valid, n, i);
      continue;
    }
    const s = typeof x === "string" ? x : String(x);
    values[i] = maxLen !== undefined && s.length > maxLen ? s.slice(0, maxLen) : s;
  }
  return { type: "string", values, valid };
}

function writeBooleans(n: number, fn: RowFn, rng: Rng): ColumnValues {
  let valid: Uint8Array | null = null;
  const values = outputU8(n);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    if (x === null) valid = markNull(valid, n, i);
    else values[i] = x !== 0 && x !== "" && x !== "false" ? 1 : 0;
  }
  return { type: "boolean", values, valid };
}

/** Rounding factor (0 = none, 1 = whole numbers) and bounds on the rounding grid. */
interface Rounding {
  p: number;
  lo: number;
  hi: number;
}

function roundingOf(col: PlanColumn, type: "integer" | "float" | "datetime"): Rounding {
  const decimals = type === "float" ? declaredDecimals(col.gen) : undefined;
  const whole = type !== "float";
  // Bounds on the rounding grid so rounded values never leave [min, max].
  let lo = col.min ?? -Infinity;
  let hi = col.max ?? Infinity;
  // Rounding factor of roundTo(x, decimals), computed once: 0 = none, 1 = whole numbers.
  const p = whole || (decimals !== undefined && decimals <= 0)
    ? 1
    : decimals !== undefined
    ? Math.pow(10, decimals)
    : 0;
  if (whole) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  } else if (decimals !== undefined) {
    if (Number.isFinite(lo)) lo = Math.ceil(lo * p - 1e-9) / p;
    if (Number.isFinite(hi)) hi = Math.floor(hi * p + 1e-9) / p;
  }
  return { p, lo, hi };
}

/** `num` on the rounding grid of `p` (see {@link Rounding}), within [lo, hi], never -0. */
function rounded(num: number, p: number, lo: number, hi: number): number {
  let y = p === 0 ? num : p === 1 ? roundHalfUp(num) : roundHalfUp(num * p) / p;
  if (y < lo) y = lo;
  else if (y > hi) y = hi;
  return y === 0 ? 0 : y;
}

function writeNumbers(
  col: PlanColumn,
  type: "integer" | "float" | "datetime",
  n: number,
  fn: RowFn,
  rng: Rng,
): ColumnValues {
  let valid: Uint8Array | null = null;
  const values = outputF64(n);
  const { p, lo, hi } = roundingOf(col, type);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    const num = typeof x === "number" ? x : x === null ? NaN : Number(x);
    if (!Number.isFinite(num)) {
      valid = markNull(valid, n, i);
      continue;
    }
    values[i] = rounded(num, p, lo, hi);
  }
  return { type, values, valid };
}

/**
 * {@link writeNumbers} for a column of branches: the same case choice, draws,
 * rounding and bounds per row, as one loop without closure calls.
 */
function writeBranches(col: PlanColumn, n: number, br: Branches, rng: Rng): ColumnValues {
  const type = col.type as "integer" | "float" | "datetime";
  let valid: Uint8Array | null = null;
  const values = outputF64(n);
  const { p, lo, hi } = roundingOf(col, type);
  const pk = casePicker(br);
  for (let i = 0; i < n; i++) {
    const b = caseFor(pk, i);
    if (b === null) {
      valid = markNull(valid, n, i);
      continue;
    }
    const num = drawBranch(b, rng);
    if (!Number.isFinite(num)) {
      valid = markNull(valid, n, i);
      continue;
    }
    values[i] = rounded(num, p, lo, hi);
  }
  return { type, values, valid };
}

/** A categorical case of a string column: its table and the dictionary code of each value. */
interface CodeBranch {
  table: CdfTable;
  acc: number;
  code: Uint8Array;
}

/** A string column drawn as dictionary codes. */
interface CodeBranches extends Cases<CodeBranch> {
  dict: string[];
}

/** Codes fit a byte. */
const MAX_DICT = 256;

/**
 * The cases of a categorical string column, or of a conditional on a boolean
 * column whose cases are all categorical, over one dictionary of the strings
 * as {@link writeStrings} would store them; null for every other shape.
 */
function codeBranches(col: PlanColumn, env: ChunkEnv): CodeBranches | null {
  if (col.type !== "string") return null;
  const dict: string[] = [];
  const index = new Map<string, number>();
  const maxLen = col.maxLength;
  // Builds the one dictionary as it resolves the cases.
  const resolve = (x: GeneratorSpec | null | undefined): CodeBranch | null | undefined => {
    if (x === undefined || x === null) return null;
    if (x.kind !== "categorical") return undefined;
    const t = categoricalTable(x, col, env);
    if (t.values.some((v) => v === null)) return undefined;
    const code = new Uint8Array(t.values.length);
    for (let j = 0; j < t.values.length; j++) {
      const v = t.values[j];
      const str = typeof v === "string" ? v : String(v);
      const s = maxLen !== undefined && str.length > maxLen ? str.slice(0, maxLen) : str;
      let c = index.get(s);
      if (c === undefined) {
        c = dict.length;
        index.set(s, c);
        dict.push(s);
      }
      code[j] = c;
    }
    return { table: t.table, acc: t.acc, code };
  };
  const found = booleanCases(col, env, resolve);
  if (found === null || dict.length > MAX_DICT) return null;
  return { ...found, dict };
}

/**
 * {@link writeStrings} for a column of categorical cases: the same case
 * choice, draws and strings per row, plus each row's dictionary code.
 */
function writeCodes(n: number, br: CodeBranches, rng: Rng): ColumnValues {
  let valid: Uint8Array | null = null;
  const values = new Array<string>(n);
  const codes = outputU8(n);
  const dict = br.dict;
  const pk = casePicker(br);
  for (let i = 0; i < n; i++) {
    const b = caseFor(pk, i);
    if (b === null) {
      values[i] = "";
      valid = markNull(valid, n, i);
      continue;
    }
    const c = b.code[b.table.search(rng.nextFloat() * b.acc)];
    codes[i] = c;
    values[i] = dict[c];
  }
  return { type: "string", values, valid, codes: { dict, codes } };
}

function declaredDecimals(g: GeneratorSpec): number | undefined {
  switch (g.kind) {
    case "uniform":
    case "normal":
    case "lognormal":
    case "exponential":
    case "gamma":
    case "beta":
    case "poisson":
    case "derived":
    case "random_walk":
    case "lag":
      return g.decimals;
    case "conditional": {
      // The finest decimals among the cases, so no case loses precision.
      let d: number | undefined;
      for (const c of [...g.cases.map((c) => c.generator), g.otherwise]) {
        const x = c ? declaredDecimals(c) : undefined;
        if (x !== undefined) d = d === undefined ? x : Math.max(d, x);
      }
      return d;
    }
    case "per_entity":
      return declaredDecimals(g.of);
    default:
      return undefined;
  }
}

function withAffine(fn: RowFn, t: Affine): RowFn {
  if (t.f === 1 && t.s === 0) return fn;
  return (i, rng) => {
    const x = fn(i, rng);
    return typeof x === "number" ? t.f * x + t.s : x;
  };
}

/** Compile one generator for one chunk. */
function compile(g: GeneratorSpec, col: PlanColumn, env: ChunkEnv, t: Affine): RowFn {
  switch (g.kind) {
    case "uniform":
    case "normal":
    case "lognormal":
    case "exponential":
    case "gamma":
    case "beta":
    case "poisson":
      return distSampler(g, col, env, t);
    case "categorical":
      return categorical(g, col, env);
    case "sequence": {
      const { start, step } = g;
      const s0 = env.start;
      return withAffine((i) => start + step * (s0 + i), t);
    }
    case "uuid":
      return (_i, rng) => uuid(rng);
    case "template":
      return templateFn(g.parts, env, (i) => g.start + env.start + i, col.name);
    case "regex": {
      const ast = g.ast;
      return (_i, rng) => sampleRegex(ast, rng);
    }
    case "person": {
      const part = g.part;
      return (_i, rng) => {
        const first = FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)];
        const last = LAST_NAMES[rng.nextInt(LAST_NAMES.length)];
        return part === "first" ? first : part === "last" ? last : `${first} ${last}`;
      };
    }
    case "company":
      return (_i, rng) =>
        `${COMPANY_WORDS[rng.nextInt(COMPANY_WORDS.length)]} ${
          COMPANY_NOUNS[rng.nextInt(COMPANY_NOUNS.length)]
        } ${COMPANY_SUFFIXES[rng.nextInt(COMPANY_SUFFIXES.length)]}`;
    case "city":
      return (_i, rng) => CITIES[rng.nextInt(CITIES.length)];
    case "email":
      return emailFn(g.from, g.domains, env);
    case "boolean": {
      const rate = clamp01(g.rate + driftSum(col, "rate") * env.ctx.versionIndex);
      return (_i, rng) => (rng.nextFloat() < rate ? 1 : 0);
    }
    case "datetime":
      return datetimeFn(g, col);
    case "conditional": {
      const on = env.cols.get(g.on);
      const table = new Map<string, RowFn | null>();
      for (const c of g.cases) {
        if (!table.has(c.when)) {
          table.set(c.when, c.generator ? compile(c.generator, col, env, t) : null);
        }
      }
      const other = g.otherwise ? compile(g.otherwise, col, env, t) : null;
      const pick = (key: string) => (table.has(key) ? table.get(key)! : other);
      if (!on) {
        const f = pick("null");
        return f ? f : () => null;
      }
      if (on.type === "boolean") {
        // Resolve the three possible keys once instead of building and looking up a key per row.
        const fTrue = pick("true");
        const fFalse = pick("false");
        const fNull = pick("null");
        const vals = on.values;
        const valid = on.valid;
        return (i, rng) => {
          const f = valid !== null && valid[i] === 0 ? fNull : vals[i] === 1 ? fTrue : fFalse;
          return f ? f(i, rng) : null;
        };
      }
      return (i, rng) => {
        const f = pick(keyOf(on, i));
        return f ? f(i, rng) : null;
      };
    }
    case "derived": {
      let cur: Rng | null = null;
      const f = compileExpr(g.ast, {
        column: (name, r) => valueAt(env.cols.get(name), r),
        reader: (name) => columnReader(env.cols.get(name)),
        uniform: () => cur!.nextOpenFloat(),
        normal: () => cur!.nextNormal(),
      });
      return withAffine((i, rng) => {
        cur = rng;
        return f(i);
      }, t);
    }
    case "entity":
      return entityFn(g, col, env);
    case "per_entity": {
      const layout = env.entities.get(g.key);
      const inner = compile(g.of, col, env, t);
      const base = env.bases.get(col.name)!;
      if (!layout) return () => null;
      if (!rowFree(g.of, col, env)) {
        return (i) => inner(i, new Rng(mixState(base, layout.entity[i], 0)));
      }
      // The value depends on the entity's stream alone: draw it once per entity
      // (rows of an entity are consecutive in events layouts, cyclic in panels).
      const memo = new Map<number, Val>();
      let lastE = -1;
      let lastV: Val = null;
      return (i) => {
        const e = layout.entity[i];
        if (e === lastE) return lastV;
        let v = memo.get(e);
        if (v === undefined) {
          v = inner(i, new Rng(mixState(base, e, 0)));
          memo.set(e, v);
        }
        lastE = e;
        lastV = v;
        return v;
      };
    }
    case "step_time": {
      const layout = env.entities.get(g.key);
      const { start, every } = g;
      return (i) => (layout ? stepTime(start, every, layout.step[i]) : null);
    }
    case "random_walk": {
      const layout = env.entities.get(g.key);
      const w = new Walk(g, env.ctx.seedHex, col.name, env.bases.get(col.name)!);
      return withAffine((i) => (layout ? w.value(layout.entity[i], layout.step[i] + 1) : null), t);
    }
    case "lag": {
      const of = env.plan.columns[g.of];
      const og = of?.gen;
      if (!og || og.kind !== "random_walk") return () => null;
      const layout = env.entities.get(og.key);
      const w = new Walk(og, env.ctx.seedHex, of.name, env.bases.get(of.name)!);
      const jitter = g.jitter;
      return withAffine((i, rng) => {
        if (!layout) return null;
        const base = w.value(layout.entity[i], layout.step[i]);
        const z = rng.nextNormal();
        return og.model === "gbm" ? base * Math.exp(jitter * z) : base + jitter * z;
      }, t);
    }
    case "event_time":
      return eventTimeFn(g, col, env);
    case "session_id": {
      const sessions = env.sessions.get(g.of);
      const of = env.plan.columns[g.of];
      const keyName = of?.gen.kind === "event_time" ? of.gen.key : "";
      const parts = g.template.map((p): TemplatePart =>
        p.t === "col" && p.name === "KEY" ? { t: "col", name: keyName } : p
      );
      return templateFn(parts, env, (i) => (sessions ? sessions[i] + 1 : 0), col.name);
    }
  }
}

/**
 * True when generator `g` of column `col` reads nothing but its random stream
 * (not the row index, other columns or copula uniforms), so equal streams give
 * equal values.
 */
function rowFree(g: GeneratorSpec, col: PlanColumn, env: ChunkEnv): boolean {
  switch (g.kind) {
    case "uniform":
    case "normal":
    case "lognormal":
    case "exponential":
    case "gamma":
    case "beta":
    case "poisson":
      return !env.copula.has(col.name);
    case "categorical":
    case "uuid":
    case "regex":
    case "person":
    case "company":
    case "city":
    case "boolean":
    case "datetime":
      return true;
    case "email":
      return g.from === undefined;
    default:
      return false;
  }
}

/** Text key of a value for `conditional` lookups ("true"/"false", numbers, strings, "null"). */
function keyOf(c: ColumnValues, i: number): string {
  if (c.valid !== null && c.valid[i] === 0) return "null";
  switch (c.type) {
    case "boolean":
      return c.values[i] === 1 ? "true" : "false";
    case "string":
      return c.values[i];
    case "integer":
    case "float":
    case "datetime":
      return String(c.values[i]);
  }
}

/** `row => valueAt(c, row)` with the column resolved (dependencies are complete when compiled). */
function columnReader(c: ColumnValues | undefined): (row: number) => Val {
  if (!c) return () => null;
  const values: ArrayLike<Val> = c.values;
  return (r) => (c.valid !== null && c.valid[r] === 0 ? null : values[r]);
}

function valueAt(c: ColumnValues | undefined, i: number): Val {
  if (!c || (c.valid !== null && c.valid[i] === 0)) return null;
  return c.values[i];
}

/** Sampler of a (drift-transformed, truncated) distribution (see {@link distBranch}). */
function distSampler(
  g: DistSpec & NumericCommon,
  col: PlanColumn,
  env: ChunkEnv,
  t: Affine,
): RowFn {
  const u0 = env.copula.get(col.name);
  const br = distBranch(g, col, { f: t.f, s: t.s, copula: u0 !== undefined });
  return u0 ? (i) => branchAt(br, u0[i]) : (_i, rng) => drawBranch(br, rng);
}

/** A categorical generator resolved for one chunk: a row takes `values[table.search(u * acc)]`. */
interface CategoricalTable {
  table: CdfTable;
  acc: number;
  values: Val[];
}

/**
 * Per-run tables, built once per worker instead of once per chunk: keyed by the
 * plan's (immutable) generator and column objects, and the version index (drift).
 */
const tablesOf = new WeakMap<object, { col: PlanColumn; v: number; value: unknown }>();

function memoTable<T>(g: object, col: PlanColumn, v: number, build: () => T): T {
  const hit = tablesOf.get(g);
  if (hit !== undefined && hit.col === col && hit.v === v) return hit.value as T;
  const value = build();
  tablesOf.set(g, { col, v, value });
  return value;
}

function categoricalTable(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  env: ChunkEnv,
): CategoricalTable {
  const v = env.ctx.versionIndex;
  return memoTable(g, col, v, () => buildCategoricalTable(g, col, v));
}

function buildCategoricalTable(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  versionIndex: number,
): CategoricalTable {
  const total = g.weights.reduce((a, b) => a + b, 0);
  let w = g.weights.map((x) => x / total);
  for (const d of col.drift) {
    if (d.kind !== "mix") continue;
    const target = g.values.map((v) => d.target[String(v)] ?? 0);
    const tt = target.reduce((a, b) => a + b, 0);
    const k = Math.min(1, d.perVersion * versionIndex);
    if (tt > 0) w = w.map((x, j) => (1 - k) * x + (k * target[j]) / tt);
  }
  const cum = new Float64Array(w.length);
  let acc = 0;
  w.forEach((x, j) => (cum[j] = acc += x));
  const values: Val[] = g.values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  // First j with cum[j] > u (the last one when rounding leaves u >= cum[last]).
  return { table: new CdfTable(cum, true), acc, values };
}

function categorical(
  g: Extract<GeneratorSpec, { kind: "categorical" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const { table, acc, values } = categoricalTable(g, col, env);
  return (_i, rng) => values[table.search(rng.nextFloat() * acc)];
}

function uuid(rng: Rng): string {
  const h = [rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()];
  h[1] = ((h[1] & 0xffff0fff) | 0x00004000) >>> 0; // version 4
  h[2] = ((h[2] & 0x3fffffff) | 0x80000000) >>> 0; // RFC 4122 variant
  const x = h.map((n) => n.toString(16).padStart(8, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const HEX = "0123456789abcdef";

function templateFn(
  parts: TemplatePart[],
  env: ChunkEnv,
  seq: (i: number) => number,
  _self: string,
): RowFn {
  return (i, rng) => {
    let s = "";
    for (const p of parts) {
      switch (p.t) {
        case "lit":
          s += p.v;
          break;
        case "seq":
          s += String(seq(i)).padStart(p.width, "0");
          break;
        case "digits":
          for (let k = 0; k < p.n; k++) s += String(rng.nextInt(10));
          break;
        case "letters":
          for (let k = 0; k < p.n; k++) s += LETTERS[rng.nextInt(26)];
          break;
        case "hex":
          for (let k = 0; k < p.n; k++) s += HEX[rng.nextInt(16)];
          break;
        case "col": {
          const c = env.cols.get(p.name);
          const v = valueAt(c, i);
          if (v === null) return null;
          s += c?.type === "datetime" ? new Date(Number(v)).toISOString() : String(v);
          break;
        }
      }
    }
    return s;
  };
}

function emailFn(from: string | undefined, domains: string[], env: ChunkEnv): RowFn {
  return (i, rng) => {
    let local: string;
    if (from !== undefined) {
      const v = valueAt(env.cols.get(from), i);
      if (v === null) return null;
      local = String(v).toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.+|\.+$/g, "") ||
        "user";
    } else {
      local = `${FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)]}.${
        LAST_NAMES[rng.nextInt(LAST_NAMES.length)]
      }`.toLowerCase();
    }
    // A number half of the time, as real addresses often carry one.
    const n = rng.nextInt(200);
    const suffix = n < 100 ? "" : String(n - 100);
    return `${local}${suffix}@${domains[rng.nextInt(domains.length)]}`;
  };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Datetime sampler. Without profiles: uniform over the instants of the range on
 * the resolution grid. With weekday/hour weights: the range is cut into hourly
 * (daily for day resolution) slots, each weighted by weekday weight x hour
 * weight x number of grid instants in it; a slot is drawn by inverse CDF, then an
 * instant uniformly inside it.
 */
function datetimeFn(g: Extract<GeneratorSpec, { kind: "datetime" }>, col: PlanColumn): RowFn {
  return memoTable(g, col, 0, () => buildDatetimeFn(g, col));
}

function buildDatetimeFn(g: Extract<GeneratorSpec, { kind: "datetime" }>, col: PlanColumn): RowFn {
  const res = g.resolutionMs;
  let a = Math.max(g.start ?? col.min ?? DEFAULT_START_MS, col.min ?? -Infinity);
  let b = Math.min(g.end ?? col.max ?? DEFAULT_END_MS, col.max ?? Infinity);
  a = Math.ceil(a / res) * res;
  b = Math.floor(b / res) * res;
  if (!(b >= a)) return () => null;
  const count = (b - a) / res + 1;
  if (!g.weekdayWeights && !g.hourWeights) {
    return (_i, rng) => a + Math.floor(rng.nextFloat() * count) * res;
  }
  const wd = g.weekdayWeights ?? [1, 1, 1, 1, 1, 1, 1];
  const hw = g.hourWeights ?? new Array<number>(24).fill(1);
  const slot = res >= DAY ? DAY : HOUR;
  const first = Math.floor(a / slot) * slot;
  const nSlots = Math.floor((b - first) / slot) + 1;
  const cum = new Float64Array(nSlots);
  const firstK = new Float64Array(nSlots);
  const nK = new Float64Array(nSlots);
  let acc = 0;
  for (let k = 0; k < nSlots; k++) {
    const s0 = first + k * slot;
    const lo = Math.max(s0, a);
    const hi = Math.min(s0 + slot - 1, b);
    const k0 = Math.ceil((lo - a) / res);
    const k1 = Math.floor((hi - a) / res);
    const m = Math.max(0, k1 - k0 + 1);
    // Slots start on whole UTC hours (days), so the hour is s0 mod DAY / HOUR.
    const hour = Math.floor((s0 - Math.floor(s0 / DAY) * DAY) / HOUR);
    const w = wd[isoWeekday(s0)] * (slot === DAY ? 1 : hw[hour]);
    acc += w * m;
    cum[k] = acc;
    firstK[k] = k0;
    nK[k] = m;
  }
  if (!(acc > 0)) return (_i, rng) => a + Math.floor(rng.nextFloat() * count) * res;
  // The first slot with cum > u, as a binary search finds it, in O(1) on average.
  const table = new CdfTable(cum, true);
  return (_i, rng) => {
    const k = table.search(rng.nextFloat() * acc);
    return a + (firstK[k] + Math.floor(rng.nextFloat() * nK[k])) * res;
  };
}

/**
 * Mix a base stream state with two counters into a fresh xoshiro state
 * (murmur3 finalizer per word): a counter-based stream keyed by (entity, block).
 */
export function mixState(base: Uint32Array, a: number, b: number): Uint32Array {
  const s = new Uint32Array(4);
  const lo = a >>> 0;
  const hi = Math.floor(a / 4294967296) >>> 0;
  for (let k = 0; k < 4; k++) {
    let h = base[k] ^ fmix(lo + Math.imul(k + 1, 0x9e3779b9));
    h = fmix(h ^ fmix(hi ^ Math.imul(b + 1, 0x85ebca6b) ^ k));
    s[k] = fmix(h + Math.imul(b, 0x27d4eb2f) + k);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Cumulative event counts per `events` entity column, extended on demand (per process). */
const eventCounts = new Map<string, number[]>();

function entityFn(
  g: Extract<GeneratorSpec, { kind: "entity" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const n = env.rows;
  const entity = scratchF64(n);
  const step = scratchF64(n);
  if (g.layout === "panel") {
    for (let i = 0; i < n; i++) {
      const r = env.start + i;
      entity[i] = r % g.count;
      step[i] = Math.floor(r / g.count);
    }
  } else {
    // Events per entity: 1 + geometric(mean_events - 1), capped, from (column, entity) streams.
    const key = `${env.ctx.seedHex}|${col.name}|${g.meanEvents}|${g.maxEvents}`;
    let cum = eventCounts.get(key);
    if (!cum) {
      if (eventCounts.size > 64) eventCounts.clear(); // bounded: one entry per (run, column)
      eventCounts.set(key, cum = [0]);
    }
    const base = env.bases.get(col.name)!;
    const p = 1 / g.meanEvents;
    const need = env.start + n;
    while (cum[cum.length - 1] < need) {
      const e = cum.length - 1;
      const u = new Rng(mixState(base, e, 0)).nextOpenFloat();
      const extra = p >= 1 ? 0 : Math.floor(Math.log(u) / Math.log(1 - p));
      cum.push(cum[cum.length - 1] + Math.min(g.maxEvents, 1 + extra));
    }
    // Binary search the entity holding the chunk's first row, then walk forward.
    let lo = 0;
    let hi = cum.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cum[mid] <= env.start) lo = mid;
      else hi = mid - 1;
    }
    let e = lo;
    for (let i = 0; i < n; i++) {
      const r = env.start + i;
      while (cum[e + 1] <= r) e++;
      entity[i] = e;
      step[i] = r - cum[e];
    }
  }
  env.entities.set(col.name, { entity, step });
  if (g.values) {
    const values = g.values;
    return (i) => values[entity[i]];
  }
  if (col.type === "string") {
    const parts = g.template ?? [{ t: "seq", width: 0 }];
    return templateFn(parts, env, (i) => g.start + entity[i], col.name);
  }
  return (i) => g.start + entity[i];
}

function stepTime(start: number, every: StepUnit, k: number): number {
  switch (every) {
    case "minute":
      return start + k * 60_000;
    case "hour":
      return start + k * HOUR;
    case "day":
      return start + k * DAY;
    case "business_day": {
      // Move the start to a weekday, then 5 business days per calendar week; the
      // remaining r < 5 days cross one weekend when they pass Friday.
      let t = start;
      while (isWeekend(t)) t += DAY;
      const r = k % 5;
      const crosses = isoWeekday(t) + r >= 5;
      return t + (Math.floor(k / 5) * 7 + r + (crosses ? 2 : 0)) * DAY;
    }
  }
}

/** UTC weekday of epoch ms `t`, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
function isoWeekday(t: number): number {
  const d = (Math.floor(t / DAY) + 3) % 7;
  return d < 0 ? d + 7 : d;
}

function isWeekend(t: number): boolean {
  return isoWeekday(t) >= 5;
}

/** Block sums S_b per (seed, column, entity), extended on demand (per process). */
const walkPrefix = new Map<string, number[]>();

/**
 * A per-entity random walk whose value at any step is computable alone.
 *
 * Increments Z_1, Z_2, ... (standard normal) are grouped in blocks of
 * {@link WALK_BLOCK}. Block b of entity e has its own counter-based stream
 * `mixState(base, e, b + 1)`: its first normal gives the block total
 * S_b = sqrt(B) N(0, 1), the next B normals a path conditioned on that total
 * (Z_j - mean(Z) + S_b / B, exactly the conditional law of iid normals given
 * their sum). W_k = sum of S over earlier blocks + partial sum inside block.
 * So W_k needs only the block totals before it (one draw per block), never the
 * rows of earlier chunks. Value: gbm start * exp((mu - σ²/2) dt k + σ sqrt(dt) W_k),
 * arithmetic start + mu dt k + σ sqrt(dt) W_k, with dt = 1 / steps_per_year.
 */
class Walk {
  #g: Extract<GeneratorSpec, { kind: "random_walk" }>;
  #base: Uint32Array;
  #key: string;
  #params = new Map<number, [number, number]>();
  #paths = new Map<number, { block: number; cum: Float64Array }>();
  /** This instance's handles on the shared `walkPrefix` arrays (no key string per row). */
  #prefixes = new Map<number, number[]>();
  constructor(
    g: Extract<GeneratorSpec, { kind: "random_walk" }>,
    seedHex: string,
    column: string,
    base: Uint32Array,
  ) {
    this.#g = g;
    this.#base = base;
    this.#key = `${seedHex}|${column}`;
  }

  /** Per-entity start value and volatility (log-uniform / uniform within the declared ranges). */
  params(e: number): [number, number] {
    let p = this.#params.get(e);
    if (!p) {
      const r = new Rng(mixState(this.#base, e, 0));
      const [s0, s1] = this.#g.start;
      const [v0, v1] = this.#g.volatility;
      const u1 = r.nextFloat();
      const u2 = r.nextFloat();
      const start = this.#g.model === "gbm"
        ? Math.exp(Math.log(s0) + u1 * (Math.log(s1) - Math.log(s0)))
        : s0 + u1 * (s1 - s0);
      p = [start, v0 + u2 * (v1 - v0)];
      this.#params.set(e, p);
    }
    return p;
  }

  /** W_k: sum of the first k increments of entity e. */
  w(e: number, k: number): number {
    if (k <= 0) return 0;
    const B = WALK_BLOCK;
    const b = Math.floor((k - 1) / B);
    let prefix = this.#prefixes.get(e);
    if (!prefix) {
      const pk = `${this.#key}|${e}`;
      prefix = walkPrefix.get(pk);
      if (!prefix) {
        if (walkPrefix.size > 65_536) walkPrefix.clear(); // bounded: one entry per (run, column, entity)
        walkPrefix.set(pk, prefix = [0]);
      }
      this.#prefixes.set(e, prefix);
    }
    while (prefix.length <= b) {
      const j = prefix.length - 1;
      const s = Math.sqrt(B) * new Rng(mixState(this.#base, e, j + 1)).nextNormal();
      prefix.push(prefix[j] + s);
    }
    let path = this.#paths.get(e);
    if (!path || path.block !== b) {
      const r = new Rng(mixState(this.#base, e, b + 1));
      const total = Math.sqrt(B) * r.nextNormal();
      const z = new Float64Array(B);
      let mean = 0;
      for (let j = 0; j < B; j++) mean += z[j] = r.nextNormal();
      mean /= B;
      const cum = new Float64Array(B + 1);
      for (let j = 0; j < B; j++) cum[j + 1] = cum[j] + z[j] - mean + total / B;
      path = { block: b, cum };
      this.#paths.set(e, path);
    }
    return prefix[b] + path.cum[k - b * B];
  }

  /** Walk value of entity e after k steps (k = 0: the start value). */
  value(e: number, k: number): number {
    const [start, vol] = this.params(e);
    const dt = 1 / this.#g.stepsPerYear;
    const w = this.w(e, k);
    return this.#g.model === "gbm"
      ? start * Math.exp((this.#g.drift - (vol * vol) / 2) * dt * k + vol * Math.sqrt(dt) * w)
      : start + this.#g.drift * dt * k + vol * Math.sqrt(dt) * w;
  }
}

/**
 * Monotonic per-entity event times: event 0 comes Exp(first_event_hours) after
 * the entity's `after` value; each later event starts a new session with
 * probability 1 / events_per_session (gap Exp(session_gap_hours)), else follows
 * within the session (gap Exp(event_gap_seconds)). Gaps are rounded up to whole
 * seconds (>= 1 s) so times strictly increase. The sequence of entity e comes from
 * the counter-based stream (event_time column, e).
 */
function eventTimeFn(
  g: Extract<GeneratorSpec, { kind: "event_time" }>,
  col: PlanColumn,
  env: ChunkEnv,
): RowFn {
  const layout = env.entities.get(g.key);
  const after = env.cols.get(g.after);
  const base = env.bases.get(col.name)!;
  const sessions = scratchF64(env.rows);
  env.sessions.set(col.name, sessions);
  if (!layout || !after) return () => null;
  let curE = -1;
  let offsets: number[] = [];
  let sess: number[] = [];
  const pNew = 1 / g.eventsPerSession;
  return (i) => {
    const e = layout.entity[i];
    const j = layout.step[i];
    if (e !== curE) {
      curE = e;
      offsets = [];
      sess = [];
    }
    if (offsets.length <= j) {
      // Regenerate the entity's sequence from its start up to its last event in
      // this chunk (rows of an entity are consecutive), so once per entity and chunk.
      let last = i;
      while (last + 1 < layout.entity.length && layout.entity[last + 1] === e) last++;
      const r = new Rng(mixState(base, e, 1));
      offsets = [];
      sess = [];
      let t = 0;
      let s = 0;
      // The draws are sequential, so a longer or shorter prefix never changes earlier events.
      const upTo = Math.max(j, layout.step[last]);
      for (let k = 0; k <= upTo; k++) {
        let gapMs: number;
        if (k === 0) gapMs = -Math.log(r.nextOpenFloat()) * g.firstEventHours * HOUR;
        else if (r.nextFloat() < pNew) {
          s++;
          gapMs = -Math.log(r.nextOpenFloat()) * g.sessionGapHours * HOUR;
        } else gapMs = -Math.log(r.nextOpenFloat()) * g.eventGapSeconds * 1000;
        t += Math.max(1000, Math.ceil(gapMs / 1000) * 1000);
        offsets.push(t);
        sess.push(s);
      }
    }
    sessions[i] = sess[j];
    const a = valueAt(after, i);
    return a === null ? null : Number(a) + offsets[j];
  };
}
