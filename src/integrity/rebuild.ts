/**
 * `sdp registry rebuild`: reconstruct the registry from the finalized version
 * folders under the runs folder. Only folders that pass verification are
 * listed; the others are reported with their reasons. Staging (`.staging-*`),
 * reproduction and failed-run folders are never versions.
 */
import { ARTIFACTS, type FinalMetadata } from "../artifacts/mod.ts";
import { compareNames } from "../data/mod.ts";
import { listDirs, readTextIfExists } from "../io/files.ts";
import { emptyRegistry, type Registry, type VersionEntry, versionsOf } from "../registry/mod.ts";
import { checkVersionId } from "../version/mod.ts";
import { describeVerify, verifyVersion } from "./verify.ts";

/** What a rebuild found. */
export interface RebuildOutcome {
  registry: Registry;
  listed: number;
  rejected: { dataset: string; version: string; reasons: string[] }[];
}

/**
 * Rebuild from `runsDir`, keeping created_at, order and publications of
 * entries that `current` already knows.
 */
export async function rebuildRegistry(runsDir: string, current: Registry): Promise<RebuildOutcome> {
  const out = emptyRegistry();
  const rejected: RebuildOutcome["rejected"] = [];
  let listed = 0;
  for (const dataset of await listDirs(runsDir)) {
    if (dataset.startsWith(".") || dataset.startsWith("_")) continue;
    const known = versionsOf(current, dataset);
    const entries: { entry: VersionEntry; order: number; index: number }[] = [];
    for (const version of await listDirs(`${runsDir}/${dataset}`)) {
      if (checkVersionId(version) !== undefined || version.startsWith("_")) continue;
      const dir = `${runsDir}/${dataset}/${version}`;
      const v = await verifyVersion(dir, { dataset, version });
      if (!v.ok) {
        rejected.push({ dataset, version, reasons: describeVerify(v) });
        continue;
      }
      const meta = JSON.parse(
        (await readTextIfExists(`${dir}/${ARTIFACTS.final}`))!,
      ) as FinalMetadata;
      const run = JSON.parse((await readTextIfExists(`${dir}/${ARTIFACTS.runMetadata}`))!) as {
        finished_at?: string;
      };
      const prev = known.find((k) => k.version === version);
      const dataFile = meta.files[ARTIFACTS.parquet] ? ARTIFACTS.parquet : ARTIFACTS.csv;
      const entry: VersionEntry = {
        version,
        row_count: meta.row_count,
        data_sha256: meta.files[dataFile]?.sha256 ?? "",
        content_hash: meta.content_hash,
        path: `${dataset}/${version}`,
        created_at: prev?.created_at ?? run.finished_at ?? "",
        formats: meta.formats,
        source: meta.source,
      };
      if (prev?.publications) entry.publications = prev.publications;
      entries.push({
        entry,
        order: prev ? known.indexOf(prev) : Infinity,
        index: meta.version_index,
      });
    }
    entries.sort((a, b) =>
      a.order - b.order || a.index - b.index ||
      compareNames(a.entry.created_at, b.entry.created_at) ||
      compareNames(a.entry.version, b.entry.version)
    );
    if (entries.length > 0) {
      out.datasets[dataset] = { versions: entries.map((e) => e.entry) };
      listed += entries.length;
    }
  }
  return { registry: out, listed, rejected };
}
