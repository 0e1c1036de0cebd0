/**
 * Cross-column checks of a whole {@link DatasetSpec}: each kind's own checks
 * (kinds/), dependency cycles, correlation blocks, label rates, missingness
 * and drift targets.
 *
 * @module
 */
import { excerpt } from "../strict_yaml/mod.ts";
import {
  type ColumnSpec,
  type ConfigProblem,
  type DatasetSpec,
  DIST_KINDS,
  type GeneratorSpec,
  type Location,
} from "../model/mod.ts";
import { type CheckInput, isUniqueGenerator, kindOf } from "./kinds/mod.ts";
import { dependencyOrder } from "./order.ts";

/**
 * Cross-column checks once the whole spec is known: unknown column references,
 * dependency cycles, correlation blocks over non-distribution columns, drift
 * and label-rate targets that cannot apply, uniqueness that a generator cannot
 * guarantee, and truncation bounds with no probability mass.
 */
export function checkGeneration(spec: DatasetSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const add = (loc: Location, field: string, message: string) =>
    problems.push({ loc, field, message });

  for (const col of spec.columns) {
    const g = col.generator;
    const field = `columns.${col.name}.generator`;
    if (!g) continue;
    const input = (g: GeneratorSpec): CheckInput => ({
      col,
      field,
      rowCount: spec.rowCount,
      byName,
      add,
      need(name, what) {
        const c = byName.get(name);
        if (!c) add(g.loc, field, `${what} refers to unknown column ${excerpt(name)}`);
        return c;
      },
    });
    const refs = (g: GeneratorSpec | null): void => {
      if (g !== null) kindOf(g.kind).checkRefs?.(g, input(g), refs);
    };
    const mass = (g: GeneratorSpec | null): void => {
      if (g !== null) kindOf(g.kind).checkMass?.(g, input(g), mass);
    };
    refs(g);
    if (col.unique && !isUniqueGenerator(g)) {
      add(
        g.loc,
        field,
        `column is unique but ${
          excerpt(g.kind)
        } can repeat values; use sequence, uuid, or a template with {seq}`,
      );
    }
    mass(g);
    kindOf(g.kind).checkRange?.(g, input(g));
  }

  // Dependency cycles: Kahn's algorithm; what remains sits on a cycle.
  const order = dependencyOrder(spec);
  if (order.cycle.length > 0) {
    const first = byName.get(order.cycle[0])!;
    add(
      first.generator?.loc ?? first.loc,
      `columns.${first.name}.generator`,
      `dependency cycle among columns ${
        order.cycle.join(" -> ")
      }; a column cannot depend on itself`,
    );
  }

  const inCopula = new Set<string>();
  spec.correlations.forEach((c, i) => {
    c.columns.forEach((name) => {
      const col = byName.get(name);
      const field = `correlations.${i}.columns`;
      if (!col) return add(c.loc, field, `unknown column ${excerpt(name)}`);
      if (inCopula.has(name)) {
        return add(c.loc, field, `column ${excerpt(name)} is in two correlation blocks`);
      }
      inCopula.add(name);
      if (!copulaReady(col)) {
        add(
          c.loc,
          field,
          `column ${
            excerpt(name)
          } needs a generator with a CDF to join a copula: a numeric distribution (${
            DIST_KINDS.join(", ")
          }), categorical, boolean or datetime`,
        );
      }
    });
  });

  const labelCols = new Set(spec.evolution.labelRates.keys());
  for (const [name, r] of spec.evolution.labelRates) {
    const col = byName.get(name);
    if (!col) add(r.loc, `label_rates.${name}`, `unknown column ${excerpt(name)}`);
    else if (col.type !== "boolean") {
      add(r.loc, `label_rates.${name}`, `column ${excerpt(name)} is ${col.type}, not boolean`);
    } else if (col.generator !== undefined) {
      // The rate drives only an inferred generator; a declared one would ignore it and the
      // quality check would then fail on the rate the config states.
      add(
        r.loc,
        `label_rates.${name}`,
        `column ${
          excerpt(name)
        } declares its own generator (${col.generator.loc.file}:${col.generator.loc.line}:${col.generator.loc.col}), ` +
          `which the rate would not change; remove the generator to let the rate set the share of true ` +
          `values, or remove the rate and set it in the generator (e.g. {kind: boolean, rate: 0.02})`,
      );
    }
  }
  for (const [name, r] of spec.evolution.missingness) {
    const col = byName.get(name);
    if (!col) add(r.loc, `missingness.${name}`, `unknown column ${excerpt(name)}`);
    else if (!col.nullable) {
      add(
        r.loc,
        `missingness.${name}`,
        `column ${excerpt(name)} is not nullable; set nullable: true`,
      );
    }
  }
  spec.evolution.drift.forEach((d, i) => {
    const field = `drift.${i}.column`;
    const col = byName.get(d.column);
    if (!col) return add(d.loc, field, `unknown column ${excerpt(d.column)}`);
    switch (d.kind) {
      case "shift":
      case "scale":
        if (col.type !== "integer" && col.type !== "float") {
          add(
            d.loc,
            field,
            `${d.kind} needs a numeric column; ${excerpt(d.column)} is ${col.type}`,
          );
        }
        return;
      case "mix": {
        const g = col.generator;
        const values = g?.kind === "categorical" ? g.values.map(String) : col.allowed;
        if (!values) {
          return add(
            d.loc,
            field,
            `mix needs a categorical generator or allowed_values on ${excerpt(d.column)}`,
          );
        }
        const target = Object.keys(d.target);
        for (const v of target) {
          if (!values.includes(v)) {
            add(
              d.loc,
              `drift.${i}.mix.${v}`,
              `${excerpt(v)} is not a value of ${excerpt(d.column)} (${values.join(", ")})`,
            );
          }
        }
        return;
      }
      case "rate":
        if (col.type !== "boolean") {
          add(d.loc, field, `rate needs a boolean column; ${excerpt(d.column)} is ${col.type}`);
        } else if (col.generator && col.generator.kind !== "boolean" && !labelCols.has(col.name)) {
          add(
            d.loc,
            field,
            `rate applies to boolean generators or label rates; ${
              excerpt(d.column)
            } uses ${col.generator.kind}`,
          );
        }
        return;
      case "missingness":
        if (!spec.evolution.missingness.has(d.column) && !col.nullable) {
          add(d.loc, field, `column ${excerpt(d.column)} is not nullable`);
        }
        return;
    }
  });
  return problems;
}

/**
 * Whether a column's values come from one uniform through a CDF, so it can
 * join a copula: a declared numeric distribution, categorical (the category
 * whose cumulative interval holds the uniform, in the declared order),
 * boolean or datetime generator, or a boolean column without a generator.
 */
function copulaReady(col: ColumnSpec): boolean {
  const g = col.generator;
  if (!g) return col.type === "boolean";
  return (DIST_KINDS as readonly string[]).includes(g.kind) || g.kind === "categorical" ||
    g.kind === "boolean" || g.kind === "datetime";
}
