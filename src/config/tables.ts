/**
 * Multi-table datasets in the same three files: schema.yaml `tables:` maps
 * each table to its columns (as for one table), `primary_key`,
 * `foreign_keys` and `cross_checks`; dataset.yaml `tables:` gives the row
 * counts of the root tables (children follow from `per_parent`);
 * evolution.yaml `tables:` holds each table's labels, missingness and drift
 * (`thresholds:` stays shared). Every problem names file:line:column.
 *
 * @module
 */
import { compareNames } from "../data/mod.ts";
import { ConfigError, type ConfigProblem } from "../errors.ts";
import { checkGeneration, inferGenerator } from "../generate/mod.ts";
import {
  excerpt,
  join,
  type ParseContext,
  type ParsedYaml,
  type YNode,
} from "../strict_yaml/mod.ts";
import {
  type CheckSpec,
  type ChildCountSpec,
  type ColumnSpec,
  type CompareOp,
  type ConfigSources,
  type CorrelationSpec,
  type CrossCheckSpec,
  type DatasetSpec,
  type EvolutionSpec,
  type ForeignKeyMode,
  type ForeignKeySpec,
  MAX_ROW_COUNT,
  type ParentPick,
  type TableSpec,
} from "../model/mod.ts";
import type { ParseOptions } from "./parse.ts";

/** Most children one parent row may have (`per_parent.max`). */
export const MAX_PER_PARENT = 10_000;
/** Name of the pseudo-column with a child's 1-based position among its siblings. */
const CHILD_NUMBER = "_child_number";
/** Name of the pseudo-column with a parent row's number of children in a table. */
const CHILD_COUNT = "_count";
const TABLE_KEYS = ["primary_key", "foreign_keys", "cross_checks"] as const;
const FK_KEYS = ["columns", "references", "per_parent", "pick", "null_rate"];
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
const CROSS_RE =
  /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Whether schema.yaml declares `tables:` (a multi-table dataset); records no problem. */
export function isMultiTable(root: YNode, ctx: ParseContext): boolean {
  if (root === undefined || root === null || ctx.scalar(root) !== undefined) return false;
  const items = (root as { items?: Array<{ key?: { value?: unknown } }> }).items;
  return Array.isArray(items) && items.some((p) => p.key?.value === "tables");
}

/** The single-table parsers of parse.ts, reused per table. */
export interface TableParsers {
  meta(root: YNode, ctx: ParseContext): {
    name: string;
    domain: string;
    description: string;
    rowCount: number;
    keywords: string[];
    tablesNode: YNode;
  };
  schema(root: YNode, ctx: ParseContext, extraKeys: readonly string[]): {
    columns: ColumnSpec[];
    checks: CheckSpec[];
    correlations: CorrelationSpec[];
    fields: Map<string, YNode>;
  };
  evolution(
    root: YNode,
    ctx: ParseContext,
    columns: ColumnSpec[],
    extraKeys: readonly string[],
  ): EvolutionSpec;
  sort(problems: ConfigProblem[]): ConfigProblem[];
}

/** The three parsed files. */
export interface ParsedFiles {
  sources: ConfigSources;
  options: ParseOptions;
  d: ParsedYaml;
  s: ParsedYaml;
  e: ParsedYaml;
  problems: ConfigProblem[];
}

interface RawTable {
  name: string;
  keyNode: YNode;
  node: YNode;
  columns: ColumnSpec[];
  checks: CheckSpec[];
  correlations: CorrelationSpec[];
  fields: Map<string, YNode>;
  primaryKey: string[];
  foreignKeys: Array<ForeignKeySpec & { nodes: FkNodes }>;
  crossChecks: CrossCheckSpec[];
}

interface FkNodes {
  item: YNode;
  columns: YNode;
  table: YNode;
  refColumns: YNode;
}

