/**
 * The in-memory tables `sdp compare` measures: the sampled training,
 * holdout and synthetic rows of the compared columns, one typed array per
 * column. Continuous columns (integer, float, datetime) hold numbers with NaN
 * for null; discrete columns (string, boolean) hold codes into one dictionary
 * shared by every table of the comparison, with -1 for null, so a category
 * is the same code on the real and the synthetic side.
 *
 * @module
 */
import { type Chunk, type ColumnType, type ColumnValues, formatDate } from "../data/mod.ts";

/** SDMetrics' sdtypes, as sdp column types map onto them. */
export type ColumnKind = "numerical" | "datetime" | "categorical" | "boolean";

/** Whether a kind is continuous (KS, correlation, binned for contingency) or discrete. */
export function isContinuous(kind: ColumnKind): boolean {
  switch (kind) {
    case "numerical":
    case "datetime":
      return true;
    case "categorical":
    case "boolean":
      return false;
  }
}

/** The kind of an sdp column type. */
export function kindOf(type: ColumnType): ColumnKind {
  switch (type) {
    case "integer":
    case "float":
      return "numerical";
    case "datetime":
    case "date": // read as UTC midnights (numberAt)
      return "datetime";
    case "boolean":
      return "boolean";
    case "string":
      return "categorical";
  }
}

/** The categories of one discrete column, shared by all tables of a comparison. */
export class Dictionary {
  readonly values: string[] = [];
  readonly #codes = new Map<string, number>();

  /** The code of `value`, added when new. */
  code(value: string): number {
    let c = this.#codes.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(value);
      this.#codes.set(value, c);
    }
    return c;
  }
}

/** A numerical or datetime column: numbers, NaN = null. */
export interface NumericColumn {
  name: string;
  kind: "numerical" | "datetime";
  values: Float64Array;
}

/** A categorical or boolean column: codes into `dict`, -1 = null. */
export interface DiscreteColumn {
  name: string;
  kind: "categorical" | "boolean";
  codes: Int32Array;
  dict: Dictionary;
}

/** One column of a {@link Table}. */
export type TableColumn = NumericColumn | DiscreteColumn;

/** Whether a column holds numbers (numerical, datetime) rather than codes. */
export function isNumeric(c: TableColumn): c is NumericColumn {
  return c.kind === "numerical" || c.kind === "datetime";
}

/** Rows of the compared columns, in column-name order. */
export interface Table {
  rows: number;
  columns: TableColumn[];
}

/** A compared column: name, kind and (discrete) its shared dictionary. */
export interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  dict?: Dictionary;
}

/** Plans for `columns` with fresh dictionaries for the discrete ones (booleans: false, true). */
export function planColumns(columns: readonly { name: string; kind: ColumnKind }[]): ColumnPlan[] {
  return columns.map((c) => {
    if (isContinuous(c.kind)) return { name: c.name, kind: c.kind };
    const dict = new Dictionary();
    if (c.kind === "boolean") {
      dict.code("false");
      dict.code("true");
    }
    return { name: c.name, kind: c.kind, dict };
  });
}

/** Appends chosen rows of chunks to growable columns; {@link finish} gives the table. */
export class TableBuilder {
  readonly #plans: ColumnPlan[];
  #num: Float64Array[];
  #codes: Int32Array[];
  #rows = 0;

  constructor(plans: ColumnPlan[]) {
    this.#plans = plans;
    this.#num = plans.map(() => new Float64Array(1024));
    this.#codes = plans.map(() => new Int32Array(1024));
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Append row `i` of `chunk`. */
  add(chunk: Chunk, i: number): void {
    const at = this.#rows;
    if (at === this.#num[0]?.length || at === this.#codes[0]?.length) this.#grow();
    for (let c = 0; c < this.#plans.length; c++) {
      const plan = this.#plans[c];
      const col = chunk.columns.get(plan.name)!;
      const present = col.valid === null || col.valid[i] === 1;
      if (plan.dict === undefined) {
        this.#num[c][at] = present ? numberAt(col, i) : NaN;
      } else {
        this.#codes[c][at] = present ? plan.dict.code(textAt(col, i)) : -1;
      }
    }
    this.#rows++;
  }

  #grow(): void {
    const size = Math.max(1024, this.#rows * 2);
    this.#num = this.#num.map((a) => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, this.#rows));
      return b;
    });
    this.#codes = this.#codes.map((a) => {
      const b = new Int32Array(size);
      b.set(a.subarray(0, this.#rows));
      return b;
    });
  }

  /** The table of the rows appended. */
  finish(): Table {
    const n = this.#rows;
    return {
      rows: n,
      columns: this.#plans.map((p, c): TableColumn => {
        switch (p.kind) {
          case "numerical":
          case "datetime":
            return { name: p.name, kind: p.kind, values: this.#num[c].slice(0, n) };
          case "categorical":
          case "boolean":
            return { name: p.name, kind: p.kind, codes: this.#codes[c].slice(0, n), dict: p.dict! };
        }
      }),
    };
  }
}

function numberAt(col: ColumnValues, i: number): number {
  switch (col.type) {
    case "integer":
    case "float":
    case "datetime":
    case "boolean":
      return col.values[i];
    case "date":
      // Days as UTC midnights: the datetime metrics, ranges and labels then apply unchanged.
      return col.values[i] * 86_400_000;
    case "string":
      throw new TypeError("a string column cannot be read as a number");
  }
}

function textAt(col: ColumnValues, i: number): string {
  switch (col.type) {
    case "string":
      return col.values[i];
    case "boolean":
      return col.values[i] === 1 ? "true" : "false";
    case "integer":
    case "float":
    case "datetime":
      return String(col.values[i]);
    case "date":
      return formatDate(col.values[i]);
  }
}

/** Build a table from plain values (tests, worked examples): null is null. */
export function tableFrom(
  plans: ColumnPlan[],
  data: Record<string, readonly (number | string | boolean | null)[]>,
): Table {
  const n = data[plans[0]?.name]?.length ?? 0;
  return {
    rows: n,
    columns: plans.map((p): TableColumn => {
      const xs = data[p.name];
      switch (p.kind) {
        case "numerical":
        case "datetime":
          return {
            name: p.name,
            kind: p.kind,
            values: Float64Array.from(xs, (x) => (x === null ? NaN : Number(x))),
          };
        case "categorical":
        case "boolean":
          return {
            name: p.name,
            kind: p.kind,
            codes: Int32Array.from(xs, (x) => (x === null ? -1 : p.dict!.code(String(x)))),
            dict: p.dict!,
          };
      }
    }),
  };
}

/** The rows `rows` of `t` (in that order) as a new table. */
export function selectRows(t: Table, rows: readonly number[] | Int32Array): Table {
  return {
    rows: rows.length,
    columns: t.columns.map((c): TableColumn => {
      if (isNumeric(c)) {
        return { ...c, values: Float64Array.from(rows, (r) => c.values[r]) };
      }
      return { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]) };
    }),
  };
}
