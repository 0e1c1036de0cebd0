/**
 * Strict parsing of the three dataset files into a {@link DatasetSpec}.
 * Every problem is collected (with file:line:column and the fix) before
 * anything is rejected, so users fix their configs in one pass.
 */
import {
  COLUMN_TYPES,
  type ColumnType,
  compareNames,
  formatDate,
  parseIsoDate,
  parseIsoUtc,
} from "../data/mod.ts";
import { ConfigError, type ConfigProblem } from "../errors.ts";
import { patternProblem } from "./pattern.ts";
import { isMultiTable, parseMultiTableSpec } from "./tables.ts";
import { checkGeneration, parseCorrelations, parseDrift, parseGenerator } from "../generate/mod.ts";
import { columnCountProblem } from "../limits.ts";
import { excerpt, join, type ParseContext, parseYaml, type YNode } from "../strict_yaml/mod.ts";
import {
  type CheckSpec,
  type ColumnSpec,
  type CompareOp,
  type ConfigSources,
  type DatasetSpec,
  DEFAULT_THRESHOLDS,
  type EvolutionSpec,
  MAX_ROW_COUNT,
  type Thresholds,
} from "../model/mod.ts";

/** Where the three files live, for messages (e.g. `datasets/x/`). */
export interface ParseOptions {
  /** Prefix shown before each file name in messages. */
  displayDir: string;
  /** Folder name the dataset was found under; `name` must match it. */
  folderName: string;
  /** `builtin` or the directory path. */
  origin: string;
}

const DATASET_KEYS = ["name", "domain", "description", "row_count", "keywords", "tables"] as const;
const SCHEMA_KEYS = ["columns", "checks", "correlations"] as const;
const COLUMN_KEYS = [
  "type",
  "nullable",
  "unique",
  "description",
  "source_name",
  "constraints",
  "generator",
];
const CONSTRAINT_KEYS = ["min", "max", "allowed_values", "pattern", "max_length"];
const EVOLUTION_KEYS = ["fraud_rate", "label_rates", "missingness", "thresholds", "drift"];
const THRESHOLD_KEYS: Record<string, keyof Thresholds> = {
  psi: "psi",
  jensen_shannon: "jensenShannon",
  wasserstein: "wasserstein",
  ks_p_value: "ksPValue",
  warn_ratio: "warnRatio",
  rate_tolerance: "rateTolerance",
};
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]00:?00)?$/;

/**
 * Parse a dataset's three config texts. Throws {@link ConfigError} listing
 * every problem when any file is invalid.
 */