/** Parse a multi-table dataset; throws {@link ConfigError} listing every problem. */
export function parseMultiTableSpec(files: ParsedFiles, parse: TableParsers): DatasetSpec {
  const { d, s, e, problems, sources, options } = files;
  const meta = d.root === undefined ? undefined : parse.meta(d.root, d.ctx);
  const ctx = s.ctx;
  const sf = ctx.fields(s.root, "", ["tables"]);
  const raw: RawTable[] = [];
  for (const [name, keyNode, node] of ctx.entries(sf.get("tables"), "tables")) {
    const field = join("tables", name);
    if (!TABLE_NAME.test(name)) {
      ctx.problem(
        keyNode,
        field,
        "table names must be 1-64 lowercase letters, digits or _, starting with a letter or _",
      );
    }
    const t = parse.schema(node, ctx, TABLE_KEYS);
    raw.push({
      name,
      keyNode,
      node,
      ...t,
      primaryKey: [],
      foreignKeys: [],
      crossChecks: [],
    });
  }
  if (raw.length === 0 && problems.length === 0) {
    ctx.problem(sf.get("tables"), "tables", "must declare at least one table");
  }
  const byTable = new Map(raw.map((t) => [t.name, t]));
  for (const t of raw) parseKeys(t, ctx, byTable);
  for (const t of raw) checkForeignKeys(t, ctx, byTable);
  const order = tableOrder(raw, ctx);

  // Row counts of the root tables (dataset.yaml tables:).
  const counts = new Map<string, number>();
  if (meta && d.root !== undefined) {
    const dctx = d.ctx;
    if (meta.tablesNode === undefined) {
      dctx.problem(
        d.root,
        "tables",
        "is required for a multi-table dataset: the row count of each root table, e.g. tables: {customers: 1000}",
      );
    } else {
      for (const [name, keyNode, n] of dctx.entries(meta.tablesNode, "tables")) {
        const field = join("tables", name);
        const t = byTable.get(name);
        if (!t) {
          dctx.problem(
            keyNode,
            field,
            `names unknown table ${excerpt(name)} (schema.yaml tables:)`,
          );
          continue;
        }
        if (driverOf(t)) {
          dctx.problem(
            keyNode,
            field,
            `${name} is a child table: its rows follow from per_parent of its foreign key; remove this count`,
          );
          continue;
        }
        const v = dctx.integer(n, field, 1);
        if (v !== undefined && v > MAX_ROW_COUNT) {
          dctx.problem(n, field, `must be at most ${MAX_ROW_COUNT} (2^40), got ${v}`);
        } else if (v !== undefined) counts.set(name, v);
      }
      for (const t of raw) {
        if (
          !driverOf(t) && !counts.has(t.name) &&
          !dctx.problems.some((p) => p.field.startsWith(`tables.${t.name}`))
        ) {
          dctx.problem(
            meta.tablesNode,
            join("tables", t.name),
            `root table ${t.name} needs a row count here (it has no per_parent foreign key)`,
          );
        }
      }
    }
  }

  // evolution.yaml: shared thresholds, per-table labels, missingness and drift.
  const ectx = e.ctx;
  const shared = e.root === undefined ? undefined : parse.evolution(e.root, ectx, [], ["tables"]);
  const evoNodes = new Map<string, YNode>();
  if (e.root !== undefined && e.root !== null && ectx.scalar(e.root) === undefined) {
    const ef = new Map<string, YNode>();
    for (const [k, , v] of ectx.entries(e.root, "")) ef.set(k, v);
    if (ef.has("tables")) {
      for (const [name, keyNode, n] of ectx.entries(ef.get("tables"), "tables")) {
        if (!byTable.has(name)) {
          ectx.problem(keyNode, join("tables", name), `names unknown table ${excerpt(name)}`);
        } else evoNodes.set(name, n);
      }
    }
  }

  const tables: TableSpec[] = [];
  if (meta && shared) {
    for (const name of order) {
      const t = byTable.get(name)!;
      const evo = evoNodes.has(name) ? parse.evolution(evoNodes.get(name), ectx, t.columns, []) : {
        labelRates: new Map(),
        missingness: new Map(),
        drift: [],
        thresholds: shared.thresholds,
      };
      evo.thresholds = shared.thresholds;
      const external = [...externalColumns(t, byTable), ...childCountColumns(t, raw)];
      tables.push({
        name,
        primaryKey: t.primaryKey,
        foreignKeys: t.foreignKeys.map(({ nodes: _n, ...fk }) => fk),
        crossChecks: t.crossChecks,
        spec: {
          name: `${meta.name}.${name}`,
          domain: meta.domain,
          description: `${name} of ${meta.name}`,
          rowCount: counts.get(name) ?? 0,
          keywords: meta.keywords,
          columns: t.columns,
          checks: t.checks,
          correlations: t.correlations,
          evolution: evo,
          sources,
          origin: options.origin,
          ...(external.length > 0 ? { external } : {}),
        },
        loc: ctx.loc(t.keyNode),
      });
    }
  }
  if (problems.length > 0 || !meta || !shared) throw new ConfigError(parse.sort(problems));
  const late = tables.flatMap((t) => checkGeneration(t.spec));
  if (late.length > 0) throw new ConfigError(parse.sort(late));
  return {
    name: meta.name,
    domain: meta.domain,
    description: meta.description,
    rowCount: [...counts.values()].reduce((a, b) => a + b, 0),
    keywords: meta.keywords,
    columns: [],
    checks: [],
    correlations: [],
    evolution: shared,
    sources,
    origin: options.origin,
    tables,
  };
}

