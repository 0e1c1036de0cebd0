/**
 * JSON input: a streaming reader of flat records from a JSON array of
 * objects or JSON Lines (read.ts), typed into columns by infer.ts.
 *
 * @module
 */
export {
  type JsonCell,
  type JsonLayout,
  JsonNested,
  JsonNumber,
  type JsonOptions,
  type JsonRecord,
  MAX_JSON_DEPTH,
  MAX_JSON_RECORD_BYTES,
  parseJsonRecords,
} from "./read.ts";
export {
  cellText,
  type JsonColumnFacts,
  JsonInference,
  type JsonTarget,
  jsonToEvents,
} from "./convert.ts";
