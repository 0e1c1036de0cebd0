/**
 * The pipeline with parallel generation as the producer unless another is
 * named: what `sdp run` and `sdp verify --reproduce` run.
 *
 * @module
 */
import type { DatasetSpec } from "../config/spec.ts";
import {
  type Producer,
  runDataset,
  type RunEnvironment,
  type RunOptions,
  type RunResult,
} from "../pipeline/mod.ts";
import { parallelGenerationProducer } from "./producer.ts";

/** {@link RunOptions} with the producer optional (default: parallel generation). */
export type GenerationRunOptions = Omit<RunOptions, "producer"> & { producer?: Producer };

/** Run the pipeline for one version, generating its data in parallel workers by default. */
export function runGeneration(
  spec: DatasetSpec,
  options: GenerationRunOptions,
  env: RunEnvironment,
): Promise<RunResult> {
  return runDataset(spec, {
    ...options,
    producer: options.producer ?? parallelGenerationProducer(spec),
  }, env);
}
