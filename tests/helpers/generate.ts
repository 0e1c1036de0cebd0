/**
 * Helpers shared by the generate tests: load a dataset from YAML texts or the
 * built-in list (src/builtin/mod.ts), generate all rows, read values back.
 *
 * @module
 */
import { BUILTIN_DATASETS } from "../../src/builtin/mod.ts";
import { parseDatasetSpec } from "../../src/config/parse.ts";
import type { ConfigSources, DatasetSpec } from "../../src/model/mod.ts";
import { type Chunk, CHUNK_ROWS, type ColumnValues } from "../../src/data/mod.ts";
import { ConfigError, type ConfigProblem } from "../../src/errors.ts";
import {
  generateChunks,
  type GenerationContext,
  type GenerationPlan,
  planGeneration,
} from "../../src/generate/mod.ts";

/** The three files of a built-in dataset (the one list in src/builtin/mod.ts). */
export function builtinSources(name: string): ConfigSources {
  const sources = BUILTIN_DATASETS.get(name);
  if (sources === undefined) throw new Error(`no built-in dataset "${name}"`);
  return sources;
}

/** Parse three texts (throws ConfigError). */
export function specOf(sources: ConfigSources, name = "t"): DatasetSpec {
  return parseDatasetSpec(sources, { displayDir: "", folderName: name, origin: "test" });
}

/** Build sources from a schema text (and optional evolution text). */
export function sourcesOf(schema: string, evolution = "", rowCount = 1000): ConfigSources {
  return {
    "dataset.yaml": `name: t\ndomain: test\ndescription: test\nrow_count: ${rowCount}\n`,
    "schema.yaml": schema,
    "evolution.yaml": evolution || "{}\n",
  };
}

/** Problems of configs expected to be rejected. */
export function problemsOf(sources: ConfigSources): ConfigProblem[] {
  try {
    specOf(sources);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("configs were accepted");
}

/** A context with a fixed seed. */
export function ctxOf(rowCount: number, extra: Partial<GenerationContext> = {}): GenerationContext {
  return { seedHex: "5eed", rowCount, versionIndex: 0, chunkRows: CHUNK_ROWS, ...extra };
}

/** Generate every chunk, in order. */
export async function generateAll(plan: GenerationPlan, ctx: GenerationContext): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of generateChunks(plan, ctx)) out.push(c);
  return out;
}

/** Plan + generate `rows` rows of a schema. */
export async function table(
  schema: string,
  rows: number,
  evolution = "",
  extra: Partial<GenerationContext> = {},
): Promise<Chunk[]> {
  const plan = planGeneration(specOf(sourcesOf(schema, evolution, rows)));
  return await generateAll(plan, ctxOf(rows, extra));
}

/** Values of a column across chunks (null for null rows). */
export function column(chunks: Chunk[], name: string): Array<number | string | null> {
  const out: Array<number | string | null> = [];
  for (const ch of chunks) {
    const c = ch.columns.get(name) as ColumnValues;
    for (let i = 0; i < ch.rows; i++) {
      out.push(c.valid !== null && c.valid[i] === 0 ? null : c.values[i]);
    }
  }
  return out;
}

/** Numeric values of a column (nulls dropped). */
export function nums(chunks: Chunk[], name: string): number[] {
  return column(chunks, name).filter((v): v is number => typeof v === "number");
}

/** Kolmogorov-Smirnov statistic of a sample against a CDF. */
export function ksStatistic(sample: number[], cdf: (x: number) => number): number {
  const xs = sample.slice().sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return d;
}

/** Pearson chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: number[], probs: number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  let s = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = n * probs[i];
    if (e > 0) s += (observed[i] - e) ** 2 / e;
  }
  return s;
}

/** Sample mean. */
export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation. */
export function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** Empirical quantile (nearest rank). */
export function quantile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Hex SHA-256 of every chunk's values (order, types and nulls included). */
export async function hashChunks(chunks: Chunk[]): Promise<string> {
  const parts: string[] = [];
  for (const ch of chunks) {
    for (const [name, c] of ch.columns) {
      parts.push(name, c.type, JSON.stringify(Array.from(c.values as ArrayLike<unknown>)));
      parts.push(c.valid ? Array.from(c.valid).join("") : "-");
    }
  }
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("|")));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}
