/**
 * The small expression language of `derived` generators (and nothing else).
 *
 * Grammar (lowest precedence first):
 *
 *     expr  := and ("or" and)*
 *     and   := not ("and" not)*
 *     not   := "not" not | cmp
 *     cmp   := add (("==" | "!=" | "<" | "<=" | ">" | ">=") add)?
 *     add   := mul (("+" | "-") mul)*
 *     mul   := unary (("*" | "/" | "%") unary)*
 *     unary := "-" unary | primary
 *     primary := number | 'string' | "string" | true | false | column
 *              | function "(" expr ("," expr)* ")" | "(" expr ")"
 *
 * Values are numbers or strings; booleans are 1/0, datetimes epoch ms, dates
 * days since 1970-01-01. A null operand makes the result null (SQL-like), except that `if` treats a null
 * condition as false. The AST is plain data so plans can be posted to Workers.
 *
 * @module
 */

import type { BinOp, Expr, FnName } from "../model/mod.ts";

export type { BinOp, Expr, FnName };

/** Functions with their arity [min, max]. Random ones draw from the column's own stream. */
export const FUNCTIONS = {
  min: [1, 16],
  max: [1, 16],
  abs: [1, 1],
  log: [1, 1],
  exp: [1, 1],
  sqrt: [1, 1],
  pow: [2, 2],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 2],
  clamp: [3, 3],
  if: [3, 3],
  normal: [2, 2],
  uniform: [2, 2],
  hour: [1, 1],
  weekday: [1, 1],
  concat: [1, 16],
} as const satisfies Record<FnName, readonly [number, number]>;

/** Result of parsing: the AST or an error message with its character offset. */
export type ParseResult = { ok: true; expr: Expr } | { ok: false; message: string; offset: number };

interface Tok {
  k: "num" | "str" | "id" | "op" | "end";
  v: string;
  at: number;
}

/** Longest expression accepted (characters). */
export const MAX_EXPR_CHARS = 10_000;
/** Deepest expression tree accepted: parsing, compiling and evaluating recurse per level. */
export const MAX_EXPR_DEPTH = 256;

// Sticky: matched at `lastIndex` without copying the rest of the source per token.
const NUM_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
// `table.column` reads a parent column (multi-table datasets).
const ID_RE = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?/y;

