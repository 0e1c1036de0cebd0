/**
 * Version ids. The default id is the UTC time as `YYYY-MM-DDTHH-MM-SSZ`
 * (the clock is passed in); `--run-id` accepts that form or a safe slug.
 *
 * @module
 */

/**
 * Contract version: bumped whenever the same config + version would give
 * different bytes. Parquet's `created_by` names it, so every bump changes the
 * golden hashes (tests/golden.json). 5: every key of every JSON artifact is
 * snake_case (profile format 2, evaluation report format 2). 6: drift
 * semantics (evaluation report format 3, drift report format 3: identifiers,
 * declared drift as `expected`, one status per metric, error bounds); data
 * values unchanged.
 */
export const DETERMINISM_CONTRACT = 6;

/** `YYYY-MM-DDTHH-MM-SSZ` for a UTC instant. */
export function versionFromTime(now: Date): string {
  return now.toISOString().slice(0, 19).replaceAll(":", "-") + "Z";
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why `id` is not a safe version id, or undefined when it is. Rejects anything
 * that could leave the runs folder or confuse a file system.
 */
export function checkVersionId(id: string): string | undefined {
  if (id.length === 0) return "run id is empty";
  if (id.length > 128) return `run id is ${id.length} characters; the limit is 128`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return "run id contains control characters";
  if (id.includes("/") || id.includes("\\")) return "run id must not contain / or \\";
  if (id.includes("..")) return "run id must not contain ..";
  if (id.startsWith(".")) return "run id must not start with a dot";
  if (!SLUG.test(id)) {
    return "run id may use only letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. 2025-01-15T00-00-00Z or v1)";
  }
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(id)) {
    return "run id is a reserved device name on Windows";
  }
  return undefined;
}