/** The one-to-many foreign key that decides a table's rows, if any. */
function driverOf(t: { foreignKeys: ForeignKeySpec[] }): ForeignKeySpec | undefined {
  return t.foreignKeys.find((f) => f.mode.kind === "per_parent");
}

function names(ctx: ParseContext, node: YNode, field: string): string[] {
  const out: string[] = [];
  if (typeof ctx.scalar(node) === "string") return [ctx.scalar(node) as string];
  const items = ctx.items(node, field) ?? [];
  items.forEach((n, i) => {
    const v = ctx.string(n, join(field, i));
    if (v !== undefined) out.push(v);
  });
  if (items.length === 0 && node !== undefined) {
    ctx.problem(node, field, "must name at least one column");
  }
  return out;
}

/** primary_key, foreign_keys and cross_checks of one table (names resolved later). */
function parseKeys(t: RawTable, ctx: ParseContext, byTable: Map<string, RawTable>): void {
  const base = join("tables", t.name);
  const byName = new Map(t.columns.map((c) => [c.name, c]));
  const pkNode = t.fields.get("primary_key");
  if (pkNode === undefined) {
    ctx.problem(
      t.node,
      join(base, "primary_key"),
      "is required: the column(s) that identify a row, e.g. [order_id]",
    );
  } else {
    t.primaryKey = names(ctx, pkNode, join(base, "primary_key"));
    for (const c of t.primaryKey) {
      const col = byName.get(c);
      if (!col) {
        ctx.problem(pkNode, join(base, "primary_key"), `names unknown column ${excerpt(c)}`);
      } else if (col.nullable) {
        ctx.problem(
          pkNode,
          join(base, "primary_key"),
          `column ${c} is nullable; key columns must not be`,
        );
      }
    }
    // A one-column key is unique by construction (its generator must guarantee it).
    if (t.primaryKey.length === 1) {
      const col = byName.get(t.primaryKey[0]);
      if (col) col.unique = true;
    }
  }
  (ctx.items(t.fields.get("foreign_keys"), join(base, "foreign_keys")) ?? []).forEach((item, i) => {
    const field = join(base, `foreign_keys.${i}`);
    const f = ctx.fields(item, field, FK_KEYS);
    const columns = names(ctx, f.get("columns"), join(field, "columns"));
    if (!f.has("columns")) ctx.problem(item, join(field, "columns"), "is required");
    const rf = ctx.fields(f.get("references"), join(field, "references"), ["table", "columns"]);
    if (!f.has("references")) {
      ctx.problem(
        item,
        join(field, "references"),
        "is required: {table: <table>, columns: [<key>]}",
      );
    }
    const table = ctx.string(rf.get("table"), join(field, "references.table")) ?? "";
    const refColumns = rf.has("columns")
      ? names(ctx, rf.get("columns"), join(field, "references.columns"))
      : (byTable.get(table)?.primaryKey ?? []);
    const mode = parseMode(f, ctx, field, item);
    if (!mode) return;
    t.foreignKeys.push({
      columns,
      table,
      refColumns,
      mode,
      self: table === t.name,
      loc: ctx.loc(item),
      nodes: {
        item,
        columns: f.get("columns"),
        table: rf.get("table"),
        refColumns: rf.get("columns"),
      },
    });
  });
  (ctx.items(t.fields.get("cross_checks"), join(base, "cross_checks")) ?? []).forEach((item, i) => {
    const field = join(base, `cross_checks.${i}`);
    const text = ctx.string(item, field);
    if (text === undefined) return;
    const m = CROSS_RE.exec(text);
    if (!m) {
      ctx.problem(
        item,
        field,
        `must read "<column> <op> <parent>.<column>" with op one of < <= > >= == !=, got ${
          excerpt(text)
        }`,
      );
      return;
    }
    t.crossChecks.push({
      name: text.trim(),
      left: m[1],
      op: m[2] as CompareOp,
      table: m[3],
      right: m[4],
      loc: ctx.loc(item),
    });
  });
}

