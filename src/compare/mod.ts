/**
 * `sdp compare`: a finalized version measured against a real table, split
 * into training and holdout rows as `sdp fit` splits it (src/split):
 * fidelity with SDMetrics' definitions (fidelity.ts), exact copies and
 * distance to closest record (privacy.ts), train-on-synthetic vs
 * train-on-real utility (utility.ts), each beside the independent-columns
 * baseline (report.ts); the rows are read and sampled in load.ts, the record
 * written in record.ts, the page drawn in html.ts. docs/compare.md states
 * every formula and choice.
 *
 * @module
 */
export {
  type ColumnDecision,
  ID_MIN_DISTINCT,
  matchColumns,
  plansFor,
  readReal,
  readSynthetic,
  SAMPLE_ROWS,
  sampler,
  type SideColumn,
  skipReason,
  withoutColumns,
} from "./load.ts";
export {
  COMPARE_REPORT_FORMAT,
  type CompareInput,
  type CompareReport,
  compareTables,
  DCR_QUERY_ROWS,
  DCR_REFERENCE_ROWS,
} from "./report.ts";
export { COMPARE_FILES, recordDir, writeRecord } from "./record.ts";
export { formatCompareSummary } from "./summary.ts";
export { renderCompareHtml } from "./html.ts";
export { MAX_CLASSES, targetLabels } from "./utility.ts";
export { isNumeric, type Table } from "./table.ts";
