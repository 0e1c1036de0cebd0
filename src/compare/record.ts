/**
 * Where a comparison is kept: its own immutable folder,
 * `<out>/<dataset>/<version>/<real sha256 first 12>-h<fraction>[-t<target>]/`
 * holding compare_report.json and compare_report.html, outside the version
 * folder (whose files `sdp verify` checks against its manifest). The folder
 * is written under a temporary name and renamed into place, so a reader sees
 * all of it or none; a re-run with the same inputs produces the same bytes
 * and leaves an existing folder as it is; different bytes for the same name
 * (another sdp release) are refused rather than overwritten.
 *
 * @module
 */
import { IntegrityError } from "../errors.ts";
import { exists, readTextIfExists } from "../io/files.ts";

/** File names inside a comparison folder. */
export const COMPARE_FILES = {
  report: "compare_report.json",
  html: "compare_report.html",
} as const;

/** The folder of a comparison. */
export function recordDir(
  out: string,
  names: { dataset: string; version: string; sha256: string },
  options: { holdout: number; target: string | null },
): string {
  const leaf = `${names.sha256.slice(0, 12)}-h${options.holdout}` +
    (options.target === null ? "" : `-t${options.target}`);
  return `${out}/${names.dataset}/${names.version}/${leaf}`;
}

/** Write `files` as the folder `dir` atomically; "unchanged" when it already holds them. */
export async function writeRecord(
  dir: string,
  files: Record<string, string>,
  token: string,
): Promise<"written" | "unchanged"> {
  if (await exists(dir)) {
    for (const [name, text] of Object.entries(files)) {
      if (await readTextIfExists(`${dir}/${name}`) !== text) {
        throw new IntegrityError(
          `${dir} already holds a different ${name}; comparisons are immutable records. ` +
            `Move the folder away to record this comparison again`,
        );
      }
    }
    return "unchanged";
  }
  const parent = dir.slice(0, dir.lastIndexOf("/"));
  await Deno.mkdir(parent, { recursive: true });
  const tmp = `${dir}.tmp-${token}`;
  await Deno.mkdir(tmp);
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${tmp}/${name}`, text, { createNew: true });
      const f = await Deno.open(`${tmp}/${name}`, { read: true, write: true });
      try {
        await f.sync();
      } finally {
        f.close();
      }
    }
    await Deno.rename(tmp, dir);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  return "written";
}
