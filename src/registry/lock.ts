/**
 * Changing the registry: only under an exclusive lock, and by atomic
 * replacement (a temp file named per attempt, fsync, rename), so concurrent
 * runs lose no entry and readers never see half a file.
 *
 * The lock is `datasets.json.lock`, held with an OS file lock (flock/LockFileEx)
 * on an open handle: the OS releases it when the owner dies, even by SIGKILL.
 * The owner writes its pid into the file and empties it on release, so a new
 * owner that finds a pid there knows the previous one died holding the lock
 * and says so in the log.
 *
 * Temp files next to the registry (`datasets.json.<attempt>.tmp`) are only
 * ever created under the lock, so every one a new lock holder finds belongs
 * to an attempt that died or failed: it is removed. Intents of finalizations
 * that stopped half-way (journal.ts) are reconciled the same way.
 *
 * @module
 */
import { IntegrityError } from "../errors.ts";
import { readTextIfExists } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import { dirOf, ioReason, writeRegistryFile } from "./atomic.ts";
import { emptyRegistry, parseRegistry, type Registry, registryText } from "./document.ts";
import { reconcileIntents } from "./journal.ts";

/** Where loud notes go: the user's terminal, even when logging is off. */
export type Notify = (line: string) => void;

/** Writes a note to stderr (the default when the caller passes none). */
export function stderrNotify(line: string): void {
  const b = new TextEncoder().encode(line.endsWith("\n") ? line : `${line}\n`);
  let off = 0;
  while (off < b.length) off += Deno.stderr.writeSync(b.subarray(off));
}

/** Options for {@link withRegistryLock}. */
export interface LockOptions {
  pid: number;
  log: Logger;
  /** Give up after this many ms of waiting (default 120 000). */
  timeoutMs?: number;
  /** Attempt token for temp names (default: pid plus a random part). */
  token?: string;
  /** Loud notes (reconciled versions); default {@link stderrNotify}. */
  notify?: Notify;
  /**
   * Hand `fn` an empty registry and the problem instead of throwing when the
   * file is not a registry (only `sdp registry rebuild` does this).
   */
  tolerateCorrupt?: boolean;
}

/** What `fn` learns besides the registry. */
export interface LockState {
  /** Why the registry file could not be read (only with `tolerateCorrupt`). */
  corrupt?: string;
  /** The registry file's text as found (undefined when absent). */
  text?: string;
  /** Attempt token, unique to this lock holder. */
  token: string;
}

/** What `fn` returns. */
export interface LockOutcome<T> {
  /** The new registry, or undefined to leave it unchanged. */
  registry?: Registry;
  result: T;
  /** Files to remove once the new registry is written. */
  done?: string[];
  /**
   * Called, still under the lock, when the new registry cannot be written;
   * undoes what `fn` did and says what was left in place.
   */
  undo?: () => Promise<string>;
}

/** A unique attempt token: pid plus a random part (pids are reused). */
export function attemptToken(pid: number): string {
  return `${pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Run `fn` holding the registry's exclusive lock. `fn` receives the current
 * registry (with interrupted finalizations reconciled) and returns the new one
 * (or undefined to leave it unchanged) plus a result; the new registry is
 * written atomically before the lock is released.
 */
export async function withRegistryLock<T>(
  file: string,
  fn: (current: Registry, state: LockState) => Promise<LockOutcome<T>>,
  options: LockOptions,
): Promise<T> {
  const dir = dirOf(file);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new IntegrityError(`cannot create the registry folder ${dir} (${ioReason(err)})`, {
      cause: err,
    });
  }
  const lockPath = `${file}.lock`;
  const lock = await openLock(lockPath);
  const token = options.token ?? attemptToken(options.pid);
  const notify = options.notify ?? stderrNotify;
  try {
    await lockWithTimeout(lock, options.timeoutMs ?? 120_000, lockPath);
    const prior = new TextDecoder().decode(await readAll(lock)).trim();
    if (prior !== "") {
      options.log.log("WARNING", "stale_lock_taken_over", {
        lock: lockPath,
        previous_owner: prior,
      });
    }
    await recordOwner(lock, options.pid);
    await removeDeadTemps(file, options.log);
    const text = await readTextIfExists(file);
    let current = emptyRegistry();
    let corrupt: string | undefined;
    if (text !== undefined) {
      try {
        current = parseRegistry(text, file);
      } catch (err) {
        if (!options.tolerateCorrupt) throw err;
        corrupt = (err as Error).message;
      }
    }
    let reconciled = { registry: current, done: [] as string[], changed: false };
    if (corrupt === undefined) {
      reconciled = await reconcileIntents(file, current, { log: options.log, notify });
    }
    const out = await fn(reconciled.registry, { corrupt, text, token });
    const next = out.registry ?? (reconciled.changed ? reconciled.registry : undefined);
    if (next) {
      try {
        await writeRegistryFile(file, registryText(next), token);
      } catch (err) {
        const left = out.undo ? await out.undo() : `${file} was left unchanged`;
        throw new IntegrityError(`${(err as Error).message}; ${left}`, { cause: err });
      }
    }
    for (const f of [...reconciled.done, ...(out.done ?? [])]) {
      await Deno.remove(f).catch(() => {});
    }
    await lock.truncate(0).catch(() => {});
    return out.result;
  } finally {
    lock.close(); // closing releases the OS lock
  }
}

async function openLock(lockPath: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(lockPath, { read: true, write: true, create: true });
  } catch (err) {
    throw new IntegrityError(
      `cannot open the registry lock ${lockPath} (${ioReason(err)}); nothing was changed`,
      { cause: err },
    );
  }
}

/** Write our pid into the lock file (informational: a full disk must not stop the run). */
async function recordOwner(lock: Deno.FsFile, pid: number): Promise<void> {
  try {
    await lock.truncate(0);
    await lock.seek(0, Deno.SeekMode.Start);
    await lock.write(new TextEncoder().encode(JSON.stringify({ pid })));
  } catch { /* the OS lock is what counts */ }
}

function baseOf(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/** Remove temp files of attempts that died or failed (only called under the lock). */
async function removeDeadTemps(file: string, log: Logger): Promise<void> {
  const dir = dirOf(file);
  const base = baseOf(file);
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isFile || !e.name.startsWith(`${base}.`) || !e.name.endsWith(".tmp")) continue;
    const path = `${dir}/${e.name}`;
    await Deno.remove(path).then(
      () => log.log("WARNING", "registry_temp_removed", { path }),
      () => {},
    );
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
