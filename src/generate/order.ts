/**
 * Generation order: a deterministic topological sort of the columns by the
 * dependencies each kind declares.
 *
 * @module
 */
import type { DatasetSpec } from "../model/mod.ts";
import { generatorDeps } from "./kinds/mod.ts";

/**
 * Columns in generation order: a topological sort of generator dependencies,
 * ties broken by name so the order is deterministic. `cycle` lists the columns
 * that could not be ordered (empty when the graph is acyclic).
 */
export function dependencyOrder(spec: DatasetSpec): { order: string[]; cycle: string[] } {
  const names = new Set(spec.columns.map((c) => c.name));
  const deps = new Map<string, Set<string>>();
  for (const c of spec.columns) {
    deps.set(c.name, new Set(generatorDeps(c.generator ?? null).filter((d) => names.has(d))));
  }
  const order: string[] = [];
  const done = new Set<string>();
  const sorted = [...names].sort();
  let progress = true;
  while (progress) {
    progress = false;
    for (const n of sorted) {
      if (done.has(n)) continue;
      if ([...deps.get(n)!].every((d) => done.has(d))) {
        order.push(n);
        done.add(n);
        progress = true;
        break; // restart from the smallest name: Kahn's with a sorted ready set
      }
    }
  }
  const rest = sorted.filter((n) => !done.has(n));
  return { order, cycle: rest.length > 0 ? findCycle(rest, deps) : [] };
}

function findCycle(rest: string[], deps: Map<string, Set<string>>): string[] {
  // Walk dependencies from the first remaining column until a node repeats.
  const restSet = new Set(rest);
  const path: string[] = [];
  let n = rest[0];
  while (!path.includes(n)) {
    path.push(n);
    n = [...deps.get(n)!].filter((d) => restSet.has(d)).sort()[0];
  }
  const cyc = path.slice(path.indexOf(n));
  return [...cyc, n];
}