function parseMode(
  f: Map<string, YNode>,
  ctx: ParseContext,
  field: string,
  item: YNode,
): ForeignKeyMode | undefined {
  const per = f.get("per_parent");
  const pick = f.get("pick");
  if ((per === undefined) === (pick === undefined)) {
    ctx.problem(
      item,
      field,
      "needs exactly one of per_parent (children per parent row, one-to-many) or pick (a random parent per row)",
    );
    return undefined;
  }
  if (per !== undefined) {
    if (f.has("null_rate")) {
      ctx.problem(f.get("null_rate"), join(field, "null_rate"), "applies to pick only");
    }
    const count = parseCount(per, ctx, join(field, "per_parent"));
    return count ? { kind: "per_parent", count } : undefined;
  }
  const pf = ctx.fields(pick, join(field, "pick"), ["kind", "s"]);
  const kind = ctx.string(pf.get("kind"), join(field, "pick.kind"));
  const nullRate = f.has("null_rate") ? ctx.rate(f.get("null_rate"), join(field, "null_rate")) : 0;
  let p: ParentPick | undefined;
  if (kind === "uniform") p = { kind: "uniform" };
  else if (kind === "zipf") {
    const sv = pf.has("s") ? ctx.number(pf.get("s"), join(field, "pick.s")) : 1.1;
    if (sv !== undefined && !(sv > 0 && sv <= 10)) {
      ctx.problem(pf.get("s"), join(field, "pick.s"), `must be in (0, 10], got ${sv}`);
    } else if (sv !== undefined) p = { kind: "zipf", s: sv };
  } else {
    ctx.problem(pf.get("kind") ?? pick, join(field, "pick.kind"), "must be uniform or zipf");
  }
  return p && nullRate !== undefined ? { kind: "pick", pick: p, nullRate } : undefined;
}

