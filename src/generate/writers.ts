/**
 * Column writers: evaluate a column's row function (or its branch tables) on
 * every row and store with type conversion, rounding and bounds. One small
 * function per storage type keeps each hot loop simple for the optimizer.
 *
 * @module
 */
import {
  DEFAULT_MAX_STRING_CHARS,
  DIST_KINDS,
  type DistSpec,
  type GeneratorSpec,
  MAX_STRING_CHARS,
  type NumericCommon,
} from "../model/mod.ts";
import { ConfigError } from "../errors.ts";
import type { ColumnValues } from "../model/mod.ts";
import type { Rng } from "../rng/mod.ts";
import { type DistBranch, distBranch, drawBranch } from "./dist_branch.ts";
import { type Affine, type ChunkEnv, type RowFn, typeRange } from "./env.ts";
import { declaredDecimals } from "./kinds/mod.ts";
import { roundHalfUp } from "./math.ts";
import type { PlanColumn } from "./plan.ts";
import { categoricalTable } from "./row_fns.ts";
import { outputF64, outputU8 } from "./pools.ts";
import type { CdfTable } from "./samplers.ts";

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

/**
 * The generators of a conditional's true, false and null cases (the order of
 * {@link booleanCases}), or null for any other generator.
 */
function caseGenerators(g: GeneratorSpec): (GeneratorSpec | null)[] | null {
  if (g.kind !== "conditional") return null;
  const pick = (key: string) => {
    const c = g.cases.find((c) => c.when === key);
    return c ? c.generator : g.otherwise;
  };
  return [pick("true"), pick("false"), pick("null")];
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
export function columnBranches(col: PlanColumn, env: ChunkEnv, t: Affine): Branches | null {
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
export function writeColumn(col: PlanColumn, env: ChunkEnv, fn: RowFn, rng: Rng): ColumnValues {
  switch (col.type) {
    case "string":
      return writeStrings(col, env, fn, rng);
    case "boolean":
      return writeBooleans(col, env, fn, rng);
    case "integer":
    case "float":
    case "datetime":
    case "date":
      return writeNumbers(col, col.type, env, fn, rng);
  }
}

/**
 * A generated value the column cannot hold (non-finite, beyond the type's
 * range, too long): the config asked for it, so it is reported as a config
 * problem at the generator, naming the column, row and value. Kept out of
 * the row loops (they only test).
 */
function valueError(col: PlanColumn, row: number, what: string): ConfigError {
  return new ConfigError([{
    loc: col.gen.loc,
    field: `columns.${col.name}.generator`,
    message: `produced ${what} at row ${row}; ` +
      (col.inferred
        ? "set constraints min/max (or max_length) on the column"
        : "narrow its parameters, or set constraints min/max (or max_length) on the column"),
  }]);
}

function rangeWhat(type: "integer" | "float" | "datetime" | "date", num: number): string {
  if (!Number.isFinite(num)) return `the non-finite value ${num}`;
  const [lo, hi] = typeRange(type);
  const range = type === "datetime" || type === "date"
    ? "years 0000 to 9999"
    : `${lo.toExponential()} to ${hi.toExponential()}`;
  return `${num}, outside what ${type === "integer" ? "an" : "a"} ${type} column holds (${range})`;
}

/**
 * Longest string a column may hold: {@link DEFAULT_MAX_STRING_CHARS}, raised
 * by the generator's or the column's `max_length`, never above
 * {@link MAX_STRING_CHARS}.
 */
export function stringLimit(col: PlanColumn): number {
  const g = col.gen;
  const own = (g.kind === "regex" || g.kind === "template") ? g.maxLength : undefined;
  return Math.min(
    MAX_STRING_CHARS,
    Math.max(own ?? DEFAULT_MAX_STRING_CHARS, col.maxLength ?? 0),
  );
}

/** A validity mask with row `i` null (allocated on the first null). */
function markNull(valid: Uint8Array | null, n: number, i: number): Uint8Array {
  const v = valid ?? outputU8(n, 1);
  v[i] = 0;
  return v;
}

function writeStrings(col: PlanColumn, env: ChunkEnv, fn: RowFn, rng: Rng): ColumnValues {
  const n = env.rows;
  const maxLen = col.maxLength;
  const limit = stringLimit(col);
  let valid: Uint8Array | null = null;
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    if (x === null) {
      values[i] = "";
      valid = markNull(valid, n, i);
      continue;
    }
    if (typeof x === "number" && !Number.isFinite(x)) {
      throw valueError(col, env.start + i, `the non-finite value ${x}`);
    }
    const s = typeof x === "string" ? x : String(x);
    if (s.length > limit) {
      throw valueError(
        col,
        env.start + i,
        `a string of ${s.length} characters, more than the limit of ${limit} ` +
          `(max_length raises it, up to ${MAX_STRING_CHARS})`,
      );
    }
    values[i] = maxLen !== undefined && s.length > maxLen ? s.slice(0, maxLen) : s;
  }
  return { type: "string", values, valid };
}

function writeBooleans(col: PlanColumn, env: ChunkEnv, fn: RowFn, rng: Rng): ColumnValues {
  const n = env.rows;
  let valid: Uint8Array | null = null;
  const values = outputU8(n);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    if (x === null) valid = markNull(valid, n, i);
    else if (typeof x === "number" && !Number.isFinite(x)) {
      throw valueError(col, env.start + i, `the non-finite value ${x}`);
    } else values[i] = x !== 0 && x !== "" && x !== "false" ? 1 : 0;
  }
  return { type: "boolean", values, valid };
}

