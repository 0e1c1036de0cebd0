/**
 * The registry: registry/datasets.json lists every finalized version of every
 * dataset. It is only changed under an exclusive lock and replaced atomically
 * (temp file + rename), so concurrent runs lose no entry and readers never see
 * half a file.
 *
 * The lock is `datasets.json.lock`, held with an OS file lock (flock/LockFileEx)
 * on an open handle: the OS releases it when the owner dies, even by SIGKILL.
 * The owner writes its pid into the file and empties it on release, so a new
 * owner that finds a pid there knows the previous one died holding the lock
 * and says so in the log.
 *
 * @module
 */
import { canonicalJson } from "../artifacts/json.ts";
import { compareNames } from "../data/mod.ts";
import { IntegrityError } from "../errors.ts";
import { readTextIfExists, writeTextAtomic } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";

/** Registry file format version. */
export const REGISTRY_FORMAT = 1;

/** A publication of a version to an external target (e.g. Kaggle). */
export interface Publication {
  target: string;
  remote_version: number | null;
  url: string | null;
  published_at: string;
  files: Record<string, string>;
}

/** One finalized version. */
export interface VersionEntry {
  version: string;
  row_count: number;
  /** SHA-256 of the primary data file. */
  data_sha256: string;
  /** Content hash over the deterministic artifacts (see final_metadata.json). */
  content_hash: string;
  /** Folder, relative to the registry's runs folder base (`<dataset>/<version>`). */
  path: string;
  created_at: string;
  formats: string[];
  source: "generated" | "ingested";
  publications?: Publication[];
}

/** The registry document. */
export interface Registry {
  format: number;
  datasets: Record<string, { versions: VersionEntry[] }>;
}

/** An empty registry. */
export function emptyRegistry(): Registry {
  return { format: REGISTRY_FORMAT, datasets: {} };
}

/** Parse registry text; throws IntegrityError naming the file when it is not a registry. */
export function parseRegistry(text: string, file: string): Registry {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new IntegrityError(
      `${file} is not valid JSON (${
        (err as Error).message
      }); restore it or run 'sdp registry rebuild'`,
    );
  }
  const r = doc as Registry;
  if (
    typeof r !== "object" || r === null || r.format !== REGISTRY_FORMAT ||
    typeof r.datasets !== "object" || r.datasets === null
  ) {
    throw new IntegrityError(
      `${file} is not an sdp registry (format ${REGISTRY_FORMAT}); restore it or run 'sdp registry rebuild'`,
    );
  }
  for (const [name, d] of Object.entries(r.datasets)) {
    if (!Array.isArray(d?.versions)) {
      throw new IntegrityError(
        `${file}: datasets.${name}.versions must be a list; run 'sdp registry rebuild'`,
      );
    }
  }
  return r;
}

/** Read the registry (empty when the file does not exist). */
export async function readRegistry(file: string): Promise<Registry> {
  const text = await readTextIfExists(file);
  return text === undefined ? emptyRegistry() : parseRegistry(text, file);
}

/** Canonical text of a registry (datasets sorted by name; versions keep finalize order). */
export function registryText(r: Registry): string {
  const datasets: Registry["datasets"] = {};
  for (const k of Object.keys(r.datasets).sort(compareNames)) datasets[k] = r.datasets[k];
  return canonicalJson({ format: r.format, datasets });
}

/** Versions of a dataset in finalize order. */
export function versionsOf(r: Registry, dataset: string): VersionEntry[] {
  return r.datasets[dataset]?.versions ?? [];
}

/** Append a version; throws IntegrityError when it is already listed. */
export function addVersion(r: Registry, dataset: string, entry: VersionEntry): Registry {
  const versions = versionsOf(r, dataset);
  if (versions.some((v) => v.version === entry.version)) {
    throw new IntegrityError(`version ${entry.version} of ${dataset} is already in the registry`);
  }
  return { ...r, datasets: { ...r.datasets, [dataset]: { versions: [...versions, entry] } } };
}

/** Options for {@link withRegistryLock}. */
export interface LockOptions {
  pid: number;
  log: Logger;
  /** Give up after this many ms of waiting (default 120 000). */
  timeoutMs?: number;
}

/**
 * Run `fn` holding the registry's exclusive lock. `fn` receives the current
 * registry and returns the new one (or undefined to leave it unchanged) plus a
 * result; the new registry is written atomically before the lock is released.
 */
export async function withRegistryLock<T>(
  file: string,
  fn: (current: Registry) => Promise<{ registry?: Registry; result: T }>,
  options: LockOptions,
): Promise<T> {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const lockPath = `${file}.lock`;
  const lock = await Deno.open(lockPath, { read: true, write: true, create: true });
  try {
    await lockWithTimeout(lock, options.timeoutMs ?? 120_000, lockPath);
    const prior = new TextDecoder().decode(await readAll(lock)).trim();
    if (prior !== "") {
      options.log.log("WARNING", "stale_lock_taken_over", {
        lock: lockPath,
        previous_owner: prior,
      });
    }
    await lock.truncate(0);
    await lock.seek(0, Deno.SeekMode.Start);
    await lock.write(new TextEncoder().encode(JSON.stringify({ pid: options.pid })));
    const { registry, result } = await fn(await readRegistry(file));
    if (registry) await writeTextAtomic(file, registryText(registry), `${options.pid}`);
    await lock.truncate(0);
    return result;
  } finally {
    lock.close(); // closing releases the OS lock
  }
}

async function lockWithTimeout(f: Deno.FsFile, timeoutMs: number, path: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
  // A lock() still pending after the timeout fails harmlessly once the file is closed.
  const got = await Promise.race([f.lock(true).then(() => true, () => false), timeout]);
  clearTimeout(timer);
  if (!got) {
    throw new IntegrityError(
      `timed out after ${timeoutMs} ms waiting for the registry lock ${path}; another sdp process holds it`,
    );
  }
}

async function readAll(f: Deno.FsFile): Promise<Uint8Array> {
  await f.seek(0, Deno.SeekMode.Start);
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  while (true) {
    const n = await f.read(buf);
    if (n === null || n === 0) break;
    chunks.push(buf.slice(0, n));
  }
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) (out.set(c, o), o += c.length);
  return out;
}
