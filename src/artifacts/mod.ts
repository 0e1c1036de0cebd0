/**
 * Artifacts stage: the names and contents of the files in a version folder,
 * the finalization manifest (final_metadata.json) and its content hash.
 *
 * final_metadata.json lists the SHA-256 and size of every deterministic
 * artifact, so it is itself byte-identical across reproductions. The one
 * non-deterministic artifact, run_metadata.json (times, host, durations), is
 * bound to the version the other way round: it records the SHA-256 of
 * final_metadata.json and carries a `seal`, the SHA-256 of its own canonical
 * JSON without the seal field. `sdp verify` checks both.
 *
 * @module
 */
import { compareNames } from "../data/mod.ts";
import { sha256Hex } from "../hash/mod.ts";
import { DETERMINISM_CONTRACT } from "../version/mod.ts";
import { canonicalJson } from "./json.ts";

export { canonicalJson } from "./json.ts";

/** Artifact file names. */
export const ARTIFACTS = {
  parquet: "data.parquet",
  csv: "data.csv",
  configs: "configs_snapshot.json",
  runMetadata: "run_metadata.json",
  validation: "validation_report.json",
  evaluation: "evaluation_report.json",
  profile: "profile.json",
  priorProfile: "prior_profile.json",
  report: "report.html",
  final: "final_metadata.json",
} as const;

/** Hash and size of one file. */
export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** The content of final_metadata.json. */
export interface FinalMetadata {
  contract: number;
  dataset: string;
  version: string;
  /** Number of versions the registry held when the run started (drives declared evolution). */
  version_index: number;
  prior_version: string | null;
  row_count: number;
  formats: string[];
  source: "generated" | "ingested";
  /** Every artifact except run_metadata.json and this file. */
  files: Record<string, FileDigest>;
  /** SHA-256 over `name  sha256\n` lines of `files`, sorted by name. */
  content_hash: string;
  /**
   * Multi-table versions: row count per table. Each table's folder
   * `tables/<table>/` is a sealed single-table version whose
   * final_metadata.json is listed in `files`.
   */
  tables?: Record<string, { row_count: number }>;
  /** For ingested versions: where the data came from. */
  provenance?: {
    file_name: string;
    bytes: number;
    sha256: string;
    separator?: string;
    /** Column name -> the input's name for it, only for renamed columns. */
    source_names?: Record<string, string>;
  };
}

/** Content hash over a set of file digests (order-independent). */
export function contentHash(files: Record<string, FileDigest>): Promise<string> {
  const lines = Object.keys(files).sort(compareNames).map((n) => `${n}  ${files[n].sha256}\n`);
  return sha256Hex(lines.join(""));
}

/** Build final_metadata.json's value. */
export async function finalMetadata(
  input: Omit<FinalMetadata, "contract" | "content_hash">,
): Promise<FinalMetadata> {
  return { contract: DETERMINISM_CONTRACT, ...input, content_hash: await contentHash(input.files) };
}

/** Seal run metadata: add `seal` = SHA-256 of its canonical JSON without `seal`. */
export async function sealRunMetadata(
  meta: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { seal: _drop, ...rest } = meta;
  return { ...rest, seal: await sha256Hex(canonicalJson(rest)) };
}

/** Whether a run metadata object's seal matches its content. */
export async function checkSeal(meta: Record<string, unknown>): Promise<boolean> {
  const { seal, ...rest } = meta;
  return typeof seal === "string" && seal === await sha256Hex(canonicalJson(rest));
}

/** The configs snapshot (deterministic: no paths or times). */
export function configsSnapshot(dataset: string, sources: Record<string, string>): string {
  return canonicalJson({ dataset, files: sources });
}
