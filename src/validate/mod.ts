/**
 * Validation stage: checks data against every declared constraint and
 * table-level check, collecting every violation. Pure: a {@link ChunkChecker}
 * checks one chunk wherever it is (an encoder worker, or a read-back of the
 * file), and the {@link Validator} merges the parts in row order and decides
 * uniqueness, which spans chunks. The caller reads the report.
 *
 * Unique checks keep exact sets of values up to {@link UNIQUE_MEMORY_LIMIT}
 * distinct values per column; a column whose values arrive strictly
 * increasing (sequences) needs no set at all. Above the limit, or when a
 * column stops increasing after its first 4,096 values, the validator asks
 * the caller for extra passes, each tracking one hash partition of the
 * values, so memory stays bounded and the answer stays exact.
 *
 * @module
 */
import { patternMatcher } from "../config/pattern.ts";
import type { CheckSpec, ColumnSpec } from "../model/mod.ts";
import { type Chunk, type ColumnValues, formatDate } from "../data/mod.ts";

/** How many offending row indices a report keeps per check. */
export const FIRST_ROWS = 5;
/** Distinct values per column tracked in memory before partitioned passes. */
export const UNIQUE_MEMORY_LIMIT = 2_000_000;

/** Violations of one check. */
export interface CheckResult {
  violations: number;
  /** First offending absolute row indices (0-based), at most {@link FIRST_ROWS}. */
  first_rows: number[];
}

/** The content of validation_report.json. */
export interface ValidationReport {
  passed: boolean;
  /** Total violations over all checks. */
  violations: number;
  rows: { expected: number; actual: number; passed: boolean };
  /** File-level schema problems (missing/extra columns, wrong types). */
  schema: { passed: boolean; problems: string[] };
  /** Per column: per constraint name. */
  columns: Record<string, { violations: number; checks: Record<string, CheckResult> }>;
  /** Table-level checks by name. */
  checks: Record<string, CheckResult>;
}

function result(): CheckResult {
  return { violations: 0, first_rows: [] };
}

function hit(r: CheckResult, row: number): void {
  r.violations++;
  if (r.first_rows.length < FIRST_ROWS) r.first_rows.push(row);
}

/** Values kept while a unique column is still strictly increasing. */
const MONOTONIC_BUFFER = 4096;

class UniqueTracker {
  lastNumber = -Infinity;
  monotonic = true;
  increasing: number[] | null = [];
  seen: Set<number | string | bigint> | null = new Set();
  overflow = false;
  result = result();
  /** Partition (of `parts`) tracked in a partitioned pass, or -1 in the main pass. */
  constructor(readonly partition = -1, readonly parts = 1) {}
  add(v: number | string | bigint, row: number): void {
    if (this.partition >= 0) {
      if (partitionOf(v, this.parts) !== this.partition) return;
      if (this.seen!.has(v)) hit(this.result, row);
      else this.seen!.add(v);
      return;
    }
    if (this.monotonic) {
      // Strictly increasing numbers (sequences) are unique without any set:
      // only the first few are kept, in case the order breaks early.
      if (typeof v === "number" && v > this.lastNumber) {
        this.lastNumber = v;
        if (this.increasing !== null) {
          this.increasing.push(v);
          if (this.increasing.length > MONOTONIC_BUFFER) this.increasing = null;
        }
        return;
      }
      this.monotonic = false;
      if (this.increasing === null) {
        // The values before this one are gone: partitioned re-reads decide.
        this.overflow = true;
        this.seen = null;
        return;
      }
      for (const x of this.increasing) this.seen!.add(x);
      this.increasing = null;
    }
    if (this.seen === null) return;
    if (this.seen.has(v)) hit(this.result, row);
    else this.seen.add(v);
    if (this.seen.size > UNIQUE_MEMORY_LIMIT) {
      this.overflow = true;
      this.seen = null;
    }
  }
}

/** FNV-1a based partition of a value (stable across platforms). */
function partitionOf(v: number | string | bigint, parts: number): number {
  const s = typeof v === "string" ? v : String(v);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % parts;
}

/**
 * The validation part of one chunk: every check's violations with absolute
 * row indices, plus the values of unique columns (uniqueness spans chunks, so
 * it is decided where the parts are merged, in row order). Structured-cloneable.
 */
export interface ChunkValidation {
  start: number;
  rows: number;
  /** Per column: per constraint name (unique excluded). */
  columns: Record<string, Record<string, CheckResult>>;
  checks: Record<string, CheckResult>;
  unique: Record<string, ColumnValues>;
}