function parseCount(node: YNode, ctx: ParseContext, field: string): ChildCountSpec | undefined {
  const f = ctx.fields(node, field, ["kind", "lambda", "min", "max", "values", "weights"]);
  const kind = ctx.string(f.get("kind"), join(field, "kind"));
  const min = f.has("min") ? ctx.integer(f.get("min"), join(field, "min"), 0) : 0;
  let max = f.has("max") ? ctx.integer(f.get("max"), join(field, "max"), 0) : undefined;
  if (max !== undefined && max > MAX_PER_PARENT) {
    ctx.problem(f.get("max"), join(field, "max"), `must be at most ${MAX_PER_PARENT}, got ${max}`);
    return undefined;
  }
  if (min === undefined) return undefined;
  let lambda: number | undefined;
  switch (kind) {
    case "poisson": {
      lambda = ctx.number(f.get("lambda"), join(field, "lambda"));
      if (!f.has("lambda")) {
        ctx.problem(node, join(field, "lambda"), "is required (mean children per parent)");
      }
      if (lambda === undefined) return undefined;
      if (!(lambda > 0 && lambda <= 1000)) {
        ctx.problem(f.get("lambda"), join(field, "lambda"), `must be in (0, 1000], got ${lambda}`);
        return undefined;
      }
      max ??= Math.min(MAX_PER_PARENT, Math.ceil(lambda + 12 * Math.sqrt(lambda) + 10));
      break;
    }
    case "uniform":
      if (max === undefined) {
        ctx.problem(node, join(field, "max"), "is required for a uniform count");
        return undefined;
      }
      break;
    case "categorical": {
      const vals = (ctx.items(f.get("values"), join(field, "values")) ?? []).map((n, i) =>
        ctx.integer(n, join(field, `values.${i}`), 0)
      );
      const ws = (ctx.items(f.get("weights"), join(field, "weights")) ?? []).map((n, i) =>
        ctx.number(n, join(field, `weights.${i}`))
      );
      if (vals.length === 0 || vals.length !== ws.length) {
        ctx.problem(
          node,
          field,
          "categorical needs values and weights of the same, non-zero length",
        );
        return undefined;
      }
      if (vals.some((v) => v === undefined) || ws.some((w) => w === undefined || w < 0)) {
        if (ws.some((w) => w !== undefined && w < 0)) {
          ctx.problem(f.get("weights"), join(field, "weights"), "must not be negative");
        }
        return undefined;
      }
      const values = vals as number[];
      if (!((ws as number[]).reduce((a, b) => a + b, 0) > 0)) {
        ctx.problem(f.get("weights"), join(field, "weights"), "must not all be 0");
        return undefined;
      }
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      if (hi > MAX_PER_PARENT) {
        ctx.problem(f.get("values"), join(field, "values"), `must be at most ${MAX_PER_PARENT}`);
        return undefined;
      }
      if (!f.has("min") && !f.has("max")) {
        return { kind: "categorical", values, weights: ws as number[], min: lo, max: hi };
      }
      max ??= hi;
      if (min <= max && (values.every((v) => v < min || v > max!))) {
        ctx.problem(node, field, `no value lies in [min, max] = [${min}, ${max}]`);
        return undefined;
      }
      if (min <= max) {
        return { kind: "categorical", values, weights: ws as number[], min, max };
      }
      break;
    }
    default:
      ctx.problem(
        f.get("kind") ?? node,
        join(field, "kind"),
        "must be poisson, uniform or categorical",
      );
      return undefined;
  }
  if (max === undefined) return undefined;
  if (min > max) {
    ctx.problem(
      f.get("min") ?? node,
      join(field, "min"),
      `min ${min} is greater than max ${max}; a parent cannot have fewer than min and more than max children`,
    );
    return undefined;
  }
  if (kind === "categorical") return undefined;
  return lambda !== undefined
    ? { kind: "poisson", lambda, min, max }
    : { kind: "uniform", min, max };
}

