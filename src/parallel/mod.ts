/**
 * Parallel generation and Parquet encoding (see producer.ts).
 *
 * @module
 */
export * from "./producer.ts";
export * from "./run.ts";
