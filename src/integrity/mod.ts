/**
 * Integrity of finalized versions: verify a version folder against every
 * independent record of it (verify.ts), and sweep staging folders of attempts
 * that ended without cleaning up (leftovers.ts). Rebuilding the registry from
 * the version folders is the registry's own business (src/registry/rebuild.ts).
 *
 * @module
 */
export {
  findLeftovers,
  type Leftover,
  type LeftoverReport,
  removeLeftover,
  STALE_AFTER_MS,
  sweepLeftovers,
} from "./leftovers.ts";
export {
  describeVerify,
  readFinalMetadata,
  type RecordedVersion,
  type VerifyOptions,
  type VerifyResult,
  verifyVersion,
} from "./verify.ts";
