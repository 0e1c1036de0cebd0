/**
 * The registry: registry/datasets.json lists every finalized version of every
 * dataset. It is only changed under an exclusive lock and replaced atomically
 * (lock.ts); a finalization that stopped between renaming its folder and
 * writing the registry is settled by the next command through the intent
 * journal (journal.ts); `sdp registry rebuild` reconstructs it from the
 * version folders without ever adopting a hash that differs from a recorded
 * one (rebuild.ts).
 *
 * @module
 */
import { readTextIfExists } from "../io/files.ts";
import { silentLogger } from "../log/mod.ts";
import { emptyRegistry, parseRegistry, type Registry } from "./document.ts";
import { needsSettling } from "./journal.ts";
import { type Notify, withRegistryLock } from "./lock.ts";

export {
  addVersion,
  emptyRegistry,
  parseRegistry,
  type Publication,
  type Registry,
  REGISTRY_FORMAT,
  registryText,
  salvageEntries,
  shown,
  type VersionEntry,
  versionsOf,
  type WithheldEntry,
  withheldOf,
} from "./document.ts";
export { ioReason, writeRegistryFile } from "./atomic.ts";
export {
  type Intent,
  intentPath,
  keepAside,
  listIntents,
  needsSettling,
  reconcileIntents,
  writeIntent,
} from "./journal.ts";
export {
  attemptToken,
  type LockOptions,
  type LockOutcome,
  type LockState,
  type Notify,
  stderrNotify,
  withRegistryLock,
} from "./lock.ts";
export { type RebuildOutcome, rebuildRegistry } from "./rebuild.ts";

/** Options of {@link readRegistry}. */
export interface ReadOptions {
  /** Where the note about a recovered version goes (default: stderr). */
  notify?: Notify;
  /** This process's pid (recorded in the lock while settling intents). */
  pid?: number;
}

/**
 * Read the registry (empty when the file does not exist). Throws
 * IntegrityError naming the file when it is not a registry. When a
 * finalization stopped half-way (an intent is left), takes the lock to
 * settle it first, so a finalized version is never missing from what is read
 * (and temp files of dead writers are removed on the way).
 */
export async function readRegistry(file: string, options: ReadOptions = {}): Promise<Registry> {
  const text = await readTextIfExists(file);
  const registry = text === undefined ? emptyRegistry() : parseRegistry(text, file);
  if (!(await needsSettling(file))) return registry;
  return await withRegistryLock(
    file,
    (current) => Promise.resolve({ result: current }),
    { pid: options.pid ?? Deno.pid, log: silentLogger, notify: options.notify },
  );
}