/**
 * Checks single chunks: every per-row constraint and table-level check. Pure
 * and independent of other chunks, so it runs wherever the chunk is (an
 * encoder worker or a read-back); {@link Validator.merge} combines the parts.
 */
export class ChunkChecker {
  #columns: ColumnSpec[];
  #checks: CheckSpec[];
  #patterns = new Map<string, (value: string) => boolean>();
  #allowed = new Map<string, Set<string>>();

  /** Check data declared by `columns` and `checks`. */
  constructor(columns: ColumnSpec[], checks: CheckSpec[]) {
    this.#columns = columns;
    this.#checks = checks;
    for (const c of columns) {
      if (c.pattern !== undefined) {
        this.#patterns.set(c.name, patternMatcher(c.pattern));
      }
      if (c.allowed) this.#allowed.set(c.name, new Set(c.allowed));
    }
  }

  /** The part of one chunk. */
  check(chunk: Chunk): ChunkValidation {
    const part: ChunkValidation = {
      start: chunk.start,
      rows: chunk.rows,
      // Null prototypes: user column names (`constructor`, `__proto__`) are plain keys.
      columns: Object.create(null),
      checks: Object.create(null),
      unique: Object.create(null),
    };
    for (const c of this.#columns) {
      const col = chunk.columns.get(c.name);
      if (!col) continue;
      part.columns[c.name] = this.#checkColumn(c, col, chunk);
      if (c.unique) {
        part.unique[c.name] = {
          type: col.type,
          values: col.values.slice(),
          valid: col.valid === null ? null : col.valid.slice(),
          ...("exact" in col && col.exact !== undefined ? { exact: col.exact.slice() } : {}),
        } as ColumnValues;
      }
    }
    for (const k of this.#checks) part.checks[k.name] = this.#checkTable(k, chunk);
    return part;
  }

  #checkColumn(c: ColumnSpec, col: ColumnValues, chunk: Chunk): Record<string, CheckResult> {
    const r = columnChecks(c);
    const valid = col.valid;
    const start = chunk.start;
    if (r.not_null && valid !== null) {
      for (let i = 0; i < chunk.rows; i++) if (valid[i] === 0) hit(r.not_null, start + i);
    }
    switch (col.type) {
      case "integer":
      case "float":
      case "datetime":
      case "date": {
        // One tight loop per column; the rare violations take the slow path.
        const values = col.values;
        const lo = c.min ?? -Infinity, hi = c.max ?? Infinity;
        const whole = r.whole_number !== undefined;
        for (let i = 0; i < chunk.rows; i++) {
          const v = values[i];
          // v - v === 0 is false exactly for NaN and infinities.
          if (v - v === 0 && v >= lo && v <= hi && (!whole || Number.isInteger(v))) continue;
          if (valid !== null && valid[i] === 0) continue;
          const row = start + i;
          if (r.finite && !Number.isFinite(v)) hit(r.finite, row);
          if (r.whole_number && !Number.isInteger(v)) hit(r.whole_number, row);
          if (r.min && v < c.min!) hit(r.min, row);
          if (r.max && v > c.max!) hit(r.max, row);
        }
        return r;
      }
      case "string": {
        const pattern = this.#patterns.get(c.name);
        const allowed = this.#allowed.get(c.name);
        if (!pattern && !allowed && !r.max_length) return r;
        const values = col.values;
        if (col.codes !== undefined) {
          // Each distinct value is checked once; rows only look up their code's result.
          const { dict, codes } = col.codes;
          const bad = dict.map((v) =>
            (allowed && !allowed.has(v) ? 1 : 0) | (pattern && !pattern(v) ? 2 : 0) |
            (r.max_length && v.length > c.maxLength! ? 4 : 0)
          );
          if (bad.every((b) => b === 0)) return r;
          for (let i = 0; i < chunk.rows; i++) {
            if (valid !== null && valid[i] === 0) continue;
            const b = bad[codes[i]];
            if (b === 0) continue;
            const row = start + i;
            if (b & 1) hit(r.allowed_values, row);
            if (b & 2) hit(r.pattern, row);
            if (b & 4) hit(r.max_length, row);
          }
          return r;
        }
        for (let i = 0; i < chunk.rows; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const v = values[i];
          const row = start + i;
          if (allowed && !allowed.has(v)) hit(r.allowed_values, row);
          if (pattern && !pattern(v)) hit(r.pattern, row);
          if (r.max_length && v.length > c.maxLength!) hit(r.max_length, row);
        }
        return r;
      }
      case "boolean":
        return r;
    }
  }

