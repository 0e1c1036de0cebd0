/**
 * The relational layer of chunk generation (multi-table datasets): before a
 * child chunk's own columns are generated, its foreign keys and the parent
 * columns it reads are computed from the parents alone, so every chunk of
 * every table is still a pure function of (plan, seed, chunk index).
 *
 * - One-to-many (`per_parent`): the number of children of every parent row
 *   of parent chunk j is drawn from the child's stream `@count` of chunk j;
 *   children follow their parents in order. `prefix[j]` (child rows before
 *   parent chunk j) is computed once at planning time from these counts
 *   alone, without generating any parent column; a child chunk then redraws
 *   the counts of the one or two parent chunks it overlaps.
 * - Lookups and self-references (`pick`): each row picks a parent index
 *   (uniform or Zipf-like; a self-reference only earlier rows) from the
 *   stream `@pick:<columns>`.
 * - Key values come from the parent's `sequence` arithmetic when the key is
 *   one; other keys and parent columns are gathered from regenerated parent
 *   chunks (a few cached per thread: children arrive roughly in order).
 *
 * @module
 */
import type { ChildCountSpec, Chunk, ColumnValues, ParentPick } from "../model/mod.ts";
import { Rng, streamState } from "../rng/mod.ts";
import type { GenerationContext } from "./env.ts";
import type { GenerationPlan } from "./plan.ts";
import { CdfTable } from "./samplers.ts";

/** A parent table as a child chunk sees it: enough to regenerate any of its chunks. */
export interface ParentSource {
  table: string;
  plan: GenerationPlan;
  ctx: GenerationContext;
  /** Key columns that are `sequence` columns: value = start + step x row. */
  sequences: Record<string, { start: number; step: number }>;
}

/** The one-to-many foreign key that decides a child table's rows. */
export interface DriverPlan {
  columns: string[];
  refColumns: string[];
  parent: ParentSource;
  count: ChildCountSpec;
  /** Child rows before parent chunk j; length = parent chunks + 1 (the last is the row count). */
  prefix: number[];
  /** Parent columns the child reads (as `<parent>.<column>`). */
  reads: string[];
}

/** A lookup or self-reference. */
export interface PickPlan {
  columns: string[];
  refColumns: string[];
  /** The parent; for a self-reference, the table itself (its keys must be sequences). */
  parent: ParentSource;
  self: boolean;
  pick: ParentPick;
  nullRate: number;
  /** Parent columns the child reads (lookups into small tables only). */
  reads: string[];
}

/** A parent's count of its children in one child table (`<child>._count`). */
export interface ChildCountPlan {
  /** `<child>._count`. */
  name: string;
  count: ChildCountSpec;
  /** The child table's seed: the counts are the ones its layout draws. */
  seedHex: string;
}

/** How a table's chunks get their keys, parent columns and children counts. */
export interface RelationPlan {
  table: string;
  driver?: DriverPlan;
  picks: PickPlan[];
  /** Children counts the table's generators read. */
  counts?: ChildCountPlan[];
}

/** Name of the pseudo-column holding a child's 1-based position among its parent's children. */
export const CHILD_NUMBER = "_child_number";
/** Name of the pseudo-column holding a parent row's number of children (`<child>._count`). */
export const CHILD_COUNT = "_count";

/** The name under which a foreign key column's values reach its `foreign_key` generator. */
export function injectedKey(column: string): string {
  return `@${column}`;
}

/** Generates one chunk of a plan (the engine; passed in so this file does not import it). */
export type ChunkGenerator = (
  plan: GenerationPlan,
  ctx: GenerationContext,
  index: number,
) => Promise<Chunk>;

/** Cumulative weights of a child count distribution over min..max. */
interface CountTable {
  min: number;
  table: CdfTable;
  total: number;
}

const countTables = new WeakMap<ChildCountSpec, CountTable>();

/**
 * Probabilities of min..max children under a count distribution (weights
 * outside [min, max] dropped, the rest renormalized: a truncated draw).
 */
