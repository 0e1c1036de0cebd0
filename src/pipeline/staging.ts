/**
 * Where a run writes: its staging folder, its final folder, and where a
 * version that failed validation is kept; and the timing of its stages.
 *
 * @module
 */
import { sweepLeftovers } from "../integrity/mod.ts";
import type { Logger } from "../log/mod.ts";

/** The folders of one run. */
export interface RunPaths {
  datasetDir: string;
  finalDir: string;
  stagingDir: string;
  failedDir: string;
}

/**
 * Folders of version `version` of `dataset`: under `runsDir`, or next to
 * `outputDir` when given (reproduction). `token` makes staging names unique.
 */
export function runPaths(
  dataset: string,
  version: string,
  options: { runsDir: string; outputDir?: string; token: string },
): RunPaths {
  const { outputDir, token } = options;
  const datasetDir = `${options.runsDir}/${dataset}`;
  return {
    datasetDir,
    finalDir: outputDir ?? `${datasetDir}/${version}`,
    stagingDir: outputDir
      ? `${outputDir}.staging-${token}`
      : `${datasetDir}/.staging-${version}-${token}`,
    failedDir: outputDir ? `${outputDir}.failed` : `${datasetDir}/_failed/${version}-${token}`,
  };
}

/**
 * Create the staging folder; in the runs folder, first sweep the leftovers
 * of earlier attempts that ended without cleaning up. Returns the folders
 * above it that this call created (outermost first), so that a failed run
 * can remove them again and leave nothing behind.
 */
export async function openStaging(
  paths: RunPaths,
  options: { sweep: boolean; startedAt: Date; token: string; log: Logger },
): Promise<string[]> {
  const parent = paths.stagingDir.slice(0, paths.stagingDir.lastIndexOf("/"));
  const above = [parent.slice(0, parent.lastIndexOf("/")), parent].filter((d) => d !== "");
  const created: string[] = [];
  for (const dir of above) {
    if (!(await Deno.stat(dir).then(() => true, () => false))) created.push(dir);
  }
  if (options.sweep) {
    await sweepLeftovers(paths.datasetDir, {
      now: options.startedAt,
      log: options.log,
      ownToken: options.token,
    });
  }
  await Deno.mkdir(paths.stagingDir, { recursive: true });
  return created;
}

/** Remove the folders {@link openStaging} created, innermost first, if they are empty. */
export async function removeCreated(created: readonly string[]): Promise<void> {
  for (const dir of [...created].reverse()) {
    // Not recursive: a folder that now holds anything (failed reports) stays.
    await Deno.remove(dir).catch(() => {});
  }
}

/** Times stages into `durations` (ms), logging their start and end. */
export interface StageTimer {
  durations: Record<string, number>;
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** A {@link StageTimer} that logs to `log`. */
export function stageTimer(log: Logger): StageTimer {
  const durations: Record<string, number> = {};
  return {
    durations,
    async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const t0 = performance.now();
      log.log("DEBUG", "stage_start", { stage: name });
      const out = await fn();
      durations[name] = Math.round(performance.now() - t0);
      log.log("INFO", "stage_done", { stage: name, duration_ms: durations[name] });
      return out;
    },
  };
}
