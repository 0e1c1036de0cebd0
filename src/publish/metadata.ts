/**
 * Kaggle `dataset-metadata.json` from plain sdp inputs (pure).
 *
 * Output key order is fixed by construction, so the same inputs always give
 * the same bytes from {@link formatKaggleMetadata}. Schema fields are listed in
 * lexicographic name order because that is the column order sdp writes to its
 * data files (see `Chunk.columns`), and Kaggle matches fields by position.
 *
 * @module
 */

import { type ColumnType, compareNames } from "../data/mod.ts";

/** Kaggle schema field types used for sdp columns. */
export type KaggleFieldType = "string" | "integer" | "number" | "boolean" | "datetime";

/** sdp column type -> Kaggle field type. */
export const KAGGLE_FIELD_TYPES: Readonly<Record<ColumnType, KaggleFieldType>> = {
  string: "string",
  integer: "integer",
  float: "number",
  boolean: "boolean",
  datetime: "datetime",
  // Kaggle documents string, number and datetime field types (a subset of the
  // Frictionless Table Schema); YYYY-MM-DD values are valid datetimes there.
  date: "datetime",
};

/** Kaggle's defaults and limits, as enforced by the official client. */
export const KAGGLE_LIMITS = {
  titleMin: 6,
  titleMax: 50,
  slugMin: 6,
  slugMax: 50,
  subtitleMin: 20,
  subtitleMax: 80,
} as const;

/** License used when none is given: synthetic data carries no third-party rights. */
export const DEFAULT_LICENSE = "CC0-1.0";

/** One column of the published table. */
export interface MetadataColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description?: string;
}

/** One file of the published dataset. */
export interface MetadataFile {
  /** File name as uploaded (Kaggle `resources[].path`). */
  path: string;
  description?: string;
  /**
   * Whether this file holds the table (gets the column schema). Default: true
   * for `.csv`, `.tsv` and `.parquet` names.
   */
  tabular?: boolean;
  /** This file's own columns (a table of a multi-table dataset); default: the dataset's. */
  columns?: MetadataColumn[];
}

/** Plain inputs for {@link kaggleMetadata}. */
export interface KaggleMetadataInput {
  /** Kaggle user or organization slug. */
  owner: string;
  /** sdp dataset name, e.g. `finance_transactions`. */
  name: string;
  /** Kaggle dataset slug; default {@link kaggleSlug}(name). */
  slug?: string;
  /** Default: the name in title case, e.g. `Finance Transactions`. */
  title?: string;
  subtitle?: string;
  description?: string;
  /** Domain (e.g. `finance`); becomes the first keyword. */
  domain?: string;
  keywords?: string[];
  /** Kaggle license name; default {@link DEFAULT_LICENSE}. */
  license?: string;
  columns: MetadataColumn[];
  files: MetadataFile[];
}

/** A Kaggle schema field. */
export interface KaggleField {
  name: string;
  type: KaggleFieldType;
  description: string;
}

/** A Kaggle resource (one file). */
export interface KaggleResource {
  path: string;
  description?: string;
  schema?: { fields: KaggleField[] };
}

/** The content of dataset-metadata.json. */
export interface KaggleDatasetMetadata {
  title: string;
  /** `owner/slug`. */
  id: string;
  licenses: { name: string }[];
  subtitle?: string;
  description?: string;
  keywords?: string[];
  resources: KaggleResource[];
}

/** A Kaggle-style slug: lowercase letters, digits and single hyphens. */
export function kaggleSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** Build dataset-metadata.json content from sdp inputs. */
export function kaggleMetadata(input: KaggleMetadataInput): KaggleDatasetMetadata {
  const slug = input.slug ?? defaultSlug(input.name);
  const title = input.title ?? defaultTitle(input.name);
  const columns = [...input.columns].sort((a, b) => compareNames(a.name, b.name));
  const fields: KaggleField[] = columns.map((c) => ({
    name: c.name,
    type: KAGGLE_FIELD_TYPES[c.type],
    description: c.description ?? "",
  }));
  const keywords = uniq([
    ...(input.domain ? [input.domain] : []),
    ...(input.keywords ?? []),
  ]);
  const meta: KaggleDatasetMetadata = {
    title,
    id: `${input.owner}/${slug}`,
    licenses: [{ name: input.license ?? DEFAULT_LICENSE }],
    resources: input.files.map((f) => {
      const r: KaggleResource = { path: f.path };
      if (f.description !== undefined) r.description = f.description;
      const own = f.columns
        ? [...f.columns].sort((a, b) => compareNames(a.name, b.name)).map((c) => ({
          name: c.name,
          type: KAGGLE_FIELD_TYPES[c.type],
          description: c.description ?? "",
        }))
        : fields;
      if (f.tabular ?? isTabularName(f.path)) r.schema = { fields: own.map((x) => ({ ...x })) };
      return r;
    }),
  };
  if (input.subtitle !== undefined) meta.subtitle = input.subtitle;
  meta.description = describe(input.description, columns);
  if (keywords.length > 0) meta.keywords = keywords;
  return reorder(meta);
}

