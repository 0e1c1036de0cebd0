/**
 * Validation across the tables of a multi-table dataset, on the files as
 * written: primary keys unique and not null, every foreign key resolves to a
 * parent row, every parent has a number of children within the declared
 * [min, max] (and how well the counts fit the declared distribution), and
 * cross-table checks (`ordered_at >= customers.signup_at`).
 *
 * Tables are read once each, parents first, the data streamed. Keys that
 * arrive as an arithmetic progression (sequence keys) cost nothing to keep;
 * other keys are kept sorted (12 bytes per row), and a parent keeps the
 * columns its children's cross checks compare and one child count per row. Keys of one integer column are compared exactly;
 * other keys by a 64-bit hash of their values (a collision, about 1 in 10^5
 * at 10^7 rows, could hide one orphan or report one duplicate).
 *
 * @module
 */
import type { Chunk, ColumnValues } from "../data/mod.ts";
import type { ChildCountSpec, CompareOp, DatasetSpec, TableSpec } from "../model/mod.ts";
import { gammaP } from "../generate/math.ts";
import { countPmf } from "../generate/relations.ts";
import { compare, FIRST_ROWS } from "./mod.ts";

/** Reads the columns of one written table in row order. */
export type TableReader = (table: string, columns: string[]) => AsyncIterable<Chunk>;

/** Smallest p-value at which a children-per-parent distribution still "matches" its declaration. */
export const COUNT_FIT_P = 0.001;

/** How one foreign key held. */
export interface ForeignKeyResult {
  columns: string[];
  references: { table: string; columns: string[] };
  kind: "per_parent" | "pick";
  rows: number;
  /** Rows whose key is null (a pick with null_rate, a self-reference's first row). */
  nulls: number;
  /** Rows whose key matches no parent row. */
  orphans: number;
  first_orphan_rows: number[];
  passed: boolean;
  /** One-to-many only: how many children each parent has. */
  per_parent?: PerParentResult;
}

/** Children per parent against the declared distribution. */
export interface PerParentResult {
  declared: ChildCountSpec;
  parents: number;
  mean: number;
  expected_mean: number;
  min: number;
  max: number;
  /** Parents outside the declared [min, max]. */
  out_of_bounds: number;
  /** Parents with k children, k = 0, 1, ... (the last entry counts k and more when cut at 64). */
  histogram: number[];
  chi2: number;
  df: number;
  p_value: number;
  /** p_value >= {@link COUNT_FIT_P} (reported, never a failure: it is a statistical statement). */
  matches: boolean;
}

/** Results of one table. */
export interface TableRelations {
  table: string;
  rows: number;
  primary_key: {
    columns: string[];
    /**
     * `validation_report.json`: a one-column key no other table references is
     * checked (unique, not null) by the table's own validation, not read again.
     */
    checked_in?: string;
    duplicates: number;
    nulls: number;
    first_duplicate_rows: number[];
    passed: boolean;
  };
  foreign_keys: ForeignKeyResult[];
  cross_checks: Record<string, { violations: number; first_rows: number[]; passed: boolean }>;
}

/** The content of relations_report.json. */
export interface RelationsReport {
  passed: boolean;
  tables: TableRelations[];
}

type Key = number | bigint;

/**
 * A table's keys, with what children need from it: keys that arrive as an
 * arithmetic progression (sequence keys) are kept as start and step alone,
 * any other keys sorted, with the row of each.
 */
interface KeyIndex {
  /** Number of keys. */
  n: number;
  arith?: { start: number; step: number };
  keys?: Float64Array | BigUint64Array;
  /** Row index of each sorted key. */
  rows?: Uint32Array;
  /** Columns compared by children's cross checks, by row index. */
  values: Map<string, ColumnStore>;
}

/**
 * Collects a table's keys in row order: O(1) memory while they follow one
 * arithmetic progression (sequence keys), a list from the first key that
 * does not (the earlier ones are recomputed from the progression).
 */
class KeyCollector {
  n = 0;
  start = 0;
  step = 0;
  list: Key[] | null;
  constructor(readonly numeric: boolean) {
    this.list = numeric ? null : [];
  }
  add(k: Key | null): void {
    if (this.list === null) {
      const x = k as number | null;
      if (x !== null && this.n === 0) this.start = x;
      else if (x !== null && this.n === 1 && x !== this.start) this.step = x - this.start;
      else if (x === null || x !== this.start + this.step * this.n) {
        this.list = Array.from({ length: this.n }, (_, i) => this.start + this.step * i);
      }
    }
    // A null key cannot match: NaN (numeric) never equals, 0n stands in for hashes.
    if (this.list !== null) this.list.push(k ?? (this.numeric ? NaN : 0n));
    this.n++;
  }
  index(): KeyIndex {
    if (this.list === null) {
      return { n: this.n, arith: { start: this.start, step: this.step }, values: new Map() };
    }
    return sortKeys(this.list, this.numeric);
  }
}

