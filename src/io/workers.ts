/**
 * Whether a module Worker can start. Deno loads a worker's script like a
 * dynamic import, so from source a `file:` worker needs read access to its
 * module (unlike the main module's static graph, which is read without a
 * permission check). Under `deno run` with the release flags (`--allow-read=.`)
 * from a folder outside the source tree that access is missing: callers then
 * work on the calling thread instead (same bytes, one core) and say so in the
 * log.
 */
import { fileURLToPath } from "node:url";

/**
 * True when `url` (a worker module that answers `{type: "ping"}` with
 * `{type: "pong"}`) can be loaded. From source this is a read-permission
 * question. In a compiled binary the module comes from the embedded graph,
 * whose loading the permission query does not describe, so one worker is
 * started and asked (once per process).
 */
export async function canLoadWorker(url: URL): Promise<boolean> {
  if (Deno.build.standalone) {
    let probe = probes.get(url.href);
    if (!probe) probes.set(url.href, probe = probeWorker(url));
    return await probe;
  }
  if (url.protocol !== "file:") return true;
  try {
    const path = fileURLToPath(url);
    return Deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return true;
  }
}

const probes = new Map<string, Promise<boolean>>();

/** Start one worker from `url`, ask it for a pong, terminate it; false on any failure. */
export function probeWorker(url: URL, timeoutMs = 15_000): Promise<boolean> {
  return new Promise((resolve) => {
    let worker: Worker | undefined;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      worker?.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    try {
      worker = new Worker(url.href, { type: "module" });
    } catch {
      done(false);
      return;
    }
    worker.onmessage = (ev: MessageEvent<{ type?: string }>) => done(ev.data?.type === "pong");
    worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      done(false);
    };
    worker.postMessage({ type: "ping" });
  });
}
