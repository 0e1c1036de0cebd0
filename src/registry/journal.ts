/**
 * The intent journal: finalizing a version is a rename of its staging folder
 * followed by a registry write, two steps no file system makes atomic
 * together. So, under the registry lock, the finalizing process first writes
 * an intent (`datasets.json.intent-<attempt>.json`: the entry it is about to
 * add and the folders involved), then renames, then writes the registry and
 * removes the intent.
 *
 * Intents are only written under the lock, so an intent that the next lock
 * holder finds belongs to a process that stopped (killed, full disk) between
 * those steps. The next lock holder settles it before doing anything else:
 * - the version is in the registry: the intent is just removed;
 * - its folder is in place and verifies against the entry: the entry is added
 *   and a loud note names the version;
 * - its folder is in place but does not verify: it is not listed; the intent
 *   stays and the note repeats until `sdp registry rebuild` settles it;
 * - its folder never arrived: the dead attempt's staging folder and the
 *   intent are removed.
 *
 * Readers that find intents take the lock to settle them (readRegistry).
 *
 * @module
 */
import { canonicalJson } from "../artifacts/json.ts";
import { IntegrityError } from "../errors.ts";
import { describeVerify, verifyVersion } from "../integrity/verify.ts";
import { exists } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import { dirOf, ioReason, writeRegistryFile } from "./atomic.ts";
import { addVersion, type Registry, shown, type VersionEntry, versionsOf } from "./document.ts";

/** One intent: what a finalizing process was about to do. */
export interface Intent {
  dataset: string;
  version: string;
  /** Absolute path of the version folder once renamed. */
  final_dir: string;
  /** Absolute path of the staging folder before the rename. */
  staging_dir: string;
  pid: number;
  entry: VersionEntry;
}

function intentPrefix(file: string): string {
  return `${file.slice(file.lastIndexOf("/") + 1)}.intent-`;
}

/** Path of the intent of attempt `token`. */
export function intentPath(file: string, token: string): string {
  return `${dirOf(file)}/${intentPrefix(file)}${token}.json`;
}

/** Paths of the intents next to `file`, sorted. */
export async function listIntents(file: string): Promise<string[]> {
  const dir = dirOf(file);
  const prefix = intentPrefix(file);
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(prefix) && e.name.endsWith(".json")) {
        out.push(`${dir}/${e.name}`);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return out.sort();
}

/**
 * Whether anything next to `file` needs the lock holder's attention: an
 * intent, or a temp file (of a writer that is running now or died).
 */
export async function needsSettling(file: string): Promise<boolean> {
  const base = file.slice(file.lastIndexOf("/") + 1);
  try {
    for await (const e of Deno.readDir(dirOf(file))) {
      if (!e.name.startsWith(`${base}.`)) continue;
      if (e.name.endsWith(".tmp") || e.name.startsWith(intentPrefix(file))) return true;
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  return false;
}

/**
 * Write the intent of attempt `token` (atomically). On failure nothing is
 * left and the error names the file that could not be written.
 */
export async function writeIntent(file: string, intent: Intent, token: string): Promise<string> {
  const path = intentPath(file, token);
  await writeRegistryFile(path, canonicalJson(intent), token);
  return path;
}

function parseIntent(text: string): Intent | undefined {
  try {
    const i = JSON.parse(text) as Intent;
    const ok = typeof i === "object" && i !== null && typeof i.dataset === "string" &&
      typeof i.version === "string" && typeof i.final_dir === "string" &&
      typeof i.staging_dir === "string" && typeof i.entry === "object" && i.entry !== null &&
      typeof i.entry.content_hash === "string" && i.entry.version === i.version;
    return ok ? i : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Settle the intents next to `file` (call only under the registry lock).
 * Returns the registry with recovered versions added and the intent files to
 * remove once it is written.
 */
export async function reconcileIntents(
  file: string,
  current: Registry,
  options: { log: Logger; notify: (line: string) => void },
): Promise<{ registry: Registry; done: string[]; changed: boolean }> {
  let registry = current;
  const done: string[] = [];
  for (const path of await listIntents(file)) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      throw new IntegrityError(`cannot read ${path} (${ioReason(err)})`, { cause: err });
    }
    const intent = parseIntent(text);
    if (!intent) {
      // Intents are written by rename, so this is not a torn write: someone edited it.
      options.notify(
        `sdp: note: ${path} is not a readable finalization intent; it is removed ` +
          `('sdp registry rebuild' lists every version folder that verifies)`,
      );
      done.push(path);
      continue;
    }
    const { dataset, version, entry } = intent;
    const name = `${shown(dataset)} ${shown(version)}`;
    const listed = versionsOf(registry, dataset).find((v) => v.version === version);
    if (listed) {
      if (listed.content_hash !== entry.content_hash) {
        options.notify(
          `sdp: note: ${path} was about to record ${name} with content hash ${entry.content_hash}, ` +
            `but ${file} lists it with ${listed.content_hash}; the listed entry is kept`,
        );
      }
      done.push(path);
      continue;
    }
    if (await exists(intent.final_dir)) {
      const v = await verifyVersion(intent.final_dir, { dataset, version }, {
        recorded: entry,
      });
      if (v.ok) {
        registry = addVersion(registry, dataset, entry);
        done.push(path);
        options.log.log("WARNING", "version_recovered", { dataset, version, intent: path });
        options.notify(
          `sdp: note: ${name} (${intent.final_dir}) was finalized by process ${intent.pid}, ` +
            `which stopped before recording it in ${file}; it verifies and is now listed`,
        );
      } else {
        options.notify(
          `sdp: WARNING: ${name} (${intent.final_dir}) was finalized by process ${intent.pid}, ` +
            `which stopped before recording it in ${file}, and it does NOT verify ` +
            `(${describeVerify(v).slice(0, 5).join("; ")}); it is not listed. ` +
            `Inspect it with 'sdp verify', then run 'sdp registry rebuild'`,
        );
      }
      continue;
    }
    // The rename never happened (or was undone): nothing was finalized.
    await Deno.remove(intent.staging_dir, { recursive: true }).catch(() => {});
    options.log.log("WARNING", "intent_abandoned", {
      dataset,
      version,
      intent: path,
      staging_removed: intent.staging_dir,
    });
    done.push(path);
  }
  return { registry, done, changed: registry !== current };
}

/**
 * Copy an unreadable registry, byte for byte, to `<file>.corrupt-<token>`
 * before it is replaced; returns that path. On failure nothing is replaced.
 */
export async function keepAside(file: string, token: string): Promise<string> {
  const aside = `${file}.corrupt-${token}`;
  try {
    await Deno.copyFile(file, aside);
  } catch (err) {
    await Deno.remove(aside).catch(() => {});
    throw new IntegrityError(
      `could not write ${aside} (${ioReason(err)}); ${file} was left unchanged`,
      { cause: err },
    );
  }
  return aside;
}
