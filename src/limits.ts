/**
 * Limits that several stages enforce with the same number: the config parser
 * (schema.yaml), CSV and Parquet ingest. One place, so they cannot disagree.
 *
 * @module
 */

/**
 * The widest table sdp supports, in columns. Measured (docs/ingest-publish.md,
 * "Width"): generation and ingest stay linear in the columns up to here, most
 * of the time in the Parquet writer's per-column work, which fails outright
 * at 5,000 columns. Wider input is refused before any per-column work,
 * naming the count and this limit.
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