/** Validate the relations of a multi-table dataset from its written tables. */
export async function validateRelations(
  spec: DatasetSpec,
  read: TableReader,
): Promise<RelationsReport> {
  const tables = spec.tables ?? [];
  const indexes = new Map<string, KeyIndex>();
  const out: TableRelations[] = [];
  for (const t of tables) {
    const rightCols = new Set<string>();
    for (const c of tables) {
      for (const x of c.crossChecks) if (x.table === t.name) rightCols.add(x.right);
    }
    // A one-column key is `unique`: the table's own validation checked it. Read it again only
    // when children look rows up by it.
    const referenced = tables.some((c) => c.foreignKeys.some((f) => f.table === t.name));
    const ownCheck = t.primaryKey.length === 1 && !referenced;
    const needed = new Set<string>([
      ...(ownCheck ? [] : t.primaryKey),
      ...t.foreignKeys.flatMap((f) => f.columns),
      ...t.crossChecks.map((c) => c.left),
      ...rightCols,
    ]);
    const res = await checkTable(t, {
      read,
      columns: [...needed].sort(),
      rightCols,
      indexes,
      ownCheck,
    });
    out.push(res);
  }
  const passed = out.every((t) =>
    t.primary_key.passed && t.foreign_keys.every((f) => f.passed) &&
    Object.values(t.cross_checks).every((c) => c.passed)
  );
  return { passed, tables: out };
}

async function checkTable(
  t: TableSpec,
  a: {
    read: TableReader;
    columns: string[];
    rightCols: Set<string>;
    indexes: Map<string, KeyIndex>;
    ownCheck: boolean;
  },
): Promise<TableRelations> {
  const numericKey = isNumericKey(t, t.primaryKey);
  const keys = new KeyCollector(numericKey);
  let pkNulls = 0;
  const values = new Map<string, ColumnStore>();
  for (const c of a.rightCols) values.set(c, new ColumnStore());
  const fks = t.foreignKeys.map((fk) => ({
    fk,
    res: {
      columns: fk.columns,
      references: { table: fk.table, columns: fk.refColumns },
      kind: fk.mode.kind,
      rows: 0,
      nulls: 0,
      orphans: 0,
      first_orphan_rows: [] as number[],
      passed: true,
    } as ForeignKeyResult,
    counts: fk.mode.kind === "per_parent" && !fk.self
      ? new Int32Array(a.indexes.get(fk.table)?.n ?? 0)
      : undefined,
    // Self-references resolve once this table's keys are all known.
    pending: [] as Array<{ key: Key; row: number }>,
  }));
  const cross = t.crossChecks.map((c) => ({ c, violations: 0, first_rows: [] as number[] }));
  let rows = 0;
  for await (const chunk of a.read(t.name, a.columns)) {
    const col = (n: string) => chunk.columns.get(n)!;
    const pkCols = a.ownCheck ? [] : t.primaryKey.map(col);
    for (const [name, store] of values) {
      const c = col(name);
      for (let r = 0; r < chunk.rows; r++) store.push(at(c, r));
    }
    for (let i = 0; i < chunk.rows && !a.ownCheck; i++) {
      const k = keyOf(pkCols, i, numericKey);
      if (k === null) pkNulls++;
      keys.add(k);
    }
    for (const f of fks) {
      const cols = f.fk.columns.map(col);
      const parentNumeric = isNumericKey(t, f.fk.columns);
      const idx = f.fk.self ? undefined : a.indexes.get(f.fk.table);
      const checks = cross.filter((x) => x.c.table === f.fk.table && !f.fk.self);
      for (let i = 0; i < chunk.rows; i++) {
        const row = chunk.start + i;
        f.res.rows++;
        const k = keyOf(cols, i, parentNumeric);
        if (k === null) {
          f.res.nulls++;
          continue;
        }
        if (f.fk.self) {
          f.pending.push({ key: k, row });
          continue;
        }
        const pos = idx ? find(idx, k) : -1;
        if (pos < 0) {
          orphan(f.res, row);
          continue;
        }
        if (f.counts) f.counts[pos]++;
        for (const x of checks) {
          const left = at(col(x.c.left), i);
          const right = idx!.values.get(x.c.right)!.at(rowAt(idx!, pos));
          if (!compareNullable(left, x.c.op, right)) {
            x.violations++;
            if (x.first_rows.length < FIRST_ROWS) x.first_rows.push(row);
          }
        }
      }
    }
    rows += chunk.rows;
  }
  // Sort this table's keys (with their rows) for its children and its own uniqueness.
  const index = keys.index();
  index.values = values;
  a.indexes.set(t.name, index);
  let duplicates = 0;
  const firstDup: number[] = [];
  const sorted = index.keys;
  if (sorted && index.rows) {
    for (let p = 1; p < sorted.length; p++) {
      const k = sorted[p];
      if (numericKey && Number.isNaN(k as number)) continue;
      if (k === sorted[p - 1]) {
        duplicates++;
        if (firstDup.length < FIRST_ROWS) firstDup.push(index.rows[p]);
      }
    }
  } else if (index.arith && index.arith.step === 0 && index.n > 1) duplicates = index.n - 1;
  firstDup.sort((x, y) => x - y);
  for (const f of fks) {
    for (const { key, row } of f.pending) if (find(index, key) < 0) orphan(f.res, row);
    f.res.passed = f.res.orphans === 0;
    if (f.counts && f.fk.mode.kind === "per_parent") {
      f.res.per_parent = perParent(f.counts, f.fk.mode.count);
      if (f.res.per_parent.out_of_bounds > 0) f.res.passed = false;
    }
  }
  return {
    table: t.name,
    rows,
    primary_key: {
      columns: t.primaryKey,
      ...(a.ownCheck ? { checked_in: "validation_report.json" } : {}),
      duplicates,
      nulls: pkNulls,
      first_duplicate_rows: firstDup,
      passed: duplicates === 0 && pkNulls === 0,
    },
    foreign_keys: fks.map((f) => f.res),
    cross_checks: Object.fromEntries(
      cross.map((x) => [x.c.name, {
        violations: x.violations,
        first_rows: x.first_rows,
        passed: x.violations === 0,
      }]),
    ),
  };
}