export function parseDatasetSpec(sources: ConfigSources, options: ParseOptions): DatasetSpec {
  const problems: ConfigProblem[] = [];
  const d = parseYaml(sources["dataset.yaml"], `${options.displayDir}dataset.yaml`, problems);
  const s = parseYaml(sources["schema.yaml"], `${options.displayDir}schema.yaml`, problems);
  const e = parseYaml(sources["evolution.yaml"], `${options.displayDir}evolution.yaml`, problems);

  if (isMultiTable(s.root, s.ctx)) {
    return parseMultiTableSpec({ sources, options, d, s, e, problems }, {
      meta: (root, ctx) => parseDatasetMeta(root, ctx, options, true),
      schema: (root, ctx, extra) => parseSchema(root, ctx, extra),
      evolution: (root, ctx, columns, extra) => parseEvolution(root, ctx, columns, extra),
      sort: sortProblems,
    });
  }
  const meta = d.root === undefined ? undefined : parseDatasetMeta(d.root, d.ctx, options);
  const schema = s.root === undefined ? undefined : parseSchema(s.root, s.ctx);
  const evolution = e.root === undefined || schema === undefined
    ? undefined
    : parseEvolution(e.root, e.ctx, schema.columns);
  if (problems.length > 0 || !meta || !schema || !evolution) {
    throw new ConfigError(sortProblems(problems));
  }
  const { tablesNode: _tables, ...fields } = meta;
  const spec: DatasetSpec = {
    ...fields,
    columns: schema.columns,
    checks: schema.checks,
    correlations: schema.correlations,
    evolution,
    sources,
    origin: options.origin,
  };
  const late = checkGeneration(spec);
  if (late.length > 0) throw new ConfigError(sortProblems(late));
  return spec;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.slice().sort((a, b) =>
    compareNames(a.loc.file, b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col
  );
}

function parseDatasetMeta(
  root: YNode,
  ctx: ParseContext,
  options: ParseOptions,
  multiTable = false,
) {
  const f = ctx.fields(root, "", DATASET_KEYS);
  if (!multiTable && f.has("tables")) {
    ctx.problem(
      f.get("tables"),
      "tables",
      "row counts per table need schema.yaml `tables:`; use row_count for a single table",
    );
  }
  const name = required(ctx, root, f, "name", (n) => ctx.string(n, "name"));
  if (name !== undefined && name !== options.folderName) {
    ctx.problem(
      f.get("name"),
      "name",
      `is ${excerpt(name)} but the folder is ${excerpt(options.folderName)}; make them equal`,
    );
  }
  const domain = ctx.string(f.get("domain"), "domain") ?? "";
  const description = ctx.string(f.get("description"), "description") ?? "";
  const rowNode = f.get("row_count");
  let rowCount: number | undefined;
  if (multiTable) {
    if (rowNode !== undefined) {
      ctx.problem(
        rowNode,
        "row_count",
        "a multi-table dataset gives row counts per root table under tables:; remove row_count",
      );
    }
    rowCount = 0;
  } else if (rowNode === undefined) {
    ctx.problem(root, "row_count", "is required: a positive whole number of rows, e.g. 10000");
  } else {
    const v = ctx.scalar(rowNode);
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      const shown = typeof v === "string" ? excerpt(v) : String(v);
      ctx.problem(rowNode, "row_count", `must be a positive whole number, got ${shown}`);
    } else if (v > MAX_ROW_COUNT) {
      ctx.problem(
        rowNode,
        "row_count",
        `must be at most ${MAX_ROW_COUNT} (2^40), got ${v}; split the data over several datasets`,
      );
    } else rowCount = v;
  }
  const keywords: string[] = [];
  const kw = ctx.items(f.get("keywords"), "keywords") ?? [];
  kw.forEach((n, i) => {
    const k = ctx.string(n, join("keywords", i));
    if (k !== undefined) keywords.push(k);
  });
  return {
    name: name ?? "",
    domain,
    description,
    rowCount: rowCount ?? 0,
    keywords,
    tablesNode: f.get("tables"),
  };
}

function required<T>(
  ctx: ParseContext,
  parent: YNode,
  f: Map<string, YNode>,
  key: string,
  read: (n: YNode) => T | undefined,
): T | undefined {
  if (!f.has(key)) {
    ctx.problem(parent, key, `is required`);
    return undefined;
  }
  return read(f.get(key));
}

function parseSchema(root: YNode, ctx: ParseContext, extraKeys: readonly string[] = []) {
  const f = ctx.fields(root, "", [...SCHEMA_KEYS, ...extraKeys]);
  const columns: ColumnSpec[] = [];
  const colsNode = f.get("columns");
  if (colsNode === undefined) {
    ctx.problem(root, "columns", "is required: a mapping of column name to {type: ...}");
  } else {
    const entries = ctx.entries(colsNode, "columns");
    if (entries.length === 0 && ctx.problems.length === 0) {
      ctx.problem(colsNode, "columns", "must declare at least one column");
    }
    const wide = columnCountProblem(entries.length);
    if (wide) ctx.problem(colsNode, "columns", wide);
    // A header can be read as one column only.
    const sources = new Map<string, string>();
    for (const [name, keyNode, value] of wide ? [] : entries) {
      const col = parseColumn(name, keyNode, value, ctx);
      if (col) columns.push(col);
      if (col?.sourceName === undefined) continue;
      const first = sources.get(col.sourceName);
      if (first !== undefined) {
        ctx.problem(
          keyNode,
          join(join("columns", name), "source_name"),
          `${excerpt(col.sourceName)} is already the source_name of column ${excerpt(first)}`,
        );
      } else sources.set(col.sourceName, name);
    }
  }
  columns.sort((a, b) => compareNames(a.name, b.name));
  const names = new Set(columns.map((c) => c.name));
  const checks = parseChecks(f.get("checks"), ctx, columns);
  const correlations = parseCorrelations(f.get("correlations"), ctx);
  void names;
  return { columns, checks, correlations, fields: f };
}

