/**
 * Stage "register": move the sealed staging folder to its final place and,
 * unless the run writes elsewhere (reproduction), add the version to the
 * registry under its lock.
 *
 * @module
 */
import { ARTIFACTS, type FinalMetadata } from "../artifacts/mod.ts";
import { IntegrityError } from "../errors.ts";
import { exists } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import {
  addVersion,
  type Registry,
  type VersionEntry,
  versionsOf,
  withRegistryLock,
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
  log: Logger;
}

/**
 * Under the registry lock: refuse when another process finalized the same
 * version meanwhile, rename the staging folder into place, add the entry.
 */
export async function registerVersion(stagingDir: string, options: RegisterOptions): Promise<void> {
  const { final, finalDir } = options;
  const { dataset, version } = final;
  await withRegistryLock(options.registryFile, async (current: Registry) => {
    if (
      await exists(finalDir) || versionsOf(current, dataset).some((v) => v.version === version)
    ) {
      throw new IntegrityError(
        `version ${version} of ${dataset} was finalized by another process meanwhile; nothing was overwritten`,
      );
    }
    await Deno.rename(stagingDir, finalDir);
    const entry: VersionEntry = {
      version,
      row_count: final.row_count,
      data_sha256:
        final.files[final.formats.includes("parquet") ? ARTIFACTS.parquet : ARTIFACTS.csv]
          .sha256,
      content_hash: final.content_hash,
      path: `${dataset}/${version}`,
      created_at: options.now().toISOString(),
      formats: final.formats,
      source: options.producer.source,
    };
    return { registry: addVersion(current, dataset, entry), result: undefined };
  }, { pid: options.pid, log: options.log });
}
