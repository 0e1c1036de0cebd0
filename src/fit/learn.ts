/**
 * `sdp fit`'s learning: pass 1 (marginals), the per-column decisions, pass 2
 * (copula scores). Training rows only: a row is held out by the shared split
 * (src/split/), so `sdp compare` can test against rows fit never saw.
 *
 * @module
 */
import type { Chunk, ColumnType } from "../model/mod.ts";
import { InputError } from "../errors.ts";
import { holdoutMask, holdoutSplit } from "../split/mod.ts";
import { hermiteCoefficients, intervalScore, repairCorrelation, ScoreMoments } from "./copula.ts";
import {
  bestFit,
  type Ecdf,
  ecdfInterval,
  ecdfOf,
  empiricalKnots,
  knotDigits,
  KS_ACCEPT,
  ksDistance,
  smooth,
} from "./marginals.ts";
import { addColumn, type ColumnStats, newStats } from "./stats.ts";
import { categoriesOf, isHighCardinality, textGenerator } from "./strings.ts";
import type { ColumnFit, FittedCopula, FittedModel, Resolution } from "./types.ts";

/** Default K: categories seen fewer times are merged; windows of at least K order statistics. */
export const DEFAULT_MIN_COUNT = 5;
/** Default share of rows held out. */
export const DEFAULT_HOLDOUT = 0.2;

/** The table to fit: its columns, a way to read its chunks (twice), and its identity. */
export interface FitInput {
  columns: ReadonlyArray<{ name: string; type: ColumnType }>;
  /** A fresh pass over the chunks, in row order. */
  chunks(): AsyncIterable<Chunk>;
  file: string;
  sha256: string;
  rows: number;
}

/** Options of {@link learnTable}. */
export interface FitOptions {
  dataset: string;
  /** Share of rows held out, in [0, 1). */
  holdout: number;
  /** K (>= 2). */
  minCount: number;
  target?: string;
}

/** How a copula column's value becomes a normal score (NaN for null), and its Hermite coefficients. */
interface Scorer {
  score: (c: Chunk["columns"] extends Map<string, infer V> ? V : never, i: number) => number;
  hermite: Float64Array;
}

const ID_NAME = /(^id$|_id$|^id_|_no$|number$)/i;
const RESOLUTIONS: Array<[number, Resolution]> = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
  [1, "millisecond"],
];

/** Cells (rows x columns) of the first pass kept in memory for the second (about 40 MB). */
const CACHE_CELLS = 4_000_000;

function fail(file: string, message: string): never {
  throw new InputError(`${file}: ${message}`);
}

/** Mean of an array. */
function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Learn a {@link FittedModel} from the training rows of `input` (two streaming passes). */
export async function learnTable(input: FitInput, options: FitOptions): Promise<FittedModel> {
  const { file } = input;
  const k = options.minCount;
  if (input.columns.length < 2) {
    fail(
      file,
      `has a single column (${input.columns[0]?.name ?? "none"}); fit learns a table's ` +
        "dependence and needs at least 2 columns (a single column often means the CSV " +
        "separator was not detected)",
    );
  }
  if (options.target !== undefined && !input.columns.some((c) => c.name === options.target)) {
    fail(
      file,
      `has no column ${JSON.stringify(options.target)} for --target; its columns are ${
        input.columns.map((c) => c.name).join(", ")
      }`,
    );
  }
  const split = await holdoutSplit(input.sha256, options.holdout);
  const stats = input.columns.map((c) => newStats(c.name, c.type));
  // A small table's chunks are kept for the second pass instead of reading
  // (and parsing) the file again; a larger one is read again: memory stays bounded.
  let cached: Chunk[] | null = [];
  let cells = 0;
  for await (const chunk of input.chunks()) {
    const train = holdoutMask(split, chunk.start, chunk.rows);
    for (let i = 0; i < train.length; i++) train[i] ^= 1;
    for (const s of stats) addColumn(s, chunk.columns.get(s.name)!, train, k);
    if (cached !== null) {
      cells += chunk.rows * chunk.columns.size;
      if (cells <= CACHE_CELLS) cached.push(chunk);
      else cached = null;
    }
  }
  const trainingRows = stats[0].rows;
  if (trainingRows < 2 * k) {
    fail(
      file,
      `leaves ${trainingRows} training rows of ${input.rows} after holding out ${
        options.holdout * 100
      }%; fit needs at least ${2 * k} (2 x --min-count); lower --holdout or use a larger table`,
    );
  }

  const columns: ColumnFit[] = [];
  const scorers = new Map<string, Scorer>();
  for (const s of stats) {
    const { fit, scorer } = decide(s, k, file, s.name === options.target);
    columns.push(fit);
    if (scorer) scorers.set(s.name, scorer);
  }
  if (options.target !== undefined) {
    const t = columns.find((c) => c.name === options.target)!;
    if (!scorers.has(t.name)) {
      fail(
        file,
        `--target ${t.name} cannot be a label: it is ${
          t.role === "constant" ? "constant (one class)" : `modelled as ${t.role}`
        }`,
      );
    }
  }

  let copula: FittedCopula | null = null;
  const names = [...scorers.keys()].sort();
  if (names.length >= 2) {
    const moments = new ScoreMoments(names.length);
    const fns = names.map((n) => scorers.get(n)!.score);
    const z = new Float64Array(names.length);
    for await (const chunk of cached ?? input.chunks()) {
      const hold = holdoutMask(split, chunk.start, chunk.rows);
      const cols = names.map((n) => chunk.columns.get(n)!);
      for (let i = 0; i < chunk.rows; i++) {
        if (hold[i] === 1) continue;
        for (let a = 0; a < names.length; a++) z[a] = fns[a](cols[a], i);
        moments.add(z);
      }
    }
    const { matrix, repair, minEigenvalue } = repairCorrelation(
      moments.correlations(names.map((n) => scorers.get(n)!.hermite)),
    );
    copula = { columns: names, matrix, repair, minEigenvalue };
  }
  return {
    dataset: options.dataset,
    source: { file, sha256: input.sha256, rows: input.rows },
    trainingRows,
    holdoutRows: input.rows - trainingRows,
    holdout: options.holdout,
    minCount: k,
    ...(options.target === undefined ? {} : { target: options.target }),
    columns,
    copula,
  };
}

