/**
 * No import cycles between folders under src/: the folder-level import graph,
 * built from the source text of src/**\/*.ts (type-only imports included,
 * since they tie the folders' designs together just the same), has no cycle.
 * Tests beside the code (`*_test.ts`) are not part of the program's module
 * graph and are left out.
 */
import assert from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url);

/**
 * Folder imports ("from -> to") left out of the graph, each with the reason
 * it is allowed. Empty: every cycle is a design error. The test fails on
 * entries that no longer match an import.
 */
export const KNOWN_CYCLE_EDGES: readonly string[] = [];

/** Every .ts file under `dir`, as paths relative to src/. */
async function sourceFiles(dir: URL, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      out.push(...await sourceFiles(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    } else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
      out.push(`${prefix}${e.name}`);
    }
  }
  return out;
}

/** Folder of a path relative to src/ ("" for files directly in src/). */
function folderOf(rel: string): string {
  const i = rel.indexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Folder-level edges (from -> to) of src/, with one file per edge as evidence. */
export async function folderGraph(): Promise<Map<string, Map<string, string>>> {
  const graph = new Map<string, Map<string, string>>();
  for (const rel of await sourceFiles(SRC)) {
    const from = folderOf(rel);
    const text = await Deno.readTextFile(new URL(rel, SRC));
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith(".")) continue;
      const target = new URL(spec, new URL(rel, SRC)).href;
      if (!target.startsWith(SRC.href)) continue;
      const to = folderOf(target.slice(SRC.href.length));
      if (to === from || from === "" || to === "") continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, rel);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
export function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  function visit(v: string): void {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

Deno.test("architecture: no import cycle between folders under src/", async () => {
  const graph = await folderGraph();
  const stale = KNOWN_CYCLE_EDGES.filter((e) => {
    const [from, to] = e.split(" -> ");
    return !graph.get(from)?.delete(to);
  });
  const found = cycles(graph);
  const describe = (scc: string[]) => {
    const edges = scc.flatMap((a) =>
      scc.filter((b) => graph.get(a)?.has(b)).map((b) => `  ${a} -> ${b} (${graph.get(a)!.get(b)})`)
    );
    return `${scc.join(" <-> ")}\n${edges.join("\n")}`;
  };
  assert.equal(
    found.length,
    0,
    `import cycles between folders:\n${found.map(describe).join("\n")}`,
  );
  assert.deepEqual(stale, [], `KNOWN_CYCLE_EDGES lists imports that are gone: ${stale.join(", ")}`);
});