/** Rounding factor (0 = none, 1 = whole numbers) and bounds on the rounding grid. */
interface Rounding {
  p: number;
  lo: number;
  hi: number;
}

function roundingOf(
  col: PlanColumn,
  type: "integer" | "float" | "datetime" | "date",
  gen: GeneratorSpec | null = col.gen,
): Rounding {
  const decimals = type === "float" ? declaredDecimals(gen) : undefined;
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
  type: "integer" | "float" | "datetime" | "date",
  env: ChunkEnv,
  fn: RowFn,
  rng: Rng,
): ColumnValues {
  const n = env.rows;
  let valid: Uint8Array | null = null;
  const values = outputF64(n);
  const { p, lo, hi } = roundingOf(col, type);
  const [least, most] = typeRange(type);
  for (let i = 0; i < n; i++) {
    const x = fn(i, rng);
    const num = typeof x === "number" ? x : x === null ? NaN : Number(x);
    if (!Number.isFinite(num)) {
      // A null (or a text that is no number) is a null; a computed Infinity or NaN is an error.
      if (typeof x === "number") throw valueError(col, env.start + i, rangeWhat(type, num));
      valid = markNull(valid, n, i);
      continue;
    }
    const y = rounded(num, p, lo, hi);
    if (!(y >= least && y <= most)) throw valueError(col, env.start + i, rangeWhat(type, y));
    values[i] = y;
  }
  return { type, values, valid };
}

/**
 * {@link writeNumbers} for a column of branches: the same case choice, draws,
 * rounding and bounds per row, as one loop without closure calls.
 */
export function writeBranches(
  col: PlanColumn,
  env: Pick<ChunkEnv, "rows" | "start">,
  br: Branches,
  rng: Rng,
): ColumnValues {
  const n = env.rows;
  const type = col.type as "integer" | "float" | "datetime" | "date";
  let valid: Uint8Array | null = null;
  const values = outputF64(n);
  const [least, most] = typeRange(type);
  // Each case rounds to its own decimals (a conditional's cases may differ).
  const gens = caseGenerators(col.gen);
  const pk = casePicker({
    on: br.on,
    cases: br.cases.map((b, k) =>
      b === null ? null : { b, ...roundingOf(col, type, gens === null ? col.gen : gens[k]) }
    ),
  });
  for (let i = 0; i < n; i++) {
    const c = caseFor(pk, i);
    if (c === null) {
      valid = markNull(valid, n, i);
      continue;
    }
    const num = drawBranch(c.b, rng);
    // A draw that overflowed is an error, never a silent null (nor clamped to a bound).
    if (!Number.isFinite(num)) throw valueError(col, env.start + i, rangeWhat(type, num));
    const y = rounded(num, c.p, c.lo, c.hi);
    if (!(y >= least && y <= most)) throw valueError(col, env.start + i, rangeWhat(type, y));
    values[i] = y;
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
export function codeBranches(col: PlanColumn, env: ChunkEnv): CodeBranches | null {
  // Copula columns read their uniforms through the categorical row function.
  if (col.type !== "string" || env.copula.has(col.name)) return null;
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
export function writeCodes(n: number, br: CodeBranches, rng: Rng): ColumnValues {
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
