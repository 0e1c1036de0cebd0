/**
 * Leftovers of interrupted runs: `.staging-*` and `.reproduce-*` folders in a
 * dataset's runs folder. Readers never treat them as versions (their names
 * start with a dot, which version ids cannot). The next run removes those
 * older than {@link STALE_AFTER_MS} (no run takes that long to write its
 * staging folder) and reports younger ones, which may belong to a live run.
 */
import type { Logger } from "../log/mod.ts";

/** Age after which a leftover folder is considered abandoned. */
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/** What was found and done. */
export interface LeftoverReport {
  removed: string[];
  kept: string[];
}

/** Remove abandoned leftovers under `datasetDir`, report the others. */
export async function sweepLeftovers(
  datasetDir: string,
  options: { now: Date; log: Logger; ownToken: string },
): Promise<LeftoverReport> {
  const out: LeftoverReport = { removed: [], kept: [] };
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(datasetDir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out;
    throw err;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (
      !e.isDirectory || !/^\.(staging|reproduce)-/.test(e.name) || e.name.includes(options.ownToken)
    ) {
      continue;
    }
    const path = `${datasetDir}/${e.name}`;
    const st = await Deno.stat(path).catch(() => undefined);
    if (!st) continue;
    const age = options.now.getTime() - (st.mtime?.getTime() ?? options.now.getTime());
    if (age >= STALE_AFTER_MS) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
      out.removed.push(path);
      options.log.log("WARNING", "leftover_removed", { path, age_ms: age });
    } else {
      out.kept.push(path);
      options.log.log("WARNING", "leftover_present", {
        path,
        age_ms: age,
        hint: "a concurrent run, or an interrupted one (Ctrl-C); it is removed automatically " +
          "once stale, or now with 'sdp gc --yes --include-recent' when no run is active",
      });
    }
  }
  return out;
}

/** A leftover found by {@link findLeftovers}. */
export interface Leftover {
  dataset: string;
  path: string;
  kind: "failed" | "staging";
  bytes: number;
  /** Milliseconds since its last change. */
  age_ms: number;
}

async function treeSize(path: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(path)) {
    const p = `${path}/${e.name}`;
    if (e.isDirectory) total += await treeSize(p);
    else if (e.isFile) total += (await Deno.stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function dirNames(path: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for await (const e of Deno.readDir(path)) if (e.isDirectory) out.push(e.name);
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/**
 * Failed attempts (`<dataset>/_failed/*`, kept with their data for
 * inspection) and staging leftovers (`<dataset>/.staging-*`,
 * `<dataset>/.reproduce-*`) under `runsDir`, with their sizes.
 */
export async function findLeftovers(runsDir: string, now: Date): Promise<Leftover[]> {
  const out: Leftover[] = [];
  const add = async (dataset: string, path: string, kind: Leftover["kind"]) => {
    const st = await Deno.stat(path).catch(() => undefined);
    if (!st) return;
    out.push({
      dataset,
      path,
      kind,
      bytes: await treeSize(path).catch(() => 0),
      age_ms: Math.max(0, now.getTime() - (st.mtime?.getTime() ?? now.getTime())),
    });
  };
  for (const dataset of await dirNames(runsDir)) {
    if (dataset.startsWith(".") || dataset.startsWith("_")) continue;
    const dir = `${runsDir}/${dataset}`;
    for (const name of await dirNames(dir)) {
      if (/^\.(staging|reproduce)-/.test(name)) await add(dataset, `${dir}/${name}`, "staging");
    }
    for (const name of await dirNames(`${dir}/_failed`)) {
      await add(dataset, `${dir}/_failed/${name}`, "failed");
    }
  }
  return out;
}

/** Remove one leftover folder (recursively). */
export async function removeLeftover(path: string): Promise<void> {
  await Deno.remove(path, { recursive: true });
}