/** Pretty JSON with a trailing newline, as written to dataset-metadata.json. */
export function formatKaggleMetadata(meta: KaggleDatasetMetadata): string {
  return JSON.stringify(reorder(meta), null, 2) + "\n";
}

/**
 * Problems Kaggle (or its official client) would reject, as messages; empty
 * when the metadata is acceptable. Checked before any upload so a bad title
 * does not cost a multi-gigabyte transfer.
 */
export function checkKaggleMetadata(meta: KaggleDatasetMetadata): string[] {
  const problems: string[] = [];
  const L = KAGGLE_LIMITS;
  const parts = meta.id.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    problems.push(`id must be "owner/slug", got "${meta.id}"`);
  } else {
    const slug = parts[1];
    if (slug.length < L.slugMin || slug.length > L.slugMax) {
      problems.push(
        `slug "${slug}" must be ${L.slugMin}-${L.slugMax} characters (has ${slug.length})`,
      );
    }
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) {
      problems.push(`slug "${slug}" may hold only lowercase letters, digits and single hyphens`);
    }
  }
  if (meta.title.length < L.titleMin || meta.title.length > L.titleMax) {
    problems.push(
      `title must be ${L.titleMin}-${L.titleMax} characters (has ${meta.title.length})`,
    );
  }
  if (
    meta.subtitle !== undefined &&
    (meta.subtitle.length < L.subtitleMin || meta.subtitle.length > L.subtitleMax)
  ) {
    problems.push(
      `subtitle must be ${L.subtitleMin}-${L.subtitleMax} characters (has ${meta.subtitle.length})`,
    );
  }
  if (meta.licenses.length !== 1 || !meta.licenses[0].name) {
    problems.push("exactly one license name is required");
  }
  return problems;
}

function describe(text: string | undefined, columns: MetadataColumn[]): string {
  // A column table makes the Kaggle page useful without opening the files.
  const rows = columns.map((c) =>
    `| ${md(c.name)} | ${c.type} | ${c.nullable ? "yes" : "no"} | ${md(c.description ?? "")} |`
  );
  const table = columns.length === 0 ? "" : [
    "## Columns",
    "",
    "| name | type | nullable | description |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  return [text?.trim() ?? "", table].filter((s) => s !== "").join("\n\n");
}

function md(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * The title from the dataset name (`Finance Transactions`), made valid for
 * Kaggle: a name shorter than its 6-character minimum gets " Synthetic Data"
 * (`tx` -> `Tx Synthetic Data`), a longer one than 50 is cut at a word.
 */
function defaultTitle(name: string): string {
  let t = titleCase(name);
  if (t.length < KAGGLE_LIMITS.titleMin) t = `${t} Synthetic Data`.trim();
  if (t.length > KAGGLE_LIMITS.titleMax) {
    const cut = t.slice(0, KAGGLE_LIMITS.titleMax + 1);
    t = cut.slice(0, Math.max(cut.lastIndexOf(" "), KAGGLE_LIMITS.titleMin)).trimEnd();
  }
  return t;
}

/** The slug from the name, made valid the same way (`tx` -> `tx-synthetic`). */
function defaultSlug(name: string): string {
  let s = kaggleSlug(name);
  if (s.length < KAGGLE_LIMITS.slugMin) s = s === "" ? "synthetic-data" : `${s}-synthetic`;
  if (s.length > KAGGLE_LIMITS.slugMax) s = s.slice(0, KAGGLE_LIMITS.slugMax).replace(/-+$/, "");
  return s;
}

function titleCase(name: string): string {
  return name.split(/[_\-\s]+/).filter((w) => w !== "")
    .map((w) => w[0].toUpperCase() + w.slice(1)).join(" ");
}

function isTabularName(path: string): boolean {
  return /\.(csv|tsv|parquet)$/i.test(path);
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => x !== ""))];
}

// Fixed key order regardless of how the object was assembled.
function reorder(m: KaggleDatasetMetadata): KaggleDatasetMetadata {
  const out: KaggleDatasetMetadata = {
    title: m.title,
    id: m.id,
    licenses: m.licenses,
  } as KaggleDatasetMetadata;
  if (m.subtitle !== undefined) out.subtitle = m.subtitle;
  if (m.description !== undefined) out.description = m.description;
  if (m.keywords !== undefined) out.keywords = m.keywords;
  out.resources = m.resources;
  return out;
}
