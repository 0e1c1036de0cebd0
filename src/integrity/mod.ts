/**
 * Integrity of finalized versions: verify a version folder against its
 * final_metadata.json (verify.ts), rebuild the registry from the runs folder
 * (rebuild.ts), and sweep staging folders of attempts that ended without
 * cleaning up (leftovers.ts).
 *
 * @module
 */
export { type LeftoverReport, STALE_AFTER_MS, sweepLeftovers } from "./leftovers.ts";
export { type RebuildOutcome, rebuildRegistry } from "./rebuild.ts";
export { describeVerify, readFinalMetadata, type VerifyResult, verifyVersion } from "./verify.ts";
