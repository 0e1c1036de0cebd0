/**
 * Generation producers: parallel generation and Parquet encoding in workers
 * (producer.ts, the default of `sdp run`) and the single-thread reference
 * producer. Both implement the pipeline's `Producer` contract.
 *
 * @module
 */
export * from "./producer.ts";