/** Every foreign key names a known table and matching key columns of the same types. */
function checkForeignKeys(t: RawTable, ctx: ParseContext, byTable: Map<string, RawTable>): void {
  const own = new Map(t.columns.map((c) => [c.name, c]));
  let drivers = 0;
  t.foreignKeys.forEach((fk, i) => {
    const field = join("tables", `${t.name}.foreign_keys.${i}`);
    const parent = byTable.get(fk.table);
    if (!parent) {
      ctx.problem(
        fk.nodes.table ?? fk.nodes.item,
        join(field, "references.table"),
        `references unknown table ${excerpt(fk.table)}; tables: ${
          [...byTable.keys()].sort().join(", ")
        }`,
      );
      return;
    }
    const theirs = new Map(parent.columns.map((c) => [c.name, c]));
    for (const c of fk.columns) {
      if (!own.has(c)) {
        ctx.problem(
          fk.nodes.columns ?? fk.nodes.item,
          join(field, "columns"),
          `names unknown column ${excerpt(c)} of ${t.name}`,
        );
      }
    }
    for (const c of fk.refColumns) {
      if (!theirs.has(c)) {
        ctx.problem(
          fk.nodes.refColumns ?? fk.nodes.table,
          join(field, "references.columns"),
          `names unknown column ${excerpt(c)} of ${fk.table}`,
        );
      }
    }
    if (fk.columns.length !== fk.refColumns.length) {
      ctx.problem(
        fk.nodes.item,
        field,
        `has ${fk.columns.length} column(s) but references ${fk.refColumns.length}; they pair up in order`,
      );
      return;
    }
    if (
      parent.primaryKey.length > 0 &&
      fk.refColumns.join(",") !== parent.primaryKey.join(",")
    ) {
      ctx.problem(
        fk.nodes.refColumns ?? fk.nodes.table,
        join(field, "references.columns"),
        `must be the primary key of ${fk.table} (${
          parent.primaryKey.join(", ")
        }) so each key names one row`,
      );
    }
    fk.columns.forEach((c, k) => {
      const a = own.get(c);
      const b = theirs.get(fk.refColumns[k]);
      if (a && b && a.type !== b.type) {
        ctx.problem(
          fk.nodes.columns ?? fk.nodes.item,
          join(field, "columns"),
          `type mismatch: ${t.name}.${c} is ${a.type} but ${fk.table}.${b.name} is ${b.type}`,
        );
      }
      if (a?.generator) {
        ctx.problem(
          fk.nodes.columns ?? fk.nodes.item,
          join(field, "columns"),
          `${c} is a foreign key column: its values come from ${fk.table}; remove its generator`,
        );
      }
      if (a) a.generator = { kind: "foreign_key", loc: a.loc };
      const mayBeNull = fk.self || (fk.mode.kind === "pick" && fk.mode.nullRate > 0);
      if (a && mayBeNull && !a.nullable) {
        ctx.problem(
          fk.nodes.columns ?? fk.nodes.item,
          join(field, "columns"),
          `${c} can be null (${
            fk.self ? "the first row has no earlier row to point at" : "null_rate > 0"
          }); set nullable: true`,
        );
      }
    });
    if (fk.mode.kind === "per_parent") {
      drivers++;
      if (fk.self) {
        ctx.problem(
          fk.nodes.item,
          join(field, "per_parent"),
          "a self-reference must use pick (rows point to earlier rows)",
        );
      } else if (drivers > 1) {
        ctx.problem(
          fk.nodes.item,
          join(field, "per_parent"),
          "a table has at most one per_parent foreign key (its rows follow one parent); use pick for the others",
        );
      }
    }
    if (fk.self || fk.mode.kind === "pick") {
      // Picks land anywhere in the parent: their keys are computed, not looked up.
      for (const r of fk.refColumns) {
        const b = theirs.get(r);
        if (!b) continue;
        const g = b.generator ?? inferGenerator(b, 1);
        if (fk.self && g.kind !== "sequence") {
          ctx.problem(
            fk.nodes.item,
            field,
            `a self-reference needs a sequence key: ${t.name}.${r} uses ${g.kind}`,
          );
        }
      }
    }
  });
  // Cross checks compare with a parent this table has a foreign key to.
  for (const c of t.crossChecks) {
    const fk = t.foreignKeys.find((f) => f.table === c.table && !f.self);
    const parent = byTable.get(c.table);
    const problem = (m: string) =>
      ctx.problems.push({
        loc: c.loc,
        field: join("tables", `${t.name}.cross_checks`),
        message: m,
      });
    if (!fk || !parent) {
      problem(`${c.name}: ${t.name} has no foreign key to ${excerpt(c.table)}`);
      continue;
    }
    const a = own.get(c.left);
    const b = parent.columns.find((x) => x.name === c.right);
    if (!a) problem(`${c.name}: unknown column ${excerpt(c.left)} of ${t.name}`);
    if (!b) problem(`${c.name}: unknown column ${excerpt(c.right)} of ${c.table}`);
    if (a && b && a.type !== b.type) {
      problem(`${c.name}: ${a.type} and ${b.type} cannot be compared`);
    }
  }
}