/**
 * One compared column of a parent, by row: numbers in a growing Float64Array
 * (8 bytes per row, NaN for null), strings in an array.
 */
class ColumnStore {
  #nums = new Float64Array(1024);
  #strs: Array<string | null> | null = null;
  #n = 0;
  push(v: number | string | null): void {
    if (typeof v === "string" || this.#strs !== null) {
      this.#strs ??= Array.from(
        this.#nums.subarray(0, this.#n),
        (x) => (Number.isNaN(x) ? null : x),
      ) as Array<string | null>;
      this.#strs.push(v as string | null);
    } else {
      if (this.#n === this.#nums.length) {
        const grown = new Float64Array(this.#nums.length * 2);
        grown.set(this.#nums);
        this.#nums = grown;
      }
      this.#nums[this.#n] = v ?? NaN;
    }
    this.#n++;
  }
  at(row: number): number | string | null {
    if (this.#strs !== null) return this.#strs[row];
    const x = this.#nums[row];
    return Number.isNaN(x) ? null : x;
  }
}

function orphan(r: ForeignKeyResult, row: number): void {
  r.orphans++;
  if (r.first_orphan_rows.length < FIRST_ROWS) r.first_orphan_rows.push(row);
}

function isNumericKey(t: TableSpec, columns: string[]): boolean {
  if (columns.length !== 1) return false;
  const c = t.spec.columns.find((x) => x.name === columns[0]);
  return c?.type === "integer";
}

function at(c: ColumnValues, i: number): number | string | null {
  if (c.valid !== null && c.valid[i] === 0) return null;
  return c.values[i] as number | string;
}

/** The key of row `i`, or null when any of its columns is null. */
function keyOf(cols: ColumnValues[], i: number, numeric: boolean): Key | null {
  if (numeric) {
    const c = cols[0];
    if (c.valid !== null && c.valid[i] === 0) return null;
    return c.values[i] as number;
  }
  // FNV-1a over the values' text (type-tagged), in two 32-bit lanes.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (const c of cols) {
    if (c.valid !== null && c.valid[i] === 0) return null;
    const s = `${c.type[0]}${String(c.values[i])}\u0000`;
    for (let j = 0; j < s.length; j++) {
      const ch = s.charCodeAt(j);
      h1 = Math.imul(h1 ^ ch, 0x01000193);
      h2 = Math.imul(h2 ^ ch, 0x5bd1e995) ^ (h2 >>> 15);
    }
  }
  return (BigInt(h1 >>> 0) << 32n) | BigInt(h2 >>> 0);
}

function sortKeys(keys: Key[], numeric: boolean): KeyIndex {
  const n = keys.length;
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  let sorted: Float64Array | BigUint64Array;
  if (numeric) {
    const k = Float64Array.from(keys as number[]);
    // Already increasing (sequence keys): no sort needed.
    let inc = true;
    for (let i = 1; i < n && inc; i++) inc = k[i - 1] < k[i];
    if (!inc) rows.sort((x, y) => (k[x] < k[y] ? -1 : k[x] > k[y] ? 1 : x - y));
    sorted = inc ? k : Float64Array.from(rows, (r) => k[r]);
  } else {
    const k = BigUint64Array.from(keys as bigint[]);
    rows.sort((x, y) => (k[x] < k[y] ? -1 : k[x] > k[y] ? 1 : x - y));
    sorted = BigUint64Array.from(rows, (r) => k[r]);
  }
  return { n, keys: sorted, rows, values: new Map() };
}

/** The row of the key at position `pos`. */
function rowAt(idx: KeyIndex, pos: number): number {
  return idx.rows ? idx.rows[pos] : pos;
}

/** Position of `k` among a table's keys (row order for a progression), or -1. */
function find(idx: KeyIndex, k: Key): number {
  if (idx.arith) {
    if (typeof k !== "number") return -1;
    const { start, step } = idx.arith;
    if (step === 0) return k === start && idx.n > 0 ? 0 : -1;
    const d = (k - start) / step;
    return Number.isInteger(d) && d >= 0 && d < idx.n ? d : -1;
  }
  const keys = idx.keys!;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = keys[mid];
    if (v === k) return mid;
    if (v < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function compareNullable(
  a: number | string | null,
  op: CompareOp,
  b: number | string | null,
): boolean {
  // A null on either side is not a violation (as in single-table checks).
  return a === null || b === null || compare(a, op, b);
}

/** Children per parent: bounds, histogram and a chi-square fit to the declared distribution. */
export function perParent(counts: Int32Array, declared: ChildCountSpec): PerParentResult {
  const n = counts.length;
  const cut = 64;
  const hist: number[] = [];
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let out = 0;
  const byValue = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    sum += c;
    if (c < lo) lo = c;
    if (c > hi) hi = c;
    if (c < declared.min || c > declared.max) out++;
    byValue.set(c, (byValue.get(c) ?? 0) + 1);
  }
  const top = Math.min(cut, n > 0 ? hi : 0);
  for (let k = 0; k <= top; k++) hist.push(0);
  for (const [k, m] of byValue) hist[Math.min(k, cut)] += m;
  const pmf = countPmf(declared);
  let expectedMean = 0;
  pmf.forEach((p, i) => (expectedMean += p * (declared.min + i)));
  // Chi-square over [min, max], adjacent bins merged until each expects >= 5.
  let chi2 = 0;
  let bins = 0;
  let e = 0;
  let o = 0;
  for (let i = 0; i < pmf.length; i++) {
    e += pmf[i] * n;
    o += byValue.get(declared.min + i) ?? 0;
    if (e >= 5 || i === pmf.length - 1) {
      if (e > 0) {
        chi2 += (o - e) ** 2 / e;
        bins++;
      }
      e = 0;
      o = 0;
    }
  }
  const df = Math.max(1, bins - 1);
  const p = bins > 1 ? 1 - gammaP(df / 2, chi2 / 2) : 1;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    declared,
    parents: n,
    mean: round(n > 0 ? sum / n : 0),
    expected_mean: round(expectedMean),
    min: n > 0 ? lo : 0,
    max: n > 0 ? hi : 0,
    out_of_bounds: out,
    histogram: hist,
    chi2: round(chi2),
    df,
    p_value: round(Math.max(0, p)),
    matches: p >= COUNT_FIT_P,
  };
}

/** One line per failure, for messages. */
export function describeRelationFailures(r: RelationsReport, limit = 8): string[] {
  const out: string[] = [];
  for (const t of r.tables) {
    if (!t.primary_key.passed) {
      out.push(
        `${t.table}: primary key (${
          t.primary_key.columns.join(", ")
        }) has ${t.primary_key.duplicates} duplicate(s) and ${t.primary_key.nulls} null(s)`,
      );
    }
    for (const f of t.foreign_keys) {
      if (f.orphans > 0) {
        out.push(
          `${t.table}.(${
            f.columns.join(", ")
          }) -> ${f.references.table}: ${f.orphans} orphan row(s), first ${
            f.first_orphan_rows.join(", ")
          }`,
        );
      }
      if (f.per_parent && f.per_parent.out_of_bounds > 0) {
        out.push(
          `${t.table} per ${f.references.table}: ${f.per_parent.out_of_bounds} parent(s) with a child count outside [${f.per_parent.declared.min}, ${f.per_parent.declared.max}]`,
        );
      }
    }
    for (const [name, c] of Object.entries(t.cross_checks)) {
      if (!c.passed) {
        out.push(
          `${t.table}: ${name}: ${c.violations} violation(s), first rows ${
            c.first_rows.join(", ")
          }`,
        );
      }
    }
  }
  return out.slice(0, limit);
}
