/**
 * Planning a multi-table dataset: every table's row count (roots from
 * dataset.yaml, children from the prefix sums of their per-parent counts)
 * and its generation plan with the relational layer (relations.ts) filled
 * in. Pure given the spec and version; the counts are the only thing drawn.
 *
 * @module
 */
import { chunkCount } from "../data/mod.ts";
import { ConfigError } from "../errors.ts";
import {
  CHUNK_ROWS,
  type DatasetSpec,
  type ForeignKeySpec,
  MAX_ROW_COUNT,
  type TableSpec,
} from "../model/mod.ts";
import { runSeed } from "../rng/mod.ts";
import type { GenerationContext } from "./env.ts";
import { generatorDeps } from "./kinds/mod.ts";
import { type GenerationPlan, planGeneration } from "./plan.ts";
import {
  CHILD_COUNT,
  CHILD_NUMBER,
  type ChildCountPlan,
  childCounts,
  countPmf,
  type DriverPlan,
  type ParentSource,
  type PickPlan,
} from "./relations.ts";

/** Most chunks of a lookup parent whose rows are regenerated (non-sequence key or read columns). */
export const MAX_LOOKUP_CHUNKS = 4;

/** One table, planned. */
export interface TablePlan {
  table: TableSpec;
  /** The table's spec with its row count filled in. */
  spec: DatasetSpec;
  plan: GenerationPlan;
  ctx: GenerationContext;
  rowCount: number;
}

/** Options of {@link planTables}. */
export interface PlanTablesOptions {
  version: string;
  versionIndex: number;
  /**
   * Rows of the largest root table; the other roots scale by the same factor
   * (at least 1 row each). Absent: dataset.yaml's counts.
   */
  rows?: number;
}

/** Plan every table of a multi-table dataset, parents first. */
export async function planTables(
  spec: DatasetSpec,
  options: PlanTablesOptions,
): Promise<TablePlan[]> {
  const tables = spec.tables ?? [];
  const roots = tables.filter((t) => !driverOf(t)).map((t) => t.spec.rowCount);
  const scale = options.rows === undefined ? 1 : options.rows / Math.max(...roots);
  const done = new Map<string, TablePlan>();
  const out: TablePlan[] = [];
  for (const table of tables) {
    const seedHex = await runSeed(table.spec.name, options.version);
    const driver = driverOf(table);
    let rowCount: number;
    let driverPlan: DriverPlan | undefined;
    if (driver && driver.mode.kind === "per_parent") {
      const parent = done.get(driver.table)!;
      const prefix = [0];
      const chunks = chunkCount(parent.rowCount, CHUNK_ROWS);
      for (let j = 0; j < chunks; j++) {
        const rows = Math.min(CHUNK_ROWS, parent.rowCount - j * CHUNK_ROWS);
        const counts = await childCounts(driver.mode.count, seedHex, { chunk: j, rows });
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += counts[i];
        prefix.push(prefix[j] + sum);
      }
      rowCount = prefix[chunks];
      if (rowCount > MAX_ROW_COUNT) {
        throw new ConfigError([{
          loc: driver.loc,
          field: `tables.${table.name}.foreign_keys`,
          message:
            `gives ${table.name} ${rowCount} rows, more than the ${MAX_ROW_COUNT} (2^40) a table may hold; lower the parents' rows or the children per parent`,
        }]);
      }
      driverPlan = {
        columns: driver.columns,
        refColumns: driver.refColumns,
        parent: source(parent),
        count: driver.mode.count,
        prefix,
        reads: reads(table, driver.table),
      };
    } else {
      rowCount = scale === 1
        ? table.spec.rowCount
        : Math.max(1, Math.round(table.spec.rowCount * scale));
    }
    const tspec: DatasetSpec = { ...table.spec, rowCount };
    const plan = planGeneration(tspec);
    const ctx: GenerationContext = {
      seedHex,
      rowCount,
      versionIndex: options.versionIndex,
      chunkRows: CHUNK_ROWS,
    };
    const self: TablePlan = { table, spec: tspec, plan, ctx, rowCount };
    const picks: PickPlan[] = [];
    for (const fk of table.foreignKeys) {
      if (fk.mode.kind !== "pick") continue;
      const parent = fk.self ? self : done.get(fk.table)!;
      const src = source(parent);
      const r = fk.self ? [] : reads(table, fk.table).filter(() => driver?.table !== fk.table);
      const generic = r.length > 0 || fk.refColumns.some((c) => !src.sequences[c]);
      if (generic && chunkCount(parent.rowCount, CHUNK_ROWS) > MAX_LOOKUP_CHUNKS) {
        throw new ConfigError([{
          loc: fk.loc,
          field: `tables.${table.name}.foreign_keys`,
          message: `a pick into ${fk.table} (${parent.rowCount} rows) needs a sequence key and ` +
            `reads no ${fk.table} column when ${fk.table} has more than ` +
            `${MAX_LOOKUP_CHUNKS * CHUNK_ROWS} rows`,
        }]);
      }
      picks.push({
        columns: fk.columns,
        refColumns: fk.refColumns,
        parent: src,
        self: fk.self,
        pick: fk.mode.pick,
        nullRate: fk.mode.nullRate,
        reads: r,
      });
    }
    const counts: ChildCountPlan[] = [];
    const read = new Set(table.spec.columns.flatMap((c) => generatorDeps(c.generator ?? null)));
    for (const child of tables) {
      const fk = driverOf(child);
      const name = `${child.name}.${CHILD_COUNT}`;
      if (!fk || fk.self || fk.table !== table.name || !read.has(name)) continue;
      if (fk.mode.kind !== "per_parent") continue;
      counts.push({
        name,
        count: fk.mode.count,
        seedHex: await runSeed(child.spec.name, options.version),
      });
    }
    if (driverPlan || picks.length > 0 || counts.length > 0) {
      plan.relations = {
        table: table.name,
        ...(driverPlan ? { driver: driverPlan } : {}),
        picks,
        ...(counts.length > 0 ? { counts } : {}),
      };
    }
    done.set(table.name, self);
    out.push(self);
  }
  return out;
}