export function countPmf(c: ChildCountSpec): number[] {
  const n = c.max - c.min + 1;
  const w = new Float64Array(n);
  switch (c.kind) {
    case "uniform":
      w.fill(1);
      break;
    case "poisson": {
      // pmf by recurrence in log space from k = 0 (stable for lambda up to thousands).
      let logp = -c.lambda;
      for (let k = 0; k <= c.max; k++) {
        if (k > 0) logp += Math.log(c.lambda) - Math.log(k);
        if (k >= c.min) w[k - c.min] = Math.exp(logp);
      }
      break;
    }
    case "categorical":
      c.values.forEach((v, i) => {
        if (v >= c.min && v <= c.max) w[v - c.min] += c.weights[i];
      });
      break;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  if (!(total > 0)) {
    // All the mass outside [min, max]: the bound nearest to it.
    w.fill(0);
    w[c.kind === "poisson" && c.lambda > c.max ? n - 1 : 0] = 1;
    total = 1;
  }
  return Array.from(w, (x) => x / total);
}

/** The sampler table of a count distribution (built once per spec object and thread). */
function countTable(c: ChildCountSpec): CountTable {
  let t = countTables.get(c);
  if (t) return t;
  const pmf = countPmf(c);
  const cum = new Float64Array(pmf.length);
  let acc = 0;
  for (let i = 0; i < pmf.length; i++) cum[i] = acc += pmf[i];
  t = { min: c.min, table: new CdfTable(cum, true), total: acc };
  countTables.set(c, t);
  return t;
}

/**
 * The children of each row of parent chunk `j` (stream `@count` of the
 * child's seed): the only random input of a child table's layout.
 */
export async function childCounts(
  count: ChildCountSpec,
  seedHex: string,
  options: { chunk: number; rows: number },
): Promise<Int32Array> {
  const rng = new Rng(await streamState(seedHex, "@count", options.chunk));
  const t = countTable(count);
  const out = new Int32Array(options.rows);
  for (let i = 0; i < options.rows; i++) out[i] = t.min + t.table.search(rng.nextFloat() * t.total);
  return out;
}

/** Recently used parent chunks and counts of this thread (bounded). */
const chunkCache = new Map<string, Promise<Chunk>>();
const countCache = new Map<string, Promise<Int32Array>>();
const CACHE_LIMIT = 6;

function cached<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  let p = cache.get(key);
  if (p !== undefined) {
    cache.delete(key); // most recent last
    cache.set(key, p);
    return p;
  }
  p = make();
  cache.set(key, p);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return p;
}

function parentChunk(src: ParentSource, j: number, gen: ChunkGenerator): Promise<Chunk> {
  return cached(
    chunkCache,
    `${src.ctx.seedHex}:${src.table}:${j}`,
    () => gen(src.plan, src.ctx, j),
  );
}

/**
 * The injected columns of rows `[start, start + rows)` of a child table:
 * each foreign key column (under {@link injectedKey}), and every parent
 * column the table reads, as `<parent>.<column>`.
 */
export async function relationColumns(
  rel: RelationPlan,
  ctx: GenerationContext,
  range: { start: number; rows: number; chunk: number },
  gen: ChunkGenerator,
): Promise<Map<string, ColumnValues>> {
  const out = new Map<string, ColumnValues>();
  const { start, rows } = range;
  if (rel.driver) {
    const d = rel.driver;
    const { parentIndex, ordinal } = await driverLayout(d, ctx.seedHex, { start, rows });
    await putParentValues(out, d, { index: parentIndex, valid: null }, gen);
    out.set(`${d.parent.table}.${CHILD_NUMBER}`, { type: "integer", values: ordinal, valid: null });
  }
  for (const c of rel.counts ?? []) {
    // The same draws (and cache entry) as the child's layout of this parent chunk.
    const counts = await cached(
      countCache,
      `${c.seedHex}:${rel.table}:${range.chunk}`,
      () => childCounts(c.count, c.seedHex, { chunk: range.chunk, rows }),
    );
    out.set(c.name, { type: "integer", values: Float64Array.from(counts), valid: null });
  }
  for (const p of rel.picks) {
    const rng = new Rng(
      await streamState(ctx.seedHex, `@pick:${p.columns.join(",")}`, range.chunk),
    );
    const index = new Float64Array(rows);
    let valid: Uint8Array | null = null;
    const n = p.parent.ctx.rowCount;
    for (let i = 0; i < rows; i++) {
      const u = rng.nextFloat();
      const v = rng.nextFloat();
      const m = p.self ? start + i : n;
      if (m === 0 || u < p.nullRate) {
        valid ??= new Uint8Array(rows).fill(1);
        valid[i] = 0;
        continue;
      }
      index[i] = pickIndex(p.pick, m, v);
    }
    await putParentValues(out, p, { index, valid }, gen);
  }
  return out;
}

/** Parent row (0-based) of a pick among `m` rows for a uniform `v` in [0, 1). */
export function pickIndex(pick: ParentPick, m: number, v: number): number {
  switch (pick.kind) {
    case "uniform":
      return Math.min(m - 1, Math.floor(v * m));
    case "zipf": {
      // Bounded continuous power law on [1, m + 1), floored: row k has weight ~ (k + 1)^-s.
      const s = pick.s;
      const x = s === 1
        ? Math.pow(m + 1, v)
        : Math.pow(1 + v * (Math.pow(m + 1, 1 - s) - 1), 1 / (1 - s));
      return Math.max(0, Math.min(m - 1, Math.floor(x) - 1));
    }
  }
}