/** Score of an ECDF value (precomputed per distinct sketch value, else computed). */
function ecdfScorer(e: Ecdf): Scorer {
  const cache = new Map<number, number>();
  return {
    hermite: hermiteCoefficients(e.cum),
    score: (c, i) => {
      if (c.valid !== null && c.valid[i] === 0) return NaN;
      const x = c.values[i] as number;
      let z = cache.get(x);
      if (z === undefined) {
        const [a, b] = ecdfInterval(e, x);
        z = intervalScore(a, b);
        if (cache.size < 100_000) cache.set(x, z);
      }
      return z;
    },
  };
}

/** The fit of one column and, when it joins the copula, its scorer. */
function decide(
  s: ColumnStats,
  k: number,
  file: string,
  isTarget: boolean,
): { fit: ColumnFit; scorer?: Scorer } {
  const nullRate = s.rows > 0 ? s.nulls / s.rows : 0;
  const base = {
    name: s.name,
    type: s.type,
    nullable: s.nulls > 0,
    nullRate: Number(nullRate.toPrecision(6)),
    unique: false,
  };
  if (s.n === 0) {
    fail(
      file,
      `column ${s.name} is null on every training row; there is nothing to learn from it. ` +
        "Drop the column from the file",
    );
  }
  switch (s.type) {
    case "boolean": {
      if (s.trues === 0 || s.trues === s.n) {
        if (isTarget) {
          fail(
            file,
            `--target ${s.name} has one class (${
              s.trues === 0 ? "false" : "true"
            }) on every training row`,
          );
        }
        return {
          fit: {
            ...base,
            gen: { kind: "categorical", values: [s.trues > 0 ? "true" : "false"], weights: [1] },
            role: "constant",
            why: `constant ${s.trues > 0}`,
          },
        };
      }
      const rate = Number((s.trues / s.n).toPrecision(6));
      return {
        fit: {
          ...base,
          gen: { kind: "boolean", rate },
          role: "marginal",
          why: `boolean rate ${rate}`,
        },
        scorer: {
          hermite: hermiteCoefficients([1 - rate, 1]),
          score: (c, i) => {
            if (c.valid !== null && c.valid[i] === 0) return NaN;
            return c.values[i] === 1 ? intervalScore(1 - rate, 1) : intervalScore(0, 1 - rate);
          },
        },
      };
    }
    case "string":
      return decideString(s, k, file, isTarget, base);
    case "integer":
    case "float":
      return decideNumber(s, k, file, isTarget, base);
    case "datetime":
      return decideDatetime(s, k, base);
    case "date": {
      // Stats hold UTC midnights (stats.ts), so the scorer reads days as midnights too.
      const d = decideDatetime(s, k, base);
      const sc = d.scorer;
      if (sc === undefined) return d;
      const ms = { type: "datetime" as const, values: new Float64Array(1), valid: null };
      return {
        fit: d.fit,
        scorer: {
          hermite: sc.hermite,
          score: (c, i) => {
            if (c.valid !== null && c.valid[i] === 0) return NaN;
            ms.values[0] = (c.values[i] as number) * 86_400_000;
            return sc.score(ms, 0);
          },
        },
      };
    }
  }
}