/**
 * Expected row count of every table (roots as planned, children as their
 * parent's expected rows times the mean children per parent): cheap, for
 * estimates before anything is drawn.
 */
export function expectedRowCounts(spec: DatasetSpec, rows?: number): Map<string, number> {
  const tables = spec.tables ?? [];
  const roots = tables.filter((t) => !driverOf(t)).map((t) => t.spec.rowCount);
  const scale = rows === undefined ? 1 : rows / Math.max(...roots);
  const out = new Map<string, number>();
  for (const t of tables) {
    const d = driverOf(t);
    if (d && d.mode.kind === "per_parent") {
      const c = d.mode.count;
      const mean = countPmf(c).reduce((a, p, i) => a + p * (c.min + i), 0);
      out.set(t.name, Math.round((out.get(d.table) ?? 0) * mean));
    } else {
      out.set(
        t.name,
        scale === 1 ? t.spec.rowCount : Math.max(1, Math.round(t.spec.rowCount * scale)),
      );
    }
  }
  return out;
}

/** The one-to-many foreign key that decides a table's rows, if any. */
export function driverOf(t: TableSpec): ForeignKeySpec | undefined {
  return t.foreignKeys.find((f) => f.mode.kind === "per_parent");
}

/** A planned table as its children see it. */
function source(p: TablePlan): ParentSource {
  const sequences: Record<string, { start: number; step: number }> = {};
  for (const name of p.table.primaryKey) {
    const c = p.plan.columns[name];
    if (c && c.gen.kind === "sequence" && c.drift.length === 0 && c.missing === undefined) {
      sequences[name] = { start: c.gen.start, step: c.gen.step };
    }
  }
  // The plan without its own parents' plans when nothing needs regenerating is still whole:
  // grandparents are needed to regenerate a parent chunk.
  return { table: p.table.name, plan: p.plan, ctx: p.ctx, sequences };
}

/** Columns of `parent` that `table`'s generators read as `<parent>.<column>`. */
function reads(table: TableSpec, parent: string): string[] {
  const out = new Set<string>();
  for (const c of table.spec.columns) {
    for (const d of generatorDeps(c.generator ?? null)) {
      const dot = d.indexOf(".");
      if (dot < 0 || d.slice(0, dot) !== parent) continue;
      const col = d.slice(dot + 1);
      if (col !== CHILD_NUMBER) out.add(col);
    }
  }
  return [...out].sort();
}
