/**
 * The run pipeline (run.ts) and the producer contract (producer.ts) that
 * generation, shard assembly and ingestion implement.
 *
 * @module
 */
export { runDataset, type RunEnvironment, type RunOptions, type RunResult } from "./run.ts";
export {
  arrowColumns,
  type ChunkStats,
  type OutputFormat,
  type ProduceContext,
  type Producer,
  type ProduceResult,
  type ProducerProvenance,
  type Progress,
} from "./producer.ts";
export { writeDataFiles } from "./write_files.ts";
export { estimateOutput, formatBytes, MAX_COMPRESSION, type OutputEstimate } from "./estimate.ts";
export { choosePrior, loadPrior, loadPriorProfile, type PriorInput } from "./prior.ts";
export { evolvedRates } from "./reports.ts";
export {
  type MultiRunOptions,
  type MultiRunResult,
  RELATIONS_REPORT,
  runMultiTableDataset,
  TABLES_DIR,
} from "./multi_run.ts";