function parseColumn(
  name: string,
  keyNode: YNode,
  node: YNode,
  ctx: ParseContext,
): ColumnSpec | undefined {
  const field = join("columns", name);
  if (!SAFE_NAME.test(name)) {
    ctx.problem(
      keyNode,
      field,
      "column names must start with a letter or _ and use only letters, digits and _ (max 64)",
    );
  }
  const f = ctx.fields(node, field, COLUMN_KEYS);
  const typeNode = f.get("type");
  let type: ColumnType | undefined;
  if (typeNode === undefined) {
    ctx.problem(node, join(field, "type"), `is required; one of ${COLUMN_TYPES.join(", ")}`);
  } else {
    const t = ctx.string(typeNode, join(field, "type"));
    if (t !== undefined) {
      if ((COLUMN_TYPES as readonly string[]).includes(t)) type = t as ColumnType;
      else {
        ctx.problem(
          typeNode,
          join(field, "type"),
          `unknown column type ${excerpt(t)}; use one of ${COLUMN_TYPES.join(", ")}`,
        );
      }
    }
  }
  const nullable = ctx.boolean(f.get("nullable"), join(field, "nullable")) ?? false;
  const unique = ctx.boolean(f.get("unique"), join(field, "unique")) ?? false;
  const description = ctx.string(f.get("description"), join(field, "description"));
  const sourceName = ctx.string(f.get("source_name"), join(field, "source_name"));
  if (type === undefined) return undefined;
  const col: ColumnSpec = { name, type, nullable, unique, loc: ctx.loc(keyNode) };
  if (description !== undefined) col.description = description;
  if (sourceName !== undefined) col.sourceName = sourceName;
  if (f.has("constraints")) parseConstraints(f.get("constraints"), ctx, col, field);
  if (f.has("generator")) {
    const g = parseGenerator(f.get("generator"), ctx, {
      name,
      type,
      nullable,
      min: col.min,
      max: col.max,
      allowed: col.allowed,
      maxLength: col.maxLength,
      field: join(field, "generator"),
    });
    if (g) col.generator = g;
  }
  return col;
}

