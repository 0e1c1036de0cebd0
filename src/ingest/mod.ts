/**
 * Ingest: an external CSV, JSON or Parquet file as a version. `scanInput` reads it
 * once (format, columns, rows, provenance), `chooseSchema` picks the configs
 * (schema_choice.ts), and `ingestProducer` plugs the file into the
 * pipeline's `Producer` contract, which validates, profiles, evaluates and
 * finalizes it like generated data.
 *
 * @module
 */
export {
  baseName,
  chooseSeparator,
  type ColumnReport,
  DETECT_HEAD_BYTES,
  detectFormat,
  type IngestColumn,
  ingestProducer,
  type InputFormat,
  type Provenance,
  readInputChunks,
  scanInput,
  type ScanOptions,
  type ScanResult,
  schemaYaml,
  type SeparatorChoice,
} from "./producer.ts";
export {
  chooseSchema,
  generatedDatasetYaml,
  multiDatasetYaml,
  parseSources,
  type SchemaChoice,
  withRowCount,
} from "./schema_choice.ts";
export { deriveIdentifier, deriveIdentifiers, SAFE_COLUMN_NAME } from "./names.ts";
