/**
 * `sdp registry rebuild`: reconstruct the registry from the finalized version
 * folders under the runs folder. Staging (`.staging-*`), reproduction and
 * failed-run folders are never versions.
 *
 * The rule for recorded hashes: a hash the registry recorded at finalization
 * is evidence and a rebuild never replaces it. A folder is listed only when it
 * verifies against its own records AND, when the old registry (or what can
 * be salvaged from a corrupt one) recorded the version, against that entry.
 * A recorded version whose folder is changed or gone is not listed; its entry
 * moves, unchanged, to `withheld` with the reasons, so later rebuilds still
 * compare against it, and it is listed again once the folder matches it.
 *
 * @module
 */
import { ARTIFACTS, type FinalMetadata } from "../artifacts/mod.ts";
import { compareNames } from "../data/mod.ts";
import { describeVerify, verifyVersion } from "../integrity/verify.ts";
import { listDirs, readTextIfExists } from "../io/files.ts";
import { checkVersionId } from "../version/mod.ts";
import {
  emptyRegistry,
  type Registry,
  type VersionEntry,
  versionsOf,
  type WithheldEntry,
  withheldOf,
} from "./document.ts";

/** What a rebuild found. */
export interface RebuildOutcome {
  registry: Registry;
  listed: number;
  /** Versions not listed, each with its reasons. */
  rejected: { dataset: string; version: string; reasons: string[] }[];
  /** Versions listed now that the old registry did not list (recovered). */
  added: { dataset: string; version: string }[];
}

/** Options of {@link rebuildRegistry}. */
export interface RebuildOptions {
  /** Entries salvaged from an unreadable registry (see salvageEntries), keyed `dataset\0version`. */
  salvaged?: Map<string, VersionEntry[]>;
}

/**
 * Rebuild from `runsDir`, keeping created_at, order and publications of
 * entries that `current` already knows, and never adopting a content hash
 * that differs from a recorded one.
 */
export async function rebuildRegistry(
  runsDir: string,
  current: Registry,
  options: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const out = emptyRegistry();
  const withheld: Record<string, WithheldEntry[]> = Object.create(null);
  const rejected: RebuildOutcome["rejected"] = [];
  const added: RebuildOutcome["added"] = [];
  let listed = 0;
  const folders = (await listDirs(runsDir)).filter((d) => !d.startsWith(".") && !d.startsWith("_"));
  const salvagedNames = [...(options.salvaged?.keys() ?? [])].map((k) => k.split("\u0000")[0]);
  const datasets = [
    ...new Set([
      ...folders,
      ...Object.keys(current.datasets),
      ...Object.keys(current.withheld ?? {}),
      ...salvagedNames,
    ]),
  ].sort(compareNames);
  for (const dataset of datasets) {
    const known = versionsOf(current, dataset);
    const recordedOf = (version: string): VersionEntry[] => [
      ...known.filter((k) => k.version === version),
      ...withheldOf(current, dataset).filter((k) => k.version === version),
      ...(options.salvaged?.get(`${dataset}\u0000${version}`) ?? []),
    ];
    const entries: { entry: VersionEntry; order: number; index: number }[] = [];
    const present = folders.includes(dataset)
      ? (await listDirs(`${runsDir}/${dataset}`)).filter((v) =>
        checkVersionId(v) === undefined && !v.startsWith("_")
      )
      : [];
    const recordedVersions = new Set([
      ...known.map((k) => k.version),
      ...withheldOf(current, dataset).map((k) => k.version),
      ...salvagedNames.length > 0
        ? [...options.salvaged!.keys()].filter((k) => k.startsWith(`${dataset}\u0000`)).map((k) =>
          k.slice(dataset.length + 1)
        )
        : [],
    ]);
    const withhold = (version: string, reasons: string[]) => {
      rejected.push({ dataset, version, reasons });
      const rec = recordedOf(version)[0];
      if (rec) {
        const { withheld_because: _old, ...entry } = rec as WithheldEntry;
        (withheld[dataset] ??= []).push({ ...entry, withheld_because: reasons });
      }
    };
    for (const version of present) {
      const dir = `${runsDir}/${dataset}/${version}`;
      const recorded = recordedOf(version);
      const hashes = [...new Set(recorded.map((r) => r.content_hash))];
      // With several recorded claims (a duplicated entry), the folder must match one of them.
      const claim = recorded.find((r) => r.content_hash === hashes[0]);
      let v = await verifyVersion(dir, { dataset, version }, claim ? { recorded: claim } : {});
      for (const alt of recorded.filter((r) => r.content_hash !== hashes[0])) {
        if (v.ok) break;
        const w = await verifyVersion(dir, { dataset, version }, { recorded: alt });
        if (w.ok) v = w;
      }
      if (!v.ok) {
        withhold(version, describeVerify(v));
        continue;
      }
      const meta = JSON.parse(
        (await readTextIfExists(`${dir}/${ARTIFACTS.final}`))!,
      ) as FinalMetadata;
      const run = JSON.parse((await readTextIfExists(`${dir}/${ARTIFACTS.runMetadata}`))!) as {
        finished_at?: string;
      };
      const prev = recorded.find((r) => r.content_hash === meta.content_hash);
      const dataFile = meta.files[ARTIFACTS.parquet] ? ARTIFACTS.parquet : ARTIFACTS.csv;
      const entry: VersionEntry = {
        version,
        row_count: meta.row_count,
        // A multi-table version records its content hash as its data hash (pipeline/register.ts).
        data_sha256: meta.tables ? meta.content_hash : meta.files[dataFile]?.sha256 ?? "",
        content_hash: meta.content_hash,
        path: `${dataset}/${version}`,
        created_at: prev?.created_at ?? run.finished_at ?? "",
        formats: meta.formats,
        source: meta.source,
      };
      if (prev?.publications) entry.publications = prev.publications;
      const knownIndex = known.findIndex((k) => k.version === version);
      if (knownIndex < 0) added.push({ dataset, version });
      entries.push({
        entry,
        order: knownIndex < 0 ? Infinity : knownIndex,
        index: meta.version_index,
      });
    }
    for (const version of [...recordedVersions].sort(compareNames)) {
      if (present.includes(version)) continue;
      withhold(version, [
        `version folder ${runsDir}/${dataset}/${version} does not exist (the registry recorded it)`,
      ]);
    }
    const ordered = placeInOrder(entries);
    if (entries.length > 0) {
      out.datasets[dataset] = { versions: ordered };
      listed += entries.length;
    }
  }
  if (Object.keys(withheld).length > 0) out.withheld = withheld;
  return { registry: out, listed, rejected, added };
}

/**
 * Finalize order: by version index (each index is used once), then, for
 * versions from before indices were reserved, the registry's order, the
 * creation time and the name.
 */
function placeInOrder(
  entries: { entry: VersionEntry; order: number; index: number }[],
): VersionEntry[] {
  return [...entries].sort((a, b) =>
    a.index - b.index || a.order - b.order ||
    compareNames(a.entry.created_at, b.entry.created_at) ||
    compareNames(a.entry.version, b.entry.version)
  ).map((e) => e.entry);
}