  #checkTable(k: CheckSpec, chunk: Chunk): CheckResult {
    const r = result();
    switch (k.kind) {
      case "compare": {
        const left = chunk.columns.get(k.left);
        const right = "column" in k.right ? chunk.columns.get(k.right.column) : undefined;
        if (!left || ("column" in k.right && !right)) return r;
        for (let i = 0; i < chunk.rows; i++) {
          const a = valueAt(left, i);
          const b = right ? valueAt(right, i) : (k.right as { value: number }).value;
          // Comparisons with a null side are not violations (nullability is checked per column).
          if (a === null || b === null) continue;
          if (!compare(a, k.op, b)) hit(r, chunk.start + i);
        }
        return r;
      }
      case "null_unless":
      case "not_null_when": {
        const col = chunk.columns.get(k.column);
        const when = chunk.columns.get(k.whenColumn);
        if (!col || !when) return r;
        const values = new Set(k.whenValues);
        for (let i = 0; i < chunk.rows; i++) {
          const w = valueAt(when, i);
          // `when` values are written as text: a date column's as YYYY-MM-DD.
          const holds = w !== null &&
            values.has(when.type === "date" ? formatDate(w as number) : String(w));
          const isNull = col.valid !== null && col.valid[i] === 0;
          if (k.kind === "null_unless" ? !holds && !isNull : holds && isNull) {
            hit(r, chunk.start + i);
          }
        }
        return r;
      }
    }
  }
}

/** The per-row constraint results a column declares (unique excluded). */
function columnChecks(c: ColumnSpec): Record<string, CheckResult> {
  const checks: Record<string, CheckResult> = Object.create(null);
  if (!c.nullable) checks.not_null = result();
  if (c.min !== undefined) checks.min = result();
  if (c.max !== undefined) checks.max = result();
  if (c.allowed) checks.allowed_values = result();
  if (c.pattern !== undefined) checks.pattern = result();
  if (c.maxLength !== undefined) checks.max_length = result();
  if (c.type === "float") checks.finite = result();
  if (c.type === "integer" || c.type === "datetime" || c.type === "date") {
    checks.whole_number = result();
  }
  return checks;
}

/** Add `part`'s violations to `into`, keeping the first row indices in row order. */
function mergeResult(into: CheckResult, part: CheckResult): void {
  into.violations += part.violations;
  for (const row of part.first_rows) {
    if (into.first_rows.length >= FIRST_ROWS) break;
    into.first_rows.push(row);
  }
}

/** Streaming validator for one dataset: merges chunk parts in row order. */
export class Validator {
  #checker: ChunkChecker;
  #report: ValidationReport;
  #unique = new Map<string, UniqueTracker>();
  #rows = 0;

