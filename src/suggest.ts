/**
 * "Did you mean ...?": the nearest valid name to a mistyped one, by
 * optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions)
 * distance, only when it is close enough to be a typo.
 *
 * @module
 */

/** Edit distance allowing insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[m][n];
}

/**
 * The valid name nearest to `input` (case-insensitive), when its distance is
 * at most a third of the longer name (and at least 1, at most 3); ties go to
 * the first in `valid`. Undefined when nothing is that close.
 */
export function nearestName(input: string, valid: readonly string[]): string | undefined {
  if (input.length > 100) return undefined;
  const x = input.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(x, v.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(x.length, v.length) / 3)));
    if (d <= limit && d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

/** ` Did you mean "x"?` (with a leading space), or "" when nothing is close. */
export function didYouMean(input: string, valid: readonly string[], prefix = ""): string {
  const n = nearestName(input, valid);
  return n === undefined ? "" : ` Did you mean "${prefix}${n}"?`;
}
