/**
 * Stage "register": move the sealed staging folder to its final place and,
 * unless the run writes elsewhere (reproduction), add the version to the
 * registry under its lock.
 *
 * The folder and its entry appear together: under the lock an intent is
 * written first (src/registry/journal.ts), then the folder is renamed, then
 * the registry is written and the intent removed. A process killed between
 * those steps leaves an intent that the next command settles (the version is
 * listed once it verifies, with a note on stderr). When the registry cannot
 * be written (a full disk), the rename is undone before the lock is released:
 * nothing half-finalized remains, and the error names the file.
 *
 * @module
 */
import { ARTIFACTS, type FinalMetadata } from "../artifacts/mod.ts";
import { IntegrityError } from "../errors.ts";
import { exists } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import {
  addVersion,
  ioReason,
  type Registry,
  type VersionEntry,
  versionsOf,
  withRegistryLock,
  writeIntent,
} from "../registry/mod.ts";
import type { Producer } from "./producer.ts";

/** Throw when `version` of `dataset` exists already (folder or registry entry). */
export async function checkVersionFree(
  registry: Registry,
  target: { dataset: string; version: string; finalDir: string },
): Promise<void> {
  const { dataset, version, finalDir } = target;
  if (await exists(finalDir) || versionsOf(registry, dataset).some((v) => v.version === version)) {
    throw new IntegrityError(
      `version ${version} of ${dataset} already exists (${finalDir}); finalized versions are immutable: choose another --run-id`,
    );
  }
}

/** Options of {@link registerVersion}. */
export interface RegisterOptions {
  registryFile: string;
  finalDir: string;
  final: FinalMetadata;
  producer: Pick<Producer, "source">;
  now: () => Date;
  pid: number;
  /** The attempt token (unique per attempt): names the intent and temp files. */
  token?: string;
  log: Logger;
}

/**
 * Under the registry lock: refuse when another process finalized the same
 * version meanwhile, record the intent, rename the staging folder into place,
 * add the entry.
 */
export async function registerVersion(stagingDir: string, options: RegisterOptions): Promise<void> {
  const { final, finalDir, registryFile } = options;
  const { dataset, version } = final;
  const token = options.token ?? `${options.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const nothing = `nothing was finalized and ${registryFile} was left unchanged; ` +
    `the staging folder ${stagingDir} is removed`;
  await withRegistryLock(registryFile, async (current: Registry) => {
    if (
      await exists(finalDir) || versionsOf(current, dataset).some((v) => v.version === version)
    ) {
      throw new IntegrityError(
        `version ${version} of ${dataset} was finalized by another process meanwhile; nothing was overwritten`,
      );
    }
    const entry: VersionEntry = {
      version,
      row_count: final.row_count,
      // A multi-table version has no one data file: its content hash stands for the data.
      data_sha256:
        final.files[final.formats.includes("parquet") ? ARTIFACTS.parquet : ARTIFACTS.csv]
          ?.sha256 ?? final.content_hash,
      content_hash: final.content_hash,
      path: `${dataset}/${version}`,
      created_at: options.now().toISOString(),
      formats: final.formats,
      source: options.producer.source,
    };
    let intent: string;
    try {
      intent = await writeIntent(registryFile, {
        dataset,
        version,
        final_dir: await absolute(finalDir),
        staging_dir: await absolute(stagingDir),
        pid: options.pid,
        entry,
      }, token);
    } catch (err) {
      throw new IntegrityError(`${(err as Error).message}; ${nothing}`, { cause: err });
    }
    try {
      await Deno.rename(stagingDir, finalDir);
    } catch (err) {
      await Deno.remove(intent).catch(() => {});
      throw new IntegrityError(
        `could not rename ${stagingDir} to ${finalDir} (${ioReason(err)}); ${nothing}`,
        { cause: err },
      );
    }
    const undo = async (): Promise<string> => {
      try {
        await Deno.rename(finalDir, stagingDir);
      } catch (err) {
        // The intent stays: the next command lists the version once it verifies.
        return `${registryFile} was left unchanged, and ${finalDir} could not be moved back ` +
          `(${ioReason(err)}): the next sdp command lists it once it verifies`;
      }
      await Deno.remove(stagingDir, { recursive: true }).catch(() => {});
      await Deno.remove(intent).catch(() => {});
      return `${registryFile} was left unchanged and ${version} of ${dataset} was not finalized ` +
        `(its folder was removed)`;
    };
    return {
      registry: addVersion(current, dataset, entry),
      result: undefined,
      done: [intent],
      undo,
    };
  }, { pid: options.pid, log: options.log, token });
}

/** An absolute path for `path` (its parent folder resolved, as it exists now). */
async function absolute(path: string): Promise<string> {
  const i = path.lastIndexOf("/");
  const parent = i < 0 ? "." : path.slice(0, i) || "/";
  return `${await Deno.realPath(parent)}/${path.slice(i + 1)}`;
}