/** Which parent row each child row of `[start, start + rows)` belongs to, and its position. */
async function driverLayout(
  d: DriverPlan,
  seedHex: string,
  range: { start: number; rows: number },
): Promise<{ parentIndex: Float64Array; ordinal: Float64Array }> {
  const { start, rows } = range;
  const parentIndex = new Float64Array(rows);
  const ordinal = new Float64Array(rows);
  const R = d.parent.ctx.chunkRows;
  const parentRows = d.parent.ctx.rowCount;
  // Last parent chunk j with prefix[j] <= start (binary search over the prefix sums).
  let lo = 0;
  let hi = d.prefix.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (d.prefix[mid] <= start) lo = mid;
    else hi = mid - 1;
  }
  let filled = 0;
  for (let j = lo; j < d.prefix.length - 1 && filled < rows; j++) {
    const n = Math.min(R, parentRows - j * R);
    const counts = await cached(
      countCache,
      `${seedHex}:${d.parent.table}:${j}`,
      () => childCounts(d.count, seedHex, { chunk: j, rows: n }),
    );
    let cursor = d.prefix[j];
    for (let k = 0; k < n && filled < rows; k++) {
      const c = counts[k];
      const end = cursor + c;
      if (end > start + filled) {
        for (let r = Math.max(cursor, start + filled); r < end && filled < rows; r++) {
          parentIndex[filled] = j * R + k;
          ordinal[filled] = r - cursor + 1;
          filled++;
        }
      }
      cursor = end;
    }
  }
  if (filled !== rows) {
    throw new Error(`child rows ${start}..${start + rows} lie beyond the parents' children`);
  }
  return { parentIndex, ordinal };
}

/** Put the key columns and read parent columns of `rel` for parent rows `index` into `out`. */
async function putParentValues(
  out: Map<string, ColumnValues>,
  rel: DriverPlan | PickPlan,
  rows: { index: Float64Array; valid: Uint8Array | null },
  gen: ChunkGenerator,
): Promise<void> {
  const src = rel.parent;
  const need = new Set<string>(rel.reads);
  rel.refColumns.forEach((c) => {
    if (!src.sequences[c]) need.add(c);
  });
  const gathered = need.size > 0 ? await gather(src, [...need].sort(), rows, gen) : new Map();
  rel.columns.forEach((col, k) => {
    const ref = rel.refColumns[k];
    const seq = src.sequences[ref];
    let values: ColumnValues;
    if (seq) {
      const v = new Float64Array(rows.index.length);
      for (let i = 0; i < v.length; i++) v[i] = seq.start + seq.step * rows.index[i];
      values = { type: src.plan.columns[ref].type as "integer", values: v, valid: rows.valid };
    } else values = gathered.get(ref)!;
    out.set(injectedKey(col), values);
  });
  for (const r of rel.reads) out.set(`${src.table}.${r}`, gathered.get(r)!);
}

/** Values of parent `columns` at parent rows `index` (rows with valid 0 are null). */
async function gather(
  src: ParentSource,
  columns: string[],
  rows: { index: Float64Array; valid: Uint8Array | null },
  gen: ChunkGenerator,
): Promise<Map<string, ColumnValues>> {
  const { index, valid } = rows;
  const n = index.length;
  const R = src.ctx.chunkRows;
  const chunkIds = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) chunkIds.add(Math.floor(index[i] / R));
  }
  const chunks = new Map<number, Chunk>();
  for (const j of [...chunkIds].sort((a, b) => a - b)) {
    chunks.set(j, await parentChunk(src, j, gen));
  }
  const out = new Map<string, ColumnValues>();
  for (const name of columns) {
    const type = src.plan.columns[name].type;
    const ok = new Uint8Array(n);
    let anyNull = false;
    const values = type === "string"
      ? new Array<string>(n).fill("")
      : type === "boolean"
      ? new Uint8Array(n)
      : new Float64Array(n);
    // Rows arrive grouped by parent chunk (sorted for a one-to-many key): look a chunk up once per run.
    let lastJ = -1;
    let c: ColumnValues | undefined;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        anyNull = true;
        continue;
      }
      const p = index[i];
      const j = Math.floor(p / R);
      if (j !== lastJ) {
        c = chunks.get(j)!.columns.get(name)!;
        lastJ = j;
      }
      const r = p - j * R;
      if (c!.valid !== null && c!.valid[r] === 0) anyNull = true;
      else {
        ok[i] = 1;
        (values as unknown[])[i] = c!.values[r];
      }
    }
    out.set(name, { type, values, valid: anyNull ? ok : null } as ColumnValues);
  }
  return out;
}