type Base = Pick<ColumnFit, "name" | "type" | "nullable" | "nullRate" | "unique">;

function decideString(
  s: ColumnStats,
  k: number,
  file: string,
  isTarget: boolean,
  base: Base,
): { fit: ColumnFit; scorer?: Scorer } {
  if (isHighCardinality(s)) {
    if (isTarget) {
      fail(
        file,
        `--target ${s.name} has ${
          s.overflow ? "over " : ""
        }${s.counts.size} distinct values; a label needs few classes`,
      );
    }
    const t = textGenerator(s, k);
    const idLike = t.gen.kind === "uuid" || ID_NAME.test(s.name);
    return {
      fit: {
        ...base,
        unique: t.unique && t.gen.kind === "uuid",
        gen: t.gen,
        role: idLike ? "identifier" : "personal",
        why: `${s.overflow ? "over " : ""}${s.counts.size} distinct values: ${t.what}`,
      },
    };
  }
  if (s.counts.size === 1) {
    if (isTarget) fail(file, `--target ${s.name} has one class on every training row`);
    const v = String([...s.counts.keys()][0]);
    return {
      fit: {
        ...base,
        gen: { kind: "categorical", values: [s.n >= k ? v : "other"], weights: [1] },
        role: "constant",
        why: s.n >= k
          ? "constant (one value)"
          : "constant, seen fewer than K times: written as other",
      },
    };
  }
  const cat = categoriesOf(s, k);
  if (isTarget && cat.values.length < 2) {
    fail(file, `--target ${s.name} keeps fewer than 2 classes seen at least ${k} times`);
  }
  const total = cat.weights.reduce((a, b) => a + b, 0);
  const weights = cat.weights.map((w) => Number((w / total).toPrecision(6)));
  const fit: ColumnFit = {
    ...base,
    gen: { kind: "categorical", values: cat.values, weights },
    role: cat.values.length > 1 ? "marginal" : "constant",
    why: `categorical, ${cat.values.length} values` +
      (cat.merged.rows > 0
        ? ` (${cat.merged.categories} seen < ${k} times merged into ${cat.merged.bucket}: ${cat.merged.rows} rows)`
        : ""),
    ...(cat.merged.rows > 0 ? { merged: cat.merged } : {}),
  };
  if (cat.values.length < 2) return { fit };
  // Cumulative intervals in the declared order, from the weights as written.
  const wsum = weights.reduce((a, b) => a + b, 0);
  const index = new Map<string, number>();
  cat.values.forEach((v, j) => index.set(v, j));
  const scores: number[] = [];
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) {
    const a = acc / wsum;
    acc += w;
    cum.push(Math.min(1, acc / wsum));
    scores.push(intervalScore(a, cum[cum.length - 1]));
  }
  const other = cat.merged.rows > 0 ? scores[scores.length - 1] : NaN;
  return {
    fit,
    scorer: {
      hermite: hermiteCoefficients(cum),
      score: (c, i) => {
        if (c.valid !== null && c.valid[i] === 0) return NaN;
        const j = index.get(c.values[i] as string);
        return j === undefined ? other : scores[j];
      },
    },
  };
}

function rareTest(s: ColumnStats, e: Ecdf, k: number): (v: number) => boolean {
  return (v) => {
    const c = s.counts.get(v);
    if (c !== undefined) return c < k;
    if (!s.overflow) return false;
    const [a, b] = ecdfInterval(e, v);
    return b > a; // a retained value of a large table: treat as a record's value
  };
}

