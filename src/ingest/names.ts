/**
 * Column identifiers for headers as tools write them (`Customer Name`,
 * `Cost Total $`, `""`, duplicates, `2024 sales`).
 *
 * sdp column names are identifiers (schema.yaml keys, expressions): a letter
 * or `_`, then letters, digits and `_`, at most 64 characters
 * ({@link SAFE_COLUMN_NAME}). A source name that already is one, and is not
 * taken by an earlier column, is kept as it is (so files that were accepted
 * before keep their column names and their versions' bytes). Every other one
 * is derived, deterministically, in column order:
 *
 * 1. Letters with accents lose them (Unicode NFKD, combining marks dropped:
 *    `Zoë` -> `Zoe`); `ß` `æ` `œ` `ø` `ł` `đ` `þ` become `ss` `ae` `oe` `o`
 *    `l` `d` `th`; any other non-ASCII character is dropped and separates
 *    words like punctuation (`名前 id` -> `id`).
 * 2. camelCase is split (`customerId` -> `customer_id`, `HTTPCode` ->
 *    `http_code`), everything is lowercased.
 * 3. Every run of characters other than `a-z` and `0-9` becomes one `_`;
 *    leading and trailing `_` are dropped (`Cost Total $` -> `cost_total`).
 * 4. Nothing left (an empty header, `$`, `名前`): `column_N`, N the 1-based
 *    column position (pandas' unnamed index column becomes `column_1`).
 * 5. A leading digit gets the prefix `x` (`2024 sales` -> `x2024_sales`, as
 *    R's `make.names` does).
 * 6. At most 64 characters (cut, trailing `_` dropped).
 * 7. A name already taken (by a kept name or an earlier column) gets `_2`,
 *    `_3`, ... (the first free one), cut so the whole fits in 64; a repeated
 *    valid name is numbered as it is (`x`, `x` -> `x`, `x_2`).
 *
 * @module
 */

/** Column names sdp accepts (same rule as schema.yaml). */
export const SAFE_COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const MAX_NAME = 64;

// Letters NFKD does not decompose into ASCII plus marks.
const LETTERS: Readonly<Record<string, string>> = {
  "ß": "ss",
  "ẞ": "Ss",
  "æ": "ae",
  "Æ": "Ae",
  "œ": "oe",
  "Œ": "Oe",
  "ø": "o",
  "Ø": "O",
  "ł": "l",
  "Ł": "L",
  "đ": "d",
  "Đ": "D",
  "þ": "th",
  "Þ": "Th",
  "ı": "i",
};

/** The identifier derived from one source name (steps 1-6; `position` is 1-based). */
export function deriveIdentifier(source: string, position: number): string {
  let s = "";
  for (const ch of source.normalize("NFKD")) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) s += ch;
    else if (LETTERS[ch] !== undefined) s += LETTERS[ch];
    // Combining marks (the accents NFKD split off) vanish; anything else separates words.
    else if (!/\p{M}/u.test(ch)) s += " ";
  }
  s = s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (s === "") return `column_${position}`;
  if (/^[0-9]/.test(s)) s = `x${s}`;
  return cut(s, MAX_NAME);
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max).replace(/_+$/, "");
}

/**
 * Identifiers for `sources` (a header, in column order), one per source
 * name, all distinct (see the module rules).
 */
export function deriveIdentifiers(sources: readonly string[]): string[] {
  const taken = new Set<string>();
  const out: (string | undefined)[] = sources.map((s) => {
    if (SAFE_COLUMN_NAME.test(s) && !taken.has(s)) {
      taken.add(s);
      return s;
    }
    return undefined;
  });
  return out.map((kept, i) => {
    if (kept !== undefined) return kept;
    // A valid name already taken is numbered as it is.
    const base = SAFE_COLUMN_NAME.test(sources[i])
      ? sources[i]
      : deriveIdentifier(sources[i], i + 1);
    let name = base;
    for (let k = 2; taken.has(name); k++) {
      const suffix = `_${k}`;
      name = cut(base, MAX_NAME - suffix.length) + suffix;
    }
    taken.add(name);
    return name;
  });
}

/** A column to match a source header against: its identifier and optional source name. */
export interface NamedColumn {
  name: string;
  sourceName?: string;
}

/**
 * The identifier each source name is read as, given declared columns: the
 * column whose `sourceName` is that header, else the column of that name,
 * else the column named by the derived identifier; a header matching no
 * column keeps its derived identifier (the caller reports it as undeclared).
 */
export function matchSourceNames(
  sources: readonly string[],
  declared: readonly NamedColumn[],
): string[] {
  const derived = deriveIdentifiers(sources);
  const bySource = new Map<string, string>();
  const names = new Set<string>();
  for (const c of declared) {
    if (c.sourceName !== undefined) bySource.set(c.sourceName, c.name);
    names.add(c.name);
  }
  return sources.map((s, i) => {
    const mapped = bySource.get(s);
    if (mapped !== undefined) return mapped;
    if (names.has(s)) return s;
    return derived[i];
  });
}
