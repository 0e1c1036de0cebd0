/**
 * Limits that several stages enforce with the same number: the config parser
 * (schema.yaml), CSV and Parquet ingest. One place, so they cannot disagree.
 *
 * @module
 */

/**
 * The widest table sdp supports, in columns. Measured: generating, validating
 * and writing 10,000 rows stays fast and bounded up to this width (see
 * docs/ingest-publish.md, "Limits"); beyond it the per-column costs of the
 * Parquet engine grow until it fails. Wider input is refused before any
 * heavy work, naming the count and this limit.
 */
export const MAX_COLUMNS = 2000;

/**
 * The problem with a table of `count` columns, or undefined when sdp supports
 * it. The message suits any place: "<where> has N columns: ...".
 */
export function columnCountProblem(count: number): string | undefined {
  if (count <= MAX_COLUMNS) return undefined;
  return `has ${count} columns; sdp supports at most ${MAX_COLUMNS} columns per table ` +
    `(split the table, or drop columns)`;
}
