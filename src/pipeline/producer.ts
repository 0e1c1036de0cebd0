/**
 * The producer contract: how the data files of a version come to exist in
 * the staging folder. Generation (src/parallel/), shard assembly (src/shard/)
 * and ingestion (src/ingest/producer.ts) implement {@link Producer}; the
 * pipeline runs whichever it is given and never imports one.
 *
 * @module
 */
import type { DatasetSpec } from "../model/dataset.ts";
import type { ArrowColumn } from "../arrow/table.ts";
import type { Logger } from "../log/mod.ts";
import type { ChunkProfile } from "../profile/mod.ts";
import type { ChunkValidation } from "../validate/mod.ts";

/** Output formats. */
export type OutputFormat = "parquet" | "csv" | "both";

/** Progress callback: rows done of total, per stage. */
export type Progress = (stage: string, done: number, total: number) => void;

/** Validation and profile parts of one chunk, computed where it was encoded. */
export interface ChunkStats {
  validation: ChunkValidation;
  profile: ChunkProfile;
}

/** What a producer is given: where to write and what. */
export interface ProduceContext {
  stagingDir: string;
  columns: ArrowColumn[];
  rowCount: number;
  version: string;
  versionIndex: number;
  workers: number;
  parquet: boolean;
  csv: boolean;
  progress?: Progress;
  /**
   * When set, a producer that validates and profiles where it encodes hands
   * every chunk's parts here, in chunk order, and answers `statsMerged: true`;
   * the data is then not read back (see footer_check.ts for what ties the
   * file to those checks). It returns the profile columns whose later parts
   * may leave out exact values (`PartOptions.settled`).
   */
  stats?: (stats: ChunkStats) => readonly number[] | void;
}

/** What a producer answers. */
export interface ProduceResult {
  rows: number;
  /** Every chunk's parts went to `ProduceContext.stats`. */
  statsMerged?: boolean;
}

/** Facts about an ingested input file (final_metadata.json provenance). */
export interface ProducerProvenance {
  file_name: string;
  bytes: number;
  sha256: string;
  /** CSV field separator, only when it is not `,`. */
  separator?: string;
  /** Column name -> the input's name for it, only for renamed columns. */
  source_names?: Record<string, string>;
}

/**
 * Produces data.parquet and/or data.csv in the staging folder. Generation,
 * shard assembly and ingestion are producers; everything after (validation
 * of the data as written, evaluation, finalization) is shared.
 */
export interface Producer {
  /** Stage name for logs and durations. */
  stage: string;
  source: "generated" | "ingested";
  /** Provenance recorded in final_metadata.json (ingest). */
  provenance?: ProducerProvenance;
  /**
   * Called once the staging folder exists, before anything is produced, to
   * log what the producer cannot do as asked (e.g. workers that cannot load).
   */
  prepare?(env: { workers: number; log: Logger }): Promise<void>;
  produce(ctx: ProduceContext): Promise<ProduceResult>;
}

/** Columns in the Arrow/Parquet schema order. */
export function arrowColumns(spec: DatasetSpec): ArrowColumn[] {
  return spec.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
}