function parseConstraints(node: YNode, ctx: ParseContext, col: ColumnSpec, base: string): void {
  const field = join(base, "constraints");
  const f = ctx.fields(node, field, CONSTRAINT_KEYS);
  const bound = (key: "min" | "max") => {
    const n = f.get(key);
    if (n === undefined) return undefined;
    const fk = join(field, key);
    switch (col.type) {
      case "integer": {
        const v = ctx.number(n, fk);
        if (v !== undefined && !Number.isSafeInteger(v)) {
          ctx.problem(n, fk, `must be a whole number for an integer column, got ${v}`);
          return undefined;
        }
        return v;
      }
      case "float":
        return ctx.number(n, fk);
      case "datetime": {
        const s = ctx.string(n, fk);
        if (s === undefined) return undefined;
        const ms = parseIsoUtc(s);
        if (ms === undefined) {
          ctx.problem(
            n,
            fk,
            `must be an ISO-8601 UTC datetime like 2024-01-31T00:00:00Z, got ${excerpt(s)}`,
          );
        }
        return ms;
      }
      case "date": {
        const s = ctx.string(n, fk);
        if (s === undefined) return undefined;
        const days = parseIsoDate(s);
        if (days === undefined) {
          ctx.problem(
            n,
            fk,
            `must be a date written YYYY-MM-DD like 2024-01-31, got ${excerpt(s)}`,
          );
        }
        return days;
      }
      case "string":
      case "boolean":
        ctx.problem(
          n,
          fk,
          `is only allowed on integer, float, datetime and date columns, not ${col.type}`,
        );
        return undefined;
    }
  };
  const min = bound("min");
  const max = bound("max");
  if (min !== undefined) col.min = min;
  if (max !== undefined) col.max = max;
  if (min !== undefined && max !== undefined && min > max) {
    ctx.problem(
      f.get("min"),
      join(field, "min"),
      `min (${fmtBound(min, col.type)}) is greater than max (${
        fmtBound(max, col.type)
      }); swap them`,
    );
  }
  const stringOnly = (key: string) => {
    if (f.has(key) && col.type !== "string") {
      ctx.problem(
        f.get(key),
        join(field, key),
        `is only allowed on string columns, not ${col.type}`,
      );
      return false;
    }
    return f.has(key);
  };
  if (stringOnly("allowed_values")) {
    const items = ctx.items(f.get("allowed_values"), join(field, "allowed_values"));
    if (items) {
      const values: string[] = [];
      items.forEach((n, i) => {
        const v = ctx.string(n, join(field, `allowed_values.${i}`));
        if (v !== undefined) values.push(v);
      });
      if (values.length === 0) {
        ctx.problem(
          f.get("allowed_values"),
          join(field, "allowed_values"),
          "must list at least one value",
        );
      } else if (new Set(values).size !== values.length) {
        ctx.problem(
          f.get("allowed_values"),
          join(field, "allowed_values"),
          "lists a value twice; remove the duplicate",
        );
      } else col.allowed = values;
    }
  }
  if (stringOnly("pattern")) {
    const p = ctx.string(f.get("pattern"), join(field, "pattern"));
    if (p !== undefined) {
      const why = patternProblem(p);
      if (why === undefined) col.pattern = p;
      else ctx.problem(f.get("pattern"), join(field, "pattern"), why);
    }
  }
  if (stringOnly("max_length")) {
    const m = ctx.integer(f.get("max_length"), join(field, "max_length"), 1);
    if (m !== undefined) col.maxLength = m;
  }
}

function fmtBound(v: number, type: ColumnType): string {
  if (type === "date") return formatDate(v);
  return type === "datetime" ? new Date(v).toISOString() : String(v);
}

/**
 * Date values are days and datetime values milliseconds, so a date column
 * compares only with another date column (a number literal would be a day
 * count nobody writes on purpose).
 */
function compareUnitsAgree(
  node: YNode,
  field: string,
  ctx: ParseContext,
  sides: { left?: ColumnSpec; right?: ColumnSpec },
): boolean {
  const { left, right } = sides;
  if (left === undefined) return true;
  if (right === undefined) {
    if (left.type !== "date") return true;
    ctx.problem(
      node,
      field,
      `column ${excerpt(left.name)} is date; compare it with another date column, not a number`,
    );
    return false;
  }
  if ((left.type === "date") === (right.type === "date")) return true;
  ctx.problem(
    node,
    field,
    `columns ${excerpt(left.name)} (${left.type}) and ${
      excerpt(right.name)
    } (${right.type}) differ; a date column compares only with another date column`,
  );
  return false;
}

const COMPARE =
  /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$/;

