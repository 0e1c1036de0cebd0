/**
 * Publishing finalized versions to Kaggle: the plan of files to send
 * (plan.ts), credentials (credentials.ts), dataset-metadata.json
 * (metadata.ts) and the client (client.ts, over api.ts, upload.ts and
 * http.ts).
 *
 * @module
 */
export {
  DEFAULT_BASE_URL,
  DEFAULT_LIMITS,
  normalizeStatus,
  publishDataset,
  type PublishedFile,
  PublishError,
  type PublishErrorCode,
  type PublishFile,
  type PublishOptions,
  type PublishPlan,
  type PublishResult,
} from "./client.ts";
export {
  type CredentialIo,
  describeSource,
  KaggleCredentials,
  redact,
  resolveCredentials,
  type ResolvedCredentials,
} from "./credentials.ts";
export {
  buildPlan,
  type BuiltPlan,
  checkPlan,
  describePlan,
  KAGGLE_METADATA_FILE,
  type KaggleTarget,
  parseKaggleTarget,
  type PlanInput,
  type PlannedFile,
  priorPublications,
  publicationRecord,
  targetName,
} from "./plan.ts";
export { DEFAULT_LICENSE, kaggleMetadata } from "./metadata.ts";
