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
      options.log.log("INFO", "leftover_present", {
        path,
        age_ms: age,
        hint: "a concurrent run, or an interrupted one; it is removed automatically once stale",
      });
    }
  }
  return out;
}