/** Tables parents first (ties by name); a cycle of required parents is a problem. */
function tableOrder(raw: RawTable[], ctx: ParseContext): string[] {
  const deps = new Map(raw.map((t) => [
    t.name,
    new Set(
      t.foreignKeys.filter((f) => !f.self && raw.some((r) => r.name === f.table)).map((f) =>
        f.table
      ),
    ),
  ]));
  const order: string[] = [];
  const done = new Set<string>();
  const sorted = raw.map((t) => t.name).sort(compareNames);
  let progress = true;
  while (progress) {
    progress = false;
    for (const n of sorted) {
      if (done.has(n) || ![...deps.get(n)!].every((d) => done.has(d))) continue;
      order.push(n);
      done.add(n);
      progress = true;
      break;
    }
  }
  const rest = sorted.filter((n) => !done.has(n));
  if (rest.length > 0) {
    // Walk parents from the first remaining table until one repeats.
    const path: string[] = [];
    let n = rest[0];
    while (!path.includes(n)) {
      path.push(n);
      n = [...deps.get(n)!].filter((d) => !done.has(d)).sort()[0];
    }
    const cycle = [...path.slice(path.indexOf(n)), n];
    const t = raw.find((r) => r.name === cycle[0])!;
    const fk = t.foreignKeys.find((f) => f.table === cycle[1])!;
    ctx.problems.push({
      loc: fk.loc,
      field: join("tables", `${t.name}.foreign_keys`),
      message: `cycle of required parents: ${
        cycle.join(" -> ")
      }; one of these foreign keys must go (a table may only reference itself, through pick)`,
    });
    order.push(...rest);
  }
  return order;
}

/**
 * `<child>._count` for every table with a per_parent foreign key to `t`: the
 * number of children of each row (drawn before either table is generated).
 */
function childCountColumns(t: RawTable, raw: RawTable[]): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const c of raw) {
    const fk = c.foreignKeys.find((f) => f.mode.kind === "per_parent" && f.table === t.name);
    if (!fk || fk.self) continue;
    out.push({
      name: `${c.name}.${CHILD_COUNT}`,
      type: "integer",
      nullable: false,
      unique: false,
      min: 0,
      loc: fk.loc,
    });
  }
  return out;
}

/** Parent columns a table may read as `<parent>.<column>` (and `<parent>._child_number`). */
function externalColumns(t: RawTable, byTable: Map<string, RawTable>): ColumnSpec[] {
  const out = new Map<string, ColumnSpec>();
  for (const fk of t.foreignKeys) {
    if (fk.self) continue;
    const parent = byTable.get(fk.table);
    if (!parent) continue;
    for (const c of parent.columns) {
      const name = `${fk.table}.${c.name}`;
      if (!out.has(name)) out.set(name, { ...c, name, unique: false, generator: undefined });
    }
    if (fk.mode.kind === "per_parent") {
      const name = `${fk.table}.${CHILD_NUMBER}`;
      out.set(name, { name, type: "integer", nullable: false, unique: false, min: 1, loc: fk.loc });
    }
  }
  return [...out.values()].map((c) => {
    const { generator: _g, ...rest } = c;
    return rest;
  });
}
