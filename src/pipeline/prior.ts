/**
 * Stage "prior": the version index of the new version and the prior version
 * whose profile drift is computed against.
 *
 * @module
 */
import { ARTIFACTS } from "../artifacts/mod.ts";
import { IntegrityError, UsageError } from "../errors.ts";
import { describeVerify, readFinalMetadata, verifyVersion } from "../integrity/mod.ts";
import { listDirs, readTextIfExists } from "../io/files.ts";
import type { Logger } from "../log/mod.ts";
import { type DatasetProfile, parseProfile } from "../profile/mod.ts";
import { type Registry, versionsOf, withheldOf } from "../registry/mod.ts";
import { checkVersionId } from "../version/mod.ts";

/** A prior version, its profile and its version index. */
export interface PriorInput {
  version: string;
  profile: DatasetProfile;
  /** The prior's version index (declared drift runs from it); null when unknown. */
  versionIndex: number | null;
}

/** What {@link choosePrior} decided. */
export interface PriorChoice {
  versionIndex: number;
  /** The prior to compare with, or null (first version, or unusable and allowed). */
  prior: PriorInput | null;
  /** Why a prior was left out (recorded in evaluation.json), else null. */
  note: string | null;
}

/** Options of {@link choosePrior}. */
export interface PriorOptions {
  runsDir: string;
  /** The registry, or undefined when the run skips it (reproduction). */
  registry: Registry | undefined;
  /** Use this version index instead of the registry's count. */
  versionIndex?: number;
  /** Use this prior instead of the registry's latest; null = none. */
  prior?: PriorInput | null;
  /** Run without a prior when the prior version is missing or fails verification. */
  allowMissingPrior?: boolean;
  /** Compare with this finalized version instead of the latest (`--prior`). */
  priorVersion?: string;
  /** Compare with no prior at all (`--no-prior`). */
  noPrior?: boolean;
  log: Logger;
}

/** Read a finalized version's own profile (after verifying the folder). */
export async function loadPriorProfile(
  runsDir: string,
  dataset: string,
  version: string,
): Promise<DatasetProfile> {
  const dir = `${runsDir}/${dataset}/${version}`;
  const v = await verifyVersion(dir, { dataset, version });
  if (!v.ok) {
    throw new IntegrityError(
      `prior version ${dataset}/${version} fails verification (${describeVerify(v).join("; ")}); ` +
        `drift is never computed from corrupted data. Restore it, or pass --allow-missing-prior to run without a prior`,
    );
  }
  const text = await readTextIfExists(`${dir}/${ARTIFACTS.profile}`);
  if (text === undefined) {
    throw new IntegrityError(`prior version ${dataset}/${version} has no profile.json`);
  }
  return parseProfile(text, `${dir}/${ARTIFACTS.profile}`);
}

/**
 * A finalized version as a prior: its verified profile and its version index
 * from final_metadata.json (else its `position` among the registry's versions).
 */
export async function loadPrior(
  runsDir: string,
  dataset: string,
  at: { version: string; position: number | null },
): Promise<PriorInput> {
  const profile = await loadPriorProfile(runsDir, dataset, at.version);
  const { meta } = await readFinalMetadata(`${runsDir}/${dataset}/${at.version}`);
  const index = meta && Number.isSafeInteger(meta.version_index) && meta.version_index >= 0
    ? meta.version_index
    : at.position;
  return { version: at.version, profile, versionIndex: index };
}

/**
 * The version index of the next version of `dataset`: one past every index
 * ever used, so an index is never reused, not even after a version was
 * withheld (de-listed) by a rebuild or its folder removed: the larger of the
 * count of recorded versions (listed and withheld) and 1 + the largest
 * `version_index` in the finalized folders on disk.
 */
export async function nextVersionIndex(
  runsDir: string,
  dataset: string,
  registry: Registry | undefined,
): Promise<number> {
  let next = registry
    ? versionsOf(registry, dataset).length + withheldOf(registry, dataset).length
    : 0;
  for (const v of await listDirs(`${runsDir}/${dataset}`)) {
    if (checkVersionId(v) !== undefined) continue;
    const text = await readTextIfExists(`${runsDir}/${dataset}/${v}/${ARTIFACTS.final}`);
    if (text === undefined) continue;
    try {
      const index = (JSON.parse(text) as { version_index?: unknown }).version_index;
      if (typeof index === "number" && Number.isSafeInteger(index) && index >= 0) {
        next = Math.max(next, index + 1);
      }
    } catch { /* an unreadable record is verify's business; it reserves nothing */ }
  }
  return next;
}

/**
 * The version index and prior of a new version of `dataset`: the given ones
 * (reproduction), else the next unused index ({@link nextVersionIndex}) and
 * the registry's latest version, whose profile is loaded after verifying its folder.
 */
export async function choosePrior(dataset: string, options: PriorOptions): Promise<PriorChoice> {
  const known = options.registry ? versionsOf(options.registry, dataset) : [];
  const versionIndex = options.versionIndex ??
    await nextVersionIndex(options.runsDir, dataset, options.registry);
  if (options.prior !== undefined) return { versionIndex, prior: options.prior, note: null };
  if (options.noPrior) {
    return { versionIndex, prior: null, note: "--no-prior was given" };
  }
  if (options.priorVersion !== undefined) {
    const wanted = options.priorVersion;
    const position = known.findIndex((v) => v.version === wanted);
    if (position < 0) {
      const names = known.map((v) => v.version);
      throw new UsageError(
        `--prior ${wanted}: ${dataset} has no finalized version ${wanted}; ` +
          (names.length === 0
            ? "it has no versions yet"
            : `its versions: ${names.slice(-10).join(", ")}${
              names.length > 10 ? " (latest 10)" : ""
            }`),
      );
    }
    const prior = await loadPrior(options.runsDir, dataset, { version: wanted, position });
    return { versionIndex, prior, note: `prior chosen with --prior ${wanted}` };
  }
  const priorVersion = known.at(-1)?.version ?? null;
  if (priorVersion === null) return { versionIndex, prior: null, note: null };
  try {
    const prior = await loadPrior(options.runsDir, dataset, {
      version: priorVersion,
      position: known.length - 1,
    });
    return { versionIndex, prior, note: null };
  } catch (err) {
    if (!(err instanceof IntegrityError) || !options.allowMissingPrior) throw err;
    options.log.log("WARNING", "prior_unusable", { prior: priorVersion, reason: err.message });
    return {
      versionIndex,
      prior: null,
      note:
        `prior version ${priorVersion} was unusable (${err.message}); evaluated without a prior`,
    };
  }
}
