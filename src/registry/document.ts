/**
 * The registry document: its types, its strict parser and its canonical text.
 * Pure: no file access here (see lock.ts, journal.ts).
 *
 * @module
 */
import { canonicalJson } from "../artifacts/json.ts";
import { compareNames } from "../data/mod.ts";
import { IntegrityError } from "../errors.ts";

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

/**
 * A recorded version that `sdp registry rebuild` found changed or missing: its
 * entry is kept here, hashes and all, as the evidence, and it is not listed.
 */
export interface WithheldEntry extends VersionEntry {
  /** Why the version was withheld (the verification problems). */
  withheld_because: string[];
}

/** The registry document. */
export interface Registry {
  format: number;
  datasets: Record<string, { versions: VersionEntry[] }>;
  /** Recorded versions whose folders no longer match (absent when none). */
  withheld?: Record<string, WithheldEntry[]>;
}

/** An empty registry. */
export function emptyRegistry(): Registry {
  return { format: REGISTRY_FORMAT, datasets: Object.create(null) };
}

const REBUILD = "restore it or run 'sdp registry rebuild'";

/** Text safe for a terminal: control characters (escape sequences) replaced. */
function clean(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/** A name safe to print: quoted, control characters escaped, bounded. */
export function shown(s: string): string {
  const q = JSON.stringify(s).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return q.length > 80 ? `${q.slice(0, 77)}..."` : q;
}

const ENTRY_FIELDS: [keyof VersionEntry, "string" | "number" | "array"][] = [
  ["version", "string"],
  ["row_count", "number"],
  ["data_sha256", "string"],
  ["content_hash", "string"],
  ["path", "string"],
  ["created_at", "string"],
  ["formats", "array"],
  ["source", "string"],
];

/** The first problem of a version entry, or undefined when it has the registry's shape. */
function entryProblem(v: unknown): string | undefined {
  if (v === null) return "is null, not a version entry";
  if (typeof v !== "object" || Array.isArray(v)) return "is not a version entry (an object)";
  const o = v as Record<string, unknown>;
  for (const [key, kind] of ENTRY_FIELDS) {
    const val = o[key];
    const ok = kind === "array"
      ? Array.isArray(val)
      : kind === "number"
      ? typeof val === "number"
      : typeof val === "string";
    if (!ok) return `has no valid "${key}" (${kind} expected)`;
  }
  return undefined;
}

/**
 * Parse registry text; throws IntegrityError naming the file (and the entry)
 * when it is not a well-formed registry: not JSON, empty, another format, the
 * wrong shape, a null or malformed entry, a version listed twice.
 */
export function parseRegistry(text: string, file: string): Registry {
  if (text.trim() === "") throw new IntegrityError(`${file} is empty; ${REBUILD}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new IntegrityError(
      `${file} is not valid JSON (${clean((err as Error).message).slice(0, 120)}); ${REBUILD}`,
    );
  }
  const r = doc as Registry;
  if (
    typeof r !== "object" || r === null || Array.isArray(r) || r.format !== REGISTRY_FORMAT ||
    typeof r.datasets !== "object" || r.datasets === null || Array.isArray(r.datasets)
  ) {
    throw new IntegrityError(
      `${file} is not an sdp registry (format ${REGISTRY_FORMAT}); ${REBUILD}`,
    );
  }
  for (const [name, d] of Object.entries(r.datasets)) {
    if (typeof d !== "object" || d === null || !Array.isArray(d.versions)) {
      throw new IntegrityError(
        `${file}: datasets.${shown(name)}.versions must be a list; ${REBUILD}`,
      );
    }
    const seen = new Map<string, number>();
    for (const [i, v] of d.versions.entries()) {
      const problem = entryProblem(v);
      if (problem) {
        throw new IntegrityError(
          `${file}: datasets.${shown(name)}.versions[${i}] ${problem}; ${REBUILD}`,
        );
      }
      const first = seen.get(v.version);
      if (first !== undefined) {
        throw new IntegrityError(
          `${file}: datasets.${shown(name)} lists version ${shown(v.version)} twice ` +
            `(entries ${first} and ${i}); ${REBUILD}`,
        );
      }
      seen.set(v.version, i);
    }
  }
  if (r.withheld !== undefined) {
    if (typeof r.withheld !== "object" || r.withheld === null || Array.isArray(r.withheld)) {
      throw new IntegrityError(`${file}: withheld must be an object; ${REBUILD}`);
    }
    for (const [name, list] of Object.entries(r.withheld)) {
      if (!Array.isArray(list)) {
        throw new IntegrityError(`${file}: withheld.${shown(name)} must be a list; ${REBUILD}`);
      }
      for (const [i, v] of list.entries()) {
        const because = (v as WithheldEntry | null)?.withheld_because;
        const problem = entryProblem(v) ??
          (Array.isArray(because) && because.every((b) => typeof b === "string")
            ? undefined
            : 'has no valid "withheld_because" (a list of reasons expected)');
        if (problem) {
          throw new IntegrityError(`${file}: withheld.${shown(name)}[${i}] ${problem}; ${REBUILD}`);
        }
      }
    }
  }
  return r;
}

/**
 * The version entries that can still be read out of a registry that does not
 * parse as a whole (rebuild uses them as recorded hashes). Never throws.
 */
export function salvageEntries(text: string): Map<string, VersionEntry[]> {
  const out = new Map<string, VersionEntry[]>();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return out;
  }
  const add = (dataset: string, v: unknown) => {
    if (entryProblem(v) !== undefined) return;
    const key = `${dataset}\u0000${(v as VersionEntry).version}`;
    out.set(key, [...(out.get(key) ?? []), v as VersionEntry]);
  };
  const o = doc as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null) return out;
  const datasets = o.datasets as Record<string, { versions?: unknown }> | null;
  if (typeof datasets === "object" && datasets !== null) {
    for (const [name, d] of Object.entries(datasets)) {
      if (Array.isArray(d?.versions)) { for (const v of d.versions) add(name, v); }
    }
  }
  const withheld = o.withheld as Record<string, unknown> | null;
  if (typeof withheld === "object" && withheld !== null) {
    for (const [name, list] of Object.entries(withheld)) {
      if (Array.isArray(list)) { for (const v of list) add(name, v); }
    }
  }
  return out;
}

/** Canonical text of a registry (datasets sorted by name; versions keep finalize order). */
export function registryText(r: Registry): string {
  const datasets: Registry["datasets"] = Object.create(null);
  for (const k of Object.keys(r.datasets).sort(compareNames)) datasets[k] = r.datasets[k];
  const withheld: Record<string, WithheldEntry[]> = Object.create(null);
  for (const k of Object.keys(r.withheld ?? {}).sort(compareNames)) {
    if (r.withheld![k].length > 0) withheld[k] = r.withheld![k];
  }
  return canonicalJson(
    Object.keys(withheld).length > 0
      ? { format: r.format, datasets, withheld }
      : { format: r.format, datasets },
  );
}

/** Versions of a dataset in finalize order. */
export function versionsOf(r: Registry, dataset: string): VersionEntry[] {
  return Object.hasOwn(r.datasets, dataset) ? r.datasets[dataset].versions : [];
}

/** Withheld entries of a dataset. */
export function withheldOf(r: Registry, dataset: string): WithheldEntry[] {
  return r.withheld && Object.hasOwn(r.withheld, dataset) ? r.withheld[dataset] : [];
}

/** Append a version; throws IntegrityError when it is already listed. */
export function addVersion(r: Registry, dataset: string, entry: VersionEntry): Registry {
  const versions = versionsOf(r, dataset);
  if (versions.some((v) => v.version === entry.version)) {
    throw new IntegrityError(`version ${entry.version} of ${dataset} is already in the registry`);
  }
  return { ...r, datasets: { ...r.datasets, [dataset]: { versions: [...versions, entry] } } };
}