function parseChecks(node: YNode, ctx: ParseContext, columns: ColumnSpec[]): CheckSpec[] {
  const out: CheckSpec[] = [];
  const items = ctx.items(node, "checks");
  if (!items) return out;
  const byName = new Map(columns.map((c) => [c.name, c]));
  const known = (n: YNode, field: string, name: string) => {
    if (!byName.has(name)) {
      ctx.problem(n, field, `refers to unknown column ${excerpt(name)}; declare it under columns:`);
      return false;
    }
    return true;
  };
  items.forEach((item, i) => {
    const field = `checks.${i}`;
    const f = ctx.fields(item, field, ["compare", "null_unless", "not_null_when"]);
    if (f.size !== 1) {
      if (ctx.problems.length === 0 || f.size > 1) {
        ctx.problem(
          item,
          field,
          "each check must have exactly one of compare, null_unless, not_null_when",
        );
      }
      return;
    }
    const [kind, value] = [...f.entries()][0];
    const loc = ctx.loc(item);
    switch (kind) {
      case "compare": {
        const text = ctx.string(value, join(field, "compare"));
        if (text === undefined) return;
        const m = COMPARE.exec(text);
        if (!m) {
          ctx.problem(
            value,
            join(field, "compare"),
            `must look like "low <= open" (column op column-or-number, op one of < <= > >= == !=), got ${
              excerpt(text)
            }`,
          );
          return;
        }
        const [, left, op, rightText] = m;
        const rightIsNum = /^-?\d/.test(rightText);
        let ok = known(value, join(field, "compare"), left);
        if (!rightIsNum) ok = known(value, join(field, "compare"), rightText) && ok;
        for (const c of rightIsNum ? [left] : [left, rightText]) {
          const col = byName.get(c);
          if (
            col && (col.type === "string" || col.type === "boolean") && op !== "==" && op !== "!="
          ) {
            ctx.problem(
              value,
              join(field, "compare"),
              `column ${excerpt(c)} is ${col.type}; only == and != compare ${col.type} columns`,
            );
            ok = false;
          }
        }
        ok = ok && compareUnitsAgree(value, join(field, "compare"), ctx, {
          left: byName.get(left),
          right: rightIsNum ? undefined : byName.get(rightText),
        });
        if (!ok) return;
        out.push({
          kind: "compare",
          name: `${left} ${op} ${rightText}`,
          left,
          op: op as CompareOp,
          right: rightIsNum ? { value: Number(rightText) } : { column: rightText },
          loc,
        });
        return;
      }
      case "null_unless":
      case "not_null_when": {
        const g = ctx.fields(value, join(field, kind), ["column", "when"]);
        const column = ctx.string(g.get("column"), join(field, `${kind}.column`));
        const whenEntries = ctx.entries(g.get("when"), join(field, `${kind}.when`));
        if (column === undefined || !g.has("when")) {
          if (column === undefined && !g.has("column")) {
            ctx.problem(
              value,
              join(field, kind),
              "needs column: and when: {other_column: [values]}",
            );
          } else if (!g.has("when")) {
            ctx.problem(value, join(field, kind), "needs when: {other_column: [values]}");
          }
          return;
        }
        if (whenEntries.length !== 1) {
          ctx.problem(
            g.get("when"),
            join(field, `${kind}.when`),
            "must name exactly one column, e.g. {event_type: [purchase]}",
          );
          return;
        }
        const [whenColumn, whenKey, whenValuesNode] = whenEntries[0];
        let ok = known(g.get("column"), join(field, `${kind}.column`), column);
        ok = known(whenKey, join(field, `${kind}.when`), whenColumn) && ok;
        const vals = ctx.items(whenValuesNode, join(field, `${kind}.when.${whenColumn}`)) ?? [];
        const whenValues: string[] = [];
        vals.forEach((n, j) => {
          const v = ctx.scalar(n);
          if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
            whenValues.push(String(v));
          } else {ctx.problem(
              n,
              join(field, `${kind}.when.${whenColumn}.${j}`),
              "must be a plain value",
            );}
        });
        if (whenValues.length === 0) {
          ctx.problem(
            whenValuesNode ?? whenKey,
            join(field, `${kind}.when.${whenColumn}`),
            "must list at least one value",
          );
          ok = false;
        }
        const col = byName.get(column);
        if (ok && col && !col.nullable && kind === "null_unless") {
          ctx.problem(
            g.get("column"),
            join(field, `${kind}.column`),
            `column ${excerpt(column)} is not nullable; set nullable: true on it`,
          );
          ok = false;
        }
        if (!ok) return;
        out.push({
          kind,
          name: `${column} ${
            kind === "null_unless" ? "null unless" : "not null when"
          } ${whenColumn} in [${whenValues.join(", ")}]`,
          column,
          whenColumn,
          whenValues,
          loc,
        });
        return;
      }
    }
  });
  return out;
}

