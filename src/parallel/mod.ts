/**
 * Generation producers: parallel generation and Parquet encoding in workers
 * (producer.ts, the default), the single-thread reference producer, and
 * {@link runGeneration}, the pipeline with parallel generation unless another
 * producer is named (run.ts).
 *
 * @module
 */
export * from "./producer.ts";
export * from "./run.ts";
