/**
 * Whether a module Worker can start. Deno loads a worker's script like a
 * dynamic import, so a `file:` worker needs read access to its source (unlike
 * the main module's static graph, which is read without a permission check).
 * Under `deno run` with the release flags (`--allow-read=.`) from a folder
 * outside the source tree that access is missing: callers then work on the
 * calling thread instead (same bytes, one core) and say so in the log.
 */
import { fileURLToPath } from "node:url";

/** True when `url` (a worker module) may be loaded under the current permissions. */
export function canLoadWorker(url: URL): boolean {
  if (url.protocol !== "file:") return true;
  try {
    return Deno.permissions.querySync({ name: "read", path: fileURLToPath(url) }).state ===
      "granted";
  } catch {
    return true;
  }
}