  /** Validate data declared by `columns` and `checks`, expecting `expectedRows` rows. */
  constructor(columns: ColumnSpec[], checks: CheckSpec[], expectedRows: number) {
    this.#checker = new ChunkChecker(columns, checks);
    this.#report = {
      passed: true,
      violations: 0,
      rows: { expected: expectedRows, actual: 0, passed: true },
      schema: { passed: true, problems: [] },
      columns: Object.create(null),
      checks: Object.create(null),
    };
    for (const c of columns) {
      const checks = columnChecks(c);
      if (c.unique) {
        const t = new UniqueTracker();
        this.#unique.set(c.name, t);
        checks.unique = t.result;
      }
      this.#report.columns[c.name] = { violations: 0, checks };
    }
    for (const k of checks) this.#report.checks[k.name] = result();
  }

  /** Record file-level schema problems (found by the caller from the file's schema). */
  schemaProblems(problems: string[]): void {
    this.#report.schema.problems.push(...problems);
  }

  /** Check one chunk (chunks must arrive in row order). */
  add(chunk: Chunk): void {
    this.merge(this.#checker.check(chunk));
  }

  /** Merge the part of the next chunk (parts must arrive in row order). */
  merge(part: ChunkValidation): void {
    for (const [name, checks] of Object.entries(part.columns)) {
      const into = this.#report.columns[name].checks;
      for (const [check, r] of Object.entries(checks)) mergeResult(into[check], r);
    }
    for (const [name, r] of Object.entries(part.checks)) mergeResult(this.#report.checks[name], r);
    for (const [name, col] of Object.entries(part.unique)) {
      const t = this.#unique.get(name)!;
      for (let i = 0; i < part.rows; i++) {
        if (col.valid !== null && col.valid[i] === 0) continue;
        t.add(uniqueKey(col, i), part.start + i);
      }
    }
    this.#rows += part.rows;
  }

  /**
   * Columns whose unique check overflowed memory: the caller must re-read the
   * data and feed it to {@link uniquePass} once per partition.
   */
  pendingUnique(): { column: string; partitions: number }[] {
    const out: { column: string; partitions: number }[] = [];
    for (const [name, t] of this.#unique) {
      if (t.overflow && !t.monotonic) {
        out.push({
          column: name,
          partitions: Math.max(2, Math.ceil(this.#rows / UNIQUE_MEMORY_LIMIT)),
        });
      }
    }
    return out;
  }

  /** Run one partition of an overflowed unique check over re-read chunks. */
  async uniquePass(
    column: string,
    partition: { index: number; of: number },
    chunks: AsyncIterable<Chunk>,
  ): Promise<void> {
    const t = new UniqueTracker(partition.index, partition.of);
    for await (const chunk of chunks) {
      const col = chunk.columns.get(column);
      if (!col) continue;
      for (let i = 0; i < chunk.rows; i++) {
        if (col.valid !== null && col.valid[i] === 0) continue;
        t.add(uniqueKey(col, i), chunk.start + i);
      }
    }
    const r = this.#report.columns[column].checks.unique;
    // Partitioned passes replace the partial count of the main pass.
    if (partition.index === 0) {
      r.violations = 0;
      r.first_rows = [];
    }
    r.violations += t.result.violations;
    r.first_rows = [...r.first_rows, ...t.result.first_rows].sort((a, b) => a - b).slice(
      0,
      FIRST_ROWS,
    );
  }

  /** Finish and return the report (after all chunks and unique passes). */
  finish(): ValidationReport {
    const rep = this.#report;
    rep.rows.actual = this.#rows;
    rep.rows.passed = rep.rows.actual === rep.rows.expected;
    rep.schema.passed = rep.schema.problems.length === 0;
    let total = 0;
    for (const col of Object.values(rep.columns)) {
      col.violations = Object.values(col.checks).reduce((n, r) => n + r.violations, 0);
      total += col.violations;
    }
    for (const r of Object.values(rep.checks)) total += r.violations;
    rep.violations = total;
    rep.passed = total === 0 && rep.rows.passed && rep.schema.passed;
    return rep;
  }
}

/**
 * The value of row `i` as a uniqueness key: the exact int64 where the float64
 * is not exact (beyond ±2^53, where distinct ids share a float), else the value.
 */
function uniqueKey(col: ColumnValues, i: number): number | string | bigint {
  if (col.type === "string" || col.type === "boolean") return col.values[i];
  const v = col.values[i];
  if (col.exact !== undefined && !Number.isSafeInteger(v)) return col.exact[i];
  return v;
}

function valueAt(col: ColumnValues, i: number): number | string | boolean | null {
  if (col.valid !== null && col.valid[i] === 0) return null;
  return col.type === "boolean" ? col.values[i] === 1 : col.values[i];
}

/** `a op b` for a `compare` check's operator (table checks and cross-table checks). */
export function compare(
  a: number | string | boolean,
  op: string,
  b: number | string | boolean,
): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
  return false;
}

/** One-line human summary of the failures in a report (for the CLI). */
export function describeFailures(rep: ValidationReport, limit = 8): string[] {
  const lines: string[] = [];
  if (!rep.rows.passed) lines.push(`row count ${rep.rows.actual}, expected ${rep.rows.expected}`);
  for (const p of rep.schema.problems) lines.push(p);
  for (const [name, col] of Object.entries(rep.columns)) {
    for (const [check, r] of Object.entries(col.checks)) {
      if (r.violations > 0) {
        lines.push(
          `column ${name}: ${check}: ${r.violations} violation(s), first rows ${
            r.first_rows.join(", ")
          }`,
        );
      }
    }
  }
  for (const [name, r] of Object.entries(rep.checks)) {
    if (r.violations > 0) {
      lines.push(
        `check "${name}": ${r.violations} violation(s), first rows ${r.first_rows.join(", ")}`,
      );
    }
  }
  return lines.length > limit
    ? [...lines.slice(0, limit), `... and ${lines.length - limit} more`]
    : lines;
}