function decideNumber(
  s: ColumnStats,
  k: number,
  file: string,
  isTarget: boolean,
  base: Base,
): { fit: ColumnFit; scorer?: Scorer } {
  const integer = s.type === "integer";
  if (s.min === s.max) {
    if (isTarget) {
      fail(
        file,
        `--target ${s.name} has one class (${s.n >= k ? s.min : "rare"}) on every training row`,
      );
    }
    return {
      fit: {
        ...base,
        gen: { kind: "categorical", values: [s.n >= k ? s.min : 0], weights: [1] },
        role: "constant",
        why: s.n >= k ? `constant ${s.min}` : "constant, seen fewer than K times: written as 0",
      },
    };
  }
  const unique = !s.overflow && s.counts.size === s.n;
  if (integer && unique && s.n > 1) {
    const step = (s.max - s.min) / (s.n - 1);
    if (Number.isInteger(step) || ID_NAME.test(s.name)) {
      if (isTarget) fail(file, `--target ${s.name} is an identifier (every value distinct)`);
      const st = Number.isInteger(step) ? step : 1;
      return {
        fit: {
          ...base,
          unique: true,
          gen: { kind: "sequence", start: s.min, step: st },
          role: "identifier",
          why: Number.isInteger(step)
            ? `identifier: distinct values ${s.min} + ${st} x row -> sequence`
            : `identifier (distinct whole numbers named like an id) -> sequence from ${s.min}`,
        },
      };
    }
  }
  const e = ecdfOf(s.sketch!.items());
  const rare = rareTest(s, e, k);
  const digits = knotDigits(s);
  let lo = smooth(mean(s.low), digits, rare);
  let hi = smooth(mean(s.high), digits, rare);
  if (integer) {
    lo = Math.round(lo);
    hi = Math.round(hi);
  }
  if (!(lo < hi)) {
    // Nearly all mass on one value: the values as categories (rare ones merged).
    const cat = categoriesOf(s, k);
    const values = cat.values.map((v) => (v === cat.merged.bucket ? NaN : Number(v)));
    const keep = values.map((v, j) => [v, cat.weights[j]] as const).filter(([v]) =>
      Number.isFinite(v)
    );
    const total = keep.reduce((a, [, w]) => a + w, 0);
    return {
      fit: {
        ...base,
        gen: {
          kind: "categorical",
          values: keep.map(([v]) => v),
          weights: keep.map(([, w]) => Number((w / total).toPrecision(6))),
        },
        role: keep.length > 1 ? "marginal" : "constant",
        why: `${keep.length} values seen at least ${k} times -> categorical`,
      },
    };
  }
  const fit = bestFit(s, e, lo, hi);
  const decimals = s.type === "float" && s.decimals <= 6 ? s.decimals : undefined;
  const range = { min: lo, max: hi };
  const top = fit.all.slice(0, 3).map((c) => `${c.kind} ${c.ks.toFixed(4)}`).join(", ");
  if (fit.best !== undefined && fit.ks <= KS_ACCEPT) {
    return {
      fit: {
        ...base,
        ...range,
        gen: { kind: "dist", dist: fit.best, ...(decimals === undefined ? {} : { decimals }) },
        role: "marginal",
        why: `${fit.best.kind} (KS ${fit.ks.toFixed(4)} <= ${KS_ACCEPT}; candidates ${top})`,
        candidates: fit.all,
      },
      scorer: ecdfScorer(e),
    };
  }
  const quantiles = empiricalKnots(e, lo, hi, k, digits, rare);
  const dist = { kind: "empirical" as const, quantiles };
  const ks = ksDistance(e, dist, integer, lo, hi);
  return {
    fit: {
      ...base,
      ...range,
      gen: { kind: "dist", dist, ...(decimals === undefined ? {} : { decimals }) },
      role: "marginal",
      why: `empirical, ${quantiles.length} knots (KS ${
        ks.toFixed(4)
      }; no parametric kind within ${KS_ACCEPT}: ${top})`,
      candidates: fit.all,
    },
    scorer: ecdfScorer(e),
  };
}

function decideDatetime(
  s: ColumnStats,
  k: number,
  base: Base,
): { fit: ColumnFit; scorer?: Scorer } {
  const res = s.resolution;
  const name = RESOLUTIONS.find(([ms]) => ms === res)![1];
  const e = ecdfOf(s.sketch!.items());
  const rare = rareTest(s, e, k);
  const onGrid = (x: number, up: boolean) => (up ? Math.ceil(x / res) : Math.floor(x / res)) * res;
  let lo = onGrid(mean(s.low), false);
  let hi = onGrid(mean(s.high), true);
  // A bound equal to a value seen fewer than K times moves one step outward.
  if (rare(lo)) lo -= res;
  if (rare(hi)) hi += res;
  if (!(lo < hi)) hi = lo + res;
  const fit: ColumnFit = {
    ...base,
    min: lo,
    max: hi,
    gen: {
      kind: "datetime",
      start: lo,
      end: hi,
      weekday: s.weekday.slice(),
      hour: s.hour.slice(),
      resolution: name,
    },
    role: "marginal",
    why: `datetime range with weekday${
      res < 86_400_000 ? " and hour" : ""
    } weights, resolution ${name}`,
  };
  return { fit, scorer: ecdfScorer(e) };
}
