/**
 * Reading profiles written before determinism contract 5.
 *
 * Profile format 1 (contracts 1 to 4) spelled five statistics in camelCase;
 * format 2 spells every key in snake_case, like the YAML configs. The
 * statistics themselves are computed the same way, so a format-1 profile is
 * still a valid prior for drift: {@link upgradeProfileV1} renames exactly
 * those five keys at their known positions inside each column's profile and
 * touches nothing else. Column names are data (keys of `columns`) and are
 * never renamed, even when one happens to read like a statistic.
 *
 * @module
 */

/** The format of profiles written by determinism contracts 1 to 4. */
export const LEGACY_PROFILE_FORMAT = 1;

/** Where each renamed key lives in a column profile: path of objects, old key, new key. */
export const V1_KEY_RENAMES: ReadonlyArray<
  { path: readonly string[]; from: string; to: string }
> = [
  { path: ["distinct"], from: "relativeStandardError", to: "relative_standard_error" },
  { path: ["numeric"], from: "nonFinite", to: "non_finite" },
  { path: ["numeric", "quantiles"], from: "rankErrorBound", to: "rank_error_bound" },
  { path: ["numeric", "support"], from: "cdfErrorBound", to: "cdf_error_bound" },
  { path: ["categorical"], from: "maxUndercount", to: "max_undercount" },
];

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** `o` with `path`'s object's key `from` renamed to `to` (a copy; `o` itself unchanged). */
function renameAt(
  o: Record<string, unknown>,
  path: readonly string[],
  from: string,
  to: string,
): Record<string, unknown> {
  if (path.length === 0) {
    if (!Object.hasOwn(o, from) || Object.hasOwn(o, to)) return o;
    // fromEntries defines own properties, so no key is ever taken for a setter.
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k === from ? to : k, v]));
  }
  const [head, ...rest] = path;
  const inner = Object.hasOwn(o, head) ? o[head] : undefined;
  if (!isObject(inner)) return o;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, k === head ? renameAt(inner, rest, from, to) : v]),
  );
}

/**
 * A format-1 profile as format `format`: the keys of {@link V1_KEY_RENAMES}
 * renamed in every column profile, `version` set to `format`. Anything that is
 * not where a format-1 profile has it is left as it is, for the structural
 * check that follows to judge.
 */
export function upgradeProfileV1(
  data: Record<string, unknown>,
  format: number,
): Record<string, unknown> {
  const columns = isObject(data.columns)
    ? Object.fromEntries(
      Object.entries(data.columns).map(([name, column]) => {
        if (!isObject(column)) return [name, column];
        let c = column;
        for (const r of V1_KEY_RENAMES) c = renameAt(c, r.path, r.from, r.to);
        return [name, c];
      }),
    )
    : data.columns;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      k === "version" ? format : k === "columns" ? columns : v,
    ]),
  );
}
