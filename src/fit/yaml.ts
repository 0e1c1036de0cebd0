/**
 * A {@link FittedModel} as the three commented config files. Plain text
 * built in a fixed order (columns by name, numbers by JavaScript's shortest
 * round-trip form), so the same model gives the same bytes.
 *
 * @module
 */
import type { DistSpec } from "../model/mod.ts";
import type { ColumnFit, FittedGenerator, FittedModel } from "./types.ts";

/** The three texts of `datasets/NAME/`. */
export interface ConfigTexts {
  "dataset.yaml": string;
  "schema.yaml": string;
  "evolution.yaml": string;
}

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.test(name)
    ? name
    : JSON.stringify(name);
}

function num(x: number): string {
  return String(x === 0 ? 0 : x);
}

function isoTime(ms: number): string {
  return JSON.stringify(new Date(ms).toISOString());
}

/** The day of a UTC midnight as YYYY-MM-DD (date columns). */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function list(xs: readonly number[]): string {
  return `[${xs.map(num).join(", ")}]`;
}

function distText(d: DistSpec): string {
  switch (d.kind) {
    case "uniform":
      return `kind: uniform, min: ${num(d.min ?? 0)}, max: ${num(d.max ?? 1)}`;
    case "normal":
      return `kind: normal, mean: ${num(d.mean)}, std: ${num(d.std)}`;
    case "lognormal":
      return `kind: lognormal, mu: ${num(d.mu)}, sigma: ${num(d.sigma)}`;
    case "exponential":
      return `kind: exponential, mean: ${num(d.mean)}`;
    case "gamma":
      return `kind: gamma, shape: ${num(d.shape)}, scale: ${num(d.scale)}`;
    case "beta":
      return `kind: beta, alpha: ${num(d.alpha)}, beta: ${num(d.beta)}, min: ${num(d.min)}, max: ${
        num(d.max)
      }`;
    case "poisson":
      return `kind: poisson, lambda: ${num(d.lambda)}`;
    case "empirical":
      return `kind: empirical, quantiles: ${list(d.quantiles)}`;
  }
}

function generatorText(c: ColumnFit, g: FittedGenerator): string {
  switch (g.kind) {
    case "dist":
      return `{${distText(g.dist)}${g.decimals === undefined ? "" : `, decimals: ${g.decimals}`}}`;
    case "categorical": {
      const vals = g.values.map((v) =>
        typeof v === "number" ? num(v) : c.type === "boolean" ? v : JSON.stringify(v)
      );
      return `{kind: categorical, values: [${vals.join(", ")}], weights: ${list(g.weights)}}`;
    }
    case "boolean":
      return `{kind: boolean, rate: ${num(g.rate)}}`;
    case "datetime": {
      // A date column's bounds are YYYY-MM-DD (its stats are UTC midnights, stats.ts).
      const iso = c.type === "date" ? isoDay : isoTime;
      return `{kind: datetime, start: ${iso(g.start)}, end: ${
        iso(g.end)
      }, resolution: ${g.resolution}, ` +
        `weekday_weights: ${list(g.weekday)}` +
        (g.resolution === "day" ? "" : `, hour_weights: ${list(g.hour)}`) + "}";
    }
    case "sequence":
      return `{kind: sequence, start: ${num(g.start)}, step: ${num(g.step)}}`;
    case "uuid":
      return "{kind: uuid}";
    case "email":
      return "{kind: email, domains: [example.com, example.org, example.net]}";
    case "person":
      return `{kind: person, part: ${g.part}}`;
    case "city":
      return "{kind: city}";
    case "company":
      return "{kind: company}";
    case "regex":
      return `{kind: regex, pattern: ${JSON.stringify(g.pattern)}${
        g.maxLength === undefined ? "" : `, max_length: ${g.maxLength}`
      }}`;
  }
}

function header(m: FittedModel, what: string): string {
  return `# ${what}\n` +
    `# Fitted by sdp fit from ${m.source.file} (sha256 ${m.source.sha256}, ${m.source.rows} rows):\n` +
    `# learned from ${m.trainingRows} training rows (holdout ${m.holdout}, min count K = ${m.minCount}).\n` +
    `# What is learned and how: docs/fit.md. Edit freely; sdp run ${m.dataset} generates from it.\n`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}

/** The three config texts of a fitted model. */
export function renderConfigs(m: FittedModel): ConfigTexts {
  const dataset = header(m, "dataset.yaml") +
    `name: ${m.dataset}\n` +
    "domain: fitted\n" +
    `description: ${JSON.stringify(`Synthetic twin of ${m.source.file}, fitted by sdp fit`)}\n` +
    `row_count: ${m.source.rows}\n` +
    "keywords: [fitted]\n";

  let schema = header(m, "schema.yaml") + "columns:\n";
  for (const c of m.columns) {
    schema += `  ${key(c.name)}:\n    type: ${c.type}\n`;
    if (c.nullable) schema += "    nullable: true\n";
    if (c.unique) schema += "    unique: true\n";
    if (c.min !== undefined && c.max !== undefined) {
      const f = c.type === "datetime" ? isoTime : c.type === "date" ? isoDay : num;
      schema += `    constraints: {min: ${f(c.min)}, max: ${f(c.max)}}\n`;
    }
    schema += `    # ${c.role}: ${oneLine(c.why)}\n`;
    schema += `    generator: ${generatorText(c, c.gen)}\n`;
  }
  if (m.copula) {
    schema += "# Gaussian copula over normal scores (docs/fit.md#dependence)" +
      (m.copula.repair ? `; ${m.copula.repair}` : "") + "\n";
    schema += "correlations:\n";
    schema += `  - columns: [${m.copula.columns.map(key).join(", ")}]\n    matrix:\n`;
    for (const row of m.copula.matrix) schema += `      - ${list(row)}\n`;
  }

  let evolution = header(m, "evolution.yaml");
  const missing = m.columns.filter((c) => c.nullable);
  if (missing.length > 0) {
    evolution += "missingness: # share of null training rows\n";
    for (const c of missing) evolution += `  ${key(c.name)}: ${num(c.nullRate)}\n`;
  } else evolution += "# No column had nulls.\n";
  return { "dataset.yaml": dataset, "schema.yaml": schema, "evolution.yaml": evolution };
}