function parseEvolution(
  root: YNode,
  ctx: ParseContext,
  columns: ColumnSpec[],
  extraKeys: readonly string[] = [],
): EvolutionSpec {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const evo: EvolutionSpec = {
    labelRates: new Map(),
    missingness: new Map(),
    drift: [],
    thresholds: { ...DEFAULT_THRESHOLDS },
  };
  // An empty evolution.yaml (null document) means "no evolution".
  if (root === null || ctx.scalar(root) === null) return evo;
  const f = ctx.fields(root, "", [...EVOLUTION_KEYS, ...extraKeys]);
  const addLabel = (column: string, n: YNode, field: string) => {
    const rate = ctx.rate(n, field);
    if (rate === undefined) return;
    const col = byName.get(column);
    if (!col) {
      ctx.problem(
        n,
        field,
        `needs a boolean column ${excerpt(column)} in schema.yaml; add it or remove this rate`,
      );
    } else if (col.type !== "boolean") {
      ctx.problem(
        n,
        field,
        `applies to column ${
          excerpt(column)
        }, which is ${col.type}; label rates need a boolean column`,
      );
    } else if (evo.labelRates.has(column)) {
      ctx.problem(
        n,
        field,
        `rate for ${excerpt(column)} is given twice (fraud_rate and label_rates); keep one`,
      );
    } else evo.labelRates.set(column, { rate, loc: ctx.loc(n) });
  };
  if (f.has("fraud_rate")) addLabel("is_fraud", f.get("fraud_rate"), "fraud_rate");
  if (f.has("label_rates")) {
    for (const [col, , n] of ctx.entries(f.get("label_rates"), "label_rates")) {
      addLabel(col, n, join("label_rates", col));
    }
  }
  if (f.has("missingness")) {
    for (const [name, keyNode, n] of ctx.entries(f.get("missingness"), "missingness")) {
      const field = join("missingness", name);
      const rate = ctx.rate(n, field);
      const col = byName.get(name);
      if (!col) {
        ctx.problem(
          keyNode,
          field,
          `names unknown column ${excerpt(name)}; it must be declared in schema.yaml`,
        );
      } else if (!col.nullable) {
        ctx.problem(
          keyNode,
          field,
          `column ${
            excerpt(name)
          } is not nullable; set nullable: true in schema.yaml or remove this entry`,
        );
      } else if (rate !== undefined) evo.missingness.set(name, { rate, loc: ctx.loc(n) });
    }
  }
  if (f.has("thresholds")) {
    const t = ctx.fields(f.get("thresholds"), "thresholds", Object.keys(THRESHOLD_KEYS));
    for (const [key, n] of t) {
      const field = join("thresholds", key);
      const v = ctx.number(n, field);
      if (v === undefined) continue;
      if (v < 0 || (key !== "rate_tolerance" && key !== "psi" && v > 1)) {
        ctx.problem(n, field, key === "psi" ? "must be >= 0" : "must be between 0 and 1");
        continue;
      }
      evo.thresholds[THRESHOLD_KEYS[key]] = v;
    }
  }
  if (f.has("drift")) evo.drift = parseDrift(f.get("drift"), ctx);
  return evo;
}