function tokenize(src: string): Tok[] | { message: string; offset: number } {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    NUM_RE.lastIndex = i;
    const num = NUM_RE.exec(src);
    if (num) {
      out.push({ k: "num", v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    ID_RE.lastIndex = i;
    const id = ID_RE.exec(src);
    if (id) {
      out.push({ k: "id", v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) return { message: "unterminated string literal", offset: i };
      out.push({ k: "str", v: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "<=", ">="].includes(two)) {
      out.push({ k: "op", v: two, at: i });
      i += 2;
      continue;
    }
    if ("+-*/%<>(),".includes(c)) {
      out.push({ k: "op", v: c, at: i });
      i++;
      continue;
    }
    return { message: `unexpected character "${c}"`, offset: i };
  }
  out.push({ k: "end", v: "", at: src.length });
  return out;
}

class Fail {
  constructor(readonly message: string, readonly offset: number) {}
}

/** Parse an expression; never throws. */
export function parseExpr(src: string): ParseResult {
  if (src.length > MAX_EXPR_CHARS) {
    return {
      ok: false,
      message: `expression is ${src.length} characters long; at most ${MAX_EXPR_CHARS} are allowed`,
      offset: MAX_EXPR_CHARS,
    };
  }
  const toks = tokenize(src);
  if (!Array.isArray(toks)) return { ok: false, ...toks };
  let p = 0;
  // Nesting of the recursive descent (parentheses, calls, prefix operators).
  let nest = 0;
  const enter = () => {
    if (++nest > MAX_EXPR_DEPTH) {
      throw new Fail(`expression is nested more than ${MAX_EXPR_DEPTH} levels deep`, peek().at);
    }
  };
  const peek = () => toks[p];
  const isOp = (v: string) => peek().k === "op" && peek().v === v;
  const isKw = (v: string) => peek().k === "id" && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Fail(`expected "${v}"`, peek().at);
    p++;
  };
  function orExpr(): Expr {
    let a = andExpr();
    while (isKw("or")) {
      p++;
      a = { t: "bin", op: "or", a, b: andExpr() };
    }
    return a;
  }
  function andExpr(): Expr {
    let a = notExpr();
    while (isKw("and")) {
      p++;
      a = { t: "bin", op: "and", a, b: notExpr() };
    }
    return a;
  }
  function notExpr(): Expr {
    if (isKw("not")) {
      p++;
      enter();
      const a = notExpr();
      nest--;
      return { t: "not", a };
    }
    return cmp();
  }
  function cmp(): Expr {
    const a = add();
    const t = peek();
    if (t.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v)) {
      p++;
      return { t: "bin", op: t.v as BinOp, a, b: add() };
    }
    return a;
  }
  function add(): Expr {
    let a = mul();
    while (isOp("+") || isOp("-")) {
      const op = peek().v as BinOp;
      p++;
      a = { t: "bin", op, a, b: mul() };
    }
    return a;
  }
  function mul(): Expr {
    let a = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const op = peek().v as BinOp;
      p++;
      a = { t: "bin", op, a, b: unary() };
    }
    return a;
  }
  function unary(): Expr {
    if (isOp("-")) {
      p++;
      enter();
      const a = unary();
      nest--;
      return { t: "neg", a };
    }
    return primary();
  }
  function primary(): Expr {
    const t = peek();
    if (t.k === "num") {
      p++;
      return { t: "num", v: Number(t.v) };
    }
    if (t.k === "str") {
      p++;
      return { t: "str", v: t.v };
    }
    if (t.k === "op" && t.v === "(") {
      p++;
      enter();
      const e = orExpr();
      expect(")");
      nest--;
      return e;
    }
    if (t.k === "id") {
      p++;
      if (t.v === "true") return { t: "num", v: 1 };
      if (t.v === "false") return { t: "num", v: 0 };
      if (isOp("(")) {
        if (!Object.hasOwn(FUNCTIONS, t.v)) {
          throw new Fail(
            `unknown function "${t.v}"; known: ${Object.keys(FUNCTIONS).join(", ")}`,
            t.at,
          );
        }
        const fn = t.v as FnName;
        p++;
        enter();
        const args: Expr[] = [];
        if (!isOp(")")) {
          args.push(orExpr());
          while (isOp(",")) {
            p++;
            args.push(orExpr());
          }
        }
        expect(")");
        nest--;
        const [lo, hi] = FUNCTIONS[fn];
        if (args.length < lo || args.length > hi) {
          throw new Fail(
            `${fn}() takes ${lo === hi ? lo : `${lo} to ${hi}`} arguments, got ${args.length}`,
            t.at,
          );
        }
        return { t: "call", fn, args };
      }
      return { t: "col", name: t.v };
    }
    throw new Fail(t.k === "end" ? "unexpected end of expression" : `unexpected "${t.v}"`, t.at);
  }
  try {
    const e = orExpr();
    if (peek().k !== "end") throw new Fail(`unexpected "${peek().v}"`, peek().at);
    // Long operator chains (a + a + ... + a) build deep trees without nesting.
    if (exprDepth(e) > MAX_EXPR_DEPTH) {
      throw new Fail(
        `expression is more than ${MAX_EXPR_DEPTH} operations deep; split it over derived columns`,
        0,
      );
    }
    return { ok: true, expr: e };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

/** Depth of an expression tree, without recursion (the tree may be arbitrarily deep). */
function exprDepth(root: Expr): number {
  let max = 0;
  const stack: Array<[Expr, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    switch (x.t) {
      case "num":
      case "str":
      case "col":
        break;
      case "neg":
      case "not":
        stack.push([x.a, d + 1]);
        break;
      case "bin":
        stack.push([x.a, d + 1], [x.b, d + 1]);
        break;
      case "call":
        for (const a of x.args) stack.push([a, d + 1]);
        break;
    }
  }
  return max;
}

/** Column names an expression reads, sorted and distinct. */
export function exprColumns(e: Expr): string[] {
  const out = new Set<string>();
  const walk = (x: Expr): void => {
    switch (x.t) {
      case "num":
      case "str":
        return;
      case "col":
        out.add(x.name);
        return;
      case "neg":
      case "not":
        return walk(x.a);
      case "bin":
        walk(x.a);
        walk(x.b);
        return;
      case "call":
        x.args.forEach(walk);
        return;
    }
  };
  walk(e);
  return [...out].sort();
}

/** A value during evaluation. */
export type Val = number | string | null;

/** How an evaluator reads columns and randomness. */
export interface EvalEnv {
  /** Value of column `name` at chunk row `row` (booleans 1/0, null when missing). */
  column(name: string, row: number): Val;
  /**
   * Optional: a reader of column `name`, equal to `row => column(name, row)`,
   * resolved once at compile time (saves a lookup by name per row).
   */
  reader?(name: string): (row: number) => Val;
  /** Uniform in (0, 1) from the derived column's own stream. */
  uniform(): number;
  /** Standard normal from the derived column's own stream. */
  normal(): number;
}

/** Compile an AST to a closure `(row) => value`. */
export function compileExpr(e: Expr, env: EvalEnv): (row: number) => Val {
  switch (e.t) {
    case "num": {
      const v = e.v;
      return () => v;
    }
    case "str": {
      const v = e.v;
      return () => v;
    }
    case "col": {
      const name = e.name;
      return env.reader ? env.reader(name) : (r) => env.column(name, r);
    }
    case "neg": {
      const a = compileExpr(e.a, env);
      return (r) => {
        const x = a(r);
        return x === null ? null : -Number(x);
      };
    }
    case "not": {
      const a = compileExpr(e.a, env);
      return (r) => {
        const x = a(r);
        return x === null ? null : truthy(x) ? 0 : 1;
      };
    }
    case "bin":
      return compileBin(e.op, compileExpr(e.a, env), compileExpr(e.b, env));
    case "call":
      return compileCall(e.fn, e.args.map((a) => compileExpr(a, env)), env);
  }
}

function truthy(v: Val): boolean {
  return v !== null && v !== 0 && v !== "";
}

function compileBin(
  op: BinOp,
  a: (r: number) => Val,
  b: (r: number) => Val,
): (r: number) => Val {
  switch (op) {
    case "and":
      return (r) => {
        const x = a(r);
        if (x === null) return null;
        if (!truthy(x)) return 0;
        const y = b(r);
        return y === null ? null : truthy(y) ? 1 : 0;
      };
    case "or":
      return (r) => {
        const x = a(r);
        if (x !== null && truthy(x)) return 1;
        const y = b(r);
        if (y === null || x === null) return y !== null && truthy(y) ? 1 : null;
        return truthy(y) ? 1 : 0;
      };
    // The arithmetic operators get a closure each: no dispatch on op per row.
    case "-":
      return (r) => {
        const x = a(r);
        const y = b(r);
        return x === null || y === null ? null : Number(x) - Number(y);
      };
    case "*":
      return (r) => {
        const x = a(r);
        const y = b(r);
        return x === null || y === null ? null : Number(x) * Number(y);
      };
    default:
      break;
  }
  return (r) => {
    const x = a(r);
    const y = b(r);
    if (x === null || y === null) return null;
    switch (op) {
      case "+":
        return typeof x === "string" || typeof y === "string" ? `${x}${y}` : x + y;
      case "/":
        return Number(y) === 0 ? null : Number(x) / Number(y);
      case "%":
        return Number(y) === 0 ? null : Number(x) % Number(y);
      case "==":
        return x === y ? 1 : 0;
      case "!=":
        return x !== y ? 1 : 0;
      case "<":
        return x < y ? 1 : 0;
      case "<=":
        return x <= y ? 1 : 0;
      case ">":
        return x > y ? 1 : 0;
      case ">=":
        return x >= y ? 1 : 0;
      default:
        return null;
    }
  };
}

function num(v: Val): number | null {
  return v === null ? null : Number(v);
}

function compileCall(
  fn: FnName,
  args: Array<(r: number) => Val>,
  env: EvalEnv,
): (r: number) => Val {
  // A non-finite result (log(-1), exp(1000)) is kept: the column writer reports it
  // with the column and row instead of writing a silent null.
  const unaryMath = (f: (x: number) => number) => (r: number): Val => {
    const x = num(args[0](r));
    if (x === null) return null;
    return f(x);
  };
  switch (fn) {
    case "min":
    case "max": {
      const pick = fn === "min" ? Math.min : Math.max;
      if (args.length === 2) {
        const [a, b] = args;
        return (r) => {
          const x = num(a(r));
          if (x === null) return null;
          const y = num(b(r));
          return y === null ? null : pick(x, y);
        };
      }
      return (r) => {
        let acc: number | null = null;
        for (const a of args) {
          const x = num(a(r));
          if (x === null) return null;
          acc = acc === null ? x : pick(acc, x);
        }
        return acc;
      };
    }
    case "abs":
      return unaryMath(Math.abs);
    case "log":
      return unaryMath(Math.log);
    case "exp":
      return unaryMath(Math.exp);
    case "sqrt":
      return unaryMath(Math.sqrt);
    case "floor":
      return unaryMath(Math.floor);
    case "ceil":
      return unaryMath(Math.ceil);
    case "pow":
      return (r) => {
        const x = num(args[0](r));
        const y = num(args[1](r));
        if (x === null || y === null) return null;
        return Math.pow(x, y);
      };
    case "round":
      return (r) => {
        const x = num(args[0](r));
        const d = args.length > 1 ? num(args[1](r)) : 0;
        if (x === null || d === null) return null;
        return roundTo(x, d);
      };
    case "clamp":
      return (r) => {
        const x = num(args[0](r));
        const lo = num(args[1](r));
        const hi = num(args[2](r));
        if (x === null || lo === null || hi === null) return null;
        return Math.min(hi, Math.max(lo, x));
      };
    case "if":
      return (r) => (truthy(args[0](r)) ? args[1](r) : args[2](r));
    case "normal":
      return (r) => {
        const m = num(args[0](r));
        const s = num(args[1](r));
        // Draw even when a parameter is null so the stream position never depends on nulls.
        const z = env.normal();
        return m === null || s === null ? null : m + s * z;
      };
    case "uniform":
      return (r) => {
        const lo = num(args[0](r));
        const hi = num(args[1](r));
        const u = env.uniform();
        return lo === null || hi === null ? null : lo + (hi - lo) * u;
      };
    case "hour":
      return unaryMath((t) => new Date(t).getUTCHours());
    case "weekday":
      // 0 = Monday ... 6 = Sunday (ISO order).
      return unaryMath((t) => (new Date(t).getUTCDay() + 6) % 7);
    case "concat":
      return (r) => {
        let s = "";
        for (const a of args) {
          const x = a(r);
          if (x === null) return null;
          s += String(x);
        }
        return s;
      };
  }
}

/** `Math.round(x * 10^d) / 10^d`: halves round toward +infinity; deterministic in every engine. */
export function roundTo(x: number, d: number): number {
  if (d <= 0) return Math.round(x);
  const f = Math.pow(10, d);
  return Math.round(x * f) / f;
}
