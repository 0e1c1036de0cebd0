/**
 * `sdp ingest`: turn a user's CSV or Parquet file into the data files of a
 * new version, through the same pipeline as generated data (validation of the
 * data as written, profile, drift, finalize).
 *
 * Two passes over the input:
 * 1. {@link scanInput}: parse every value (with the declared types, or to
 *    infer them), count rows and nulls, hash the file. Every input problem
 *    (encoding, quoting, ragged rows, values that do not parse, unsupported
 *    Parquet types, truncated files) is found here, before anything is
 *    written.
 * 2. {@link ingestProducer}: read again, convert to chunks of CHUNK_ROWS rows
 *    with columns in name order, and write data.parquet / data.csv with sdp's
 *    own writers. The file's SHA-256 is checked again afterwards, so a file
 *    changed between the passes is an error, not a silent mix.
 *
 * Both passes stream: memory is bounded by a batch of records (CSV) or a row
 * group (Parquet) plus one chunk, whatever the file's size.
 *
 * Format: `.parquet`/`.pq` files are Parquet, `.csv` files are CSV, `.json`,
 * `.jsonl` and `.ndjson` files are JSON (an array of objects or JSON Lines,
 * src/json/); any other name is Parquet when it starts with the `PAR1`
 * magic, JSON when its first non-blank byte is `[` or `{`, else CSV.
 *
 * Column names: the file's names (CSV header, JSON keys, Parquet fields) are
 * read as identifiers by the rules of names.ts; a renamed column keeps its
 * file name as `sourceName` (schema.yaml `source_name`, and provenance
 * `source_names`).
 *
 * @module
 */
import type { Chunk, ColumnType } from "../data/mod.ts";
import { compareNames } from "../data/mod.ts";
import { InputError } from "../errors.ts";
import { createSha256, hashFile } from "../hash/mod.ts";
import { openFileSource } from "../io/byte_source.ts";
import type { Producer } from "../pipeline/producer.ts";
import { writeDataFiles } from "../pipeline/write_files.ts";
import { csvToChunks, inferCsvColumns } from "../csv/convert.ts";
import { type CsvEvent, detectSeparator, parseCsv } from "../csv/read.ts";
import { DEFAULT_NULLS } from "../csv/infer.ts";
import { JsonInference, type JsonTarget, jsonToEvents, parseJsonRecords } from "../json/mod.ts";
import { ChunkFacts, type ColumnReport, NAIVE_NOTE, renderText, TextFacts } from "./facts.ts";
import { deriveIdentifiers, matchSourceNames } from "./names.ts";
// Loaded when a Parquet file is ingested: it pulls in apache-arrow and parquet-wasm (start-up).
import type { NullCounts } from "./parquet_input.ts";
const parquetInput = () => import("./parquet_input.ts");

export type { ColumnReport } from "./facts.ts";

/** Input file formats. */
export type InputFormat = "csv" | "parquet" | "json";

/** A column as ingested: name, type, nullability, and its name in the file when different. */
export interface IngestColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** The file's name for the column (header, key, field), when it is not `name`. */
  sourceName?: string;
}

/** Facts about the input file (final_metadata.json provenance). */
export interface Provenance {
  file_name: string;
  bytes: number;
  sha256: string;
  /**
   * CSV field separator, recorded only when it is not `,` (so versions
   * ingested from comma-separated files keep their bytes).
   */
  separator?: string;
  /**
   * Column name -> the file's name for it, for renamed columns only;
   * absent when no column was renamed (so such versions keep their bytes).
   */
  source_names?: Record<string, string>;
}

/** Bytes read from the start of a CSV file to detect its separator. */
export const DETECT_HEAD_BYTES = 1024 * 1024;

/** A CSV file's separator, and whether it was detected or given. */
export interface SeparatorChoice {
  separator: string;
  how: "detected" | "given";
}

/** What {@link scanInput} found. */
export interface ScanResult {
  format: InputFormat;
  rows: number;
  /** Declared columns, or the inferred ones (sorted by name). */
  columns: IngestColumn[];
  provenance: Provenance;
  /** CSV null tokens for non-string columns (default: those of src/csv/infer.ts). */
  nullValues?: readonly string[];
  /** CSV only: the field separator used for both passes. */
  separator?: SeparatorChoice;
  /** CSV only: the null tokens are null in string columns too. */
  nullsInStrings?: boolean;
  /** JSON only: nested values are kept as JSON text (else they are errors). */
  nestedAsJson?: boolean;
  /** Per column (sorted by name): what was decided, for the decision table. */
  report: ColumnReport[];
}

/** Options of {@link scanInput}. */
export interface ScanOptions {
  /** How messages name the declared schema. */
  schemaName?: string;
  format?: InputFormat;
  /** CSV null tokens for non-string columns. */
  nullValues?: readonly string[];
  /** CSV field separator (checked with separatorProblem); detected when absent. */
  separator?: string;
  /** CSV: the null tokens are null in string columns too (R's NA, pandas' NaN). */
  nullsInStrings?: boolean;
  /** JSON: keep nested objects and arrays as JSON text in string columns. */
  nestedAsJson?: boolean;
}

/** File name without directories. */
export function baseName(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
}

/** Decide the input format from the name, else from the first bytes. */
export async function detectFormat(path: string): Promise<InputFormat> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".parquet") || lower.endsWith(".pq")) return "parquet";
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
    return "json";
  }
  const f = await openFileSource(path);
  try {
    const head = await f.read(0, 4096);
    if (head.length >= 4 && new TextDecoder().decode(head.subarray(0, 4)) === "PAR1") {
      return "parquet";
    }
    // The first non-blank byte after an optional BOM.
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i])) i++;
    return head[i] === 0x5b || head[i] === 0x7b ? "json" : "csv";
  } finally {
    f.close();
  }
}

/**
 * The separator of a CSV file: `given` (already checked with
 * separatorProblem), else detected from its first {@link DETECT_HEAD_BYTES}
 * bytes (src/csv/read.ts `detectSeparator`).
 */
export async function chooseSeparator(
  path: string,
  given: string | undefined,
): Promise<SeparatorChoice> {
  if (given !== undefined) return { separator: given, how: "given" };
  const f = await openFileSource(path);
  try {
    const head = await f.read(0, DETECT_HEAD_BYTES + 1);
    const complete = head.length <= DETECT_HEAD_BYTES;
    return {
      separator: detectSeparator(head.subarray(0, DETECT_HEAD_BYTES), complete),
      how: "detected",
    };
  } finally {
    f.close();
  }
}

/** Bytes of a file as a stream, hashed (SHA-256) and counted as they pass. */
async function hashedStream(
  path: string,
): Promise<{ stream: ReadableStream<Uint8Array>; digest: () => Provenance }> {
  const f = await Deno.open(path, { read: true });
  const h = createSha256();
  let bytes = 0;
  const stream = f.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        h.update(chunk);
        bytes += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  return {
    stream,
    digest: () => ({ file_name: baseName(path), bytes, sha256: h.hex() }),
  };
}

/** What the CSV wrapper learns while events pass. */
interface CsvSeen {
  rows: number;
  /** The header as written. */
  source?: string[];
  /** The identifiers it is read as, parallel to `source`. */
  names?: string[];
  line?: number;
  facts?: TextFacts;
}

/**
 * CSV events with the header read as identifiers (`declared`: matched to
 * those columns, see names.ts `matchSourceNames`; else derived), counting
 * rows and collecting facts.
 */
async function* mapCsvHeader(
  events: AsyncIterable<CsvEvent>,
  declared: readonly IngestColumn[] | undefined,
  into: CsvSeen,
  options: {
    file: string;
    nulls?: ReadonlySet<string>;
    schemaName?: string;
    nullsInStrings?: boolean;
  },
): AsyncGenerator<CsvEvent> {
  for await (const ev of events) {
    if (ev.kind === "rows") {
      into.rows += ev.rows.length;
      into.facts?.observe(ev.rows);
      yield ev;
      continue;
    }
    const names = declared ? matchSourceNames(ev.names, declared) : deriveIdentifiers(ev.names);
    if (declared) {
      const known = new Set(declared.map((c) => c.name));
      names.forEach((n, i) => {
        if (!known.has(n)) {
          throw new InputError(
            `column ${JSON.stringify(ev.names[i])}${
              n === ev.names[i] ? "" : ` (read as ${n})`
            } is not declared in ${options.schemaName ?? "the schema"}`,
            { file: options.file, line: ev.line, col: i + 1 },
          );
        }
      });
    }
    into.source = ev.names;
    into.names = names;
    into.line = ev.line;
    if (options.nulls) {
      into.facts = new TextFacts(names.length, options.nulls, {
        stringNulls: options.nullsInStrings === true,
      });
    }
    yield { ...ev, names };
  }
}

/** Columns with the file's names recorded where they differ (names -> source names). */
function withSources(
  columns: readonly IngestColumn[],
  names: readonly string[],
  sources: readonly string[],
): IngestColumn[] {
  const sourceOf = new Map(names.map((n, i) => [n, sources[i]]));
  return columns.map((c) => {
    const { sourceName: _, ...rest } = c;
    const s = sourceOf.get(c.name);
    return s === undefined || s === c.name ? rest : { ...rest, sourceName: s };
  });
}

/** Renamed columns for provenance, or nothing when none was renamed. */
function sourceNames(columns: readonly IngestColumn[]): Pick<Provenance, "source_names"> {
  const renamed = columns.filter((c) => c.sourceName !== undefined);
  if (renamed.length === 0) return {};
  return { source_names: Object.fromEntries(renamed.map((c) => [c.name, c.sourceName!])) };
}

function notesOf(c: IngestColumn, more: readonly (string | undefined | false)[]): string[] {
  return [
    ...(c.sourceName !== undefined ? ["renamed"] : []),
    ...more.filter((m): m is string => typeof m === "string"),
  ];
}

/**
 * First pass: read the whole file, with `declared` columns (types checked,
 * every value parsed) or inferring them (see infer.ts for CSV, json/convert.ts
 * for JSON, the type mapping in parquet_input.ts for Parquet). Throws
 * {@link InputError} with the file, line/row, column and value of the first
 * problem.
 */
export async function scanInput(
  path: string,
  declared: IngestColumn[] | undefined,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const format = options.format ?? await detectFormat(path);
  switch (format) {
    case "csv":
      return await scanCsv(path, declared, options);
    case "json":
      return await scanJson(path, declared, options);
    case "parquet":
      return await scanParquet(path, declared, options);
  }
}

async function scanCsv(
  path: string,
  declared: IngestColumn[] | undefined,
  options: ScanOptions,
): Promise<ScanResult> {
  const nullValues = options.nullValues;
  const nullsInStrings = options.nullsInStrings === true;
  const nulls = nullValues === undefined ? DEFAULT_NULLS : new Set(nullValues);
  const file = baseName(path);
  const separator = await chooseSeparator(path, options.separator);
  const { stream, digest } = await hashedStream(path);
  const seen: CsvSeen = { rows: 0 };
  const events = mapCsvHeader(
    parseCsv(stream, { file, separator: separator.separator }),
    declared,
    seen,
    { file, nulls, schemaName: options.schemaName, nullsInStrings },
  );
  let columns: IngestColumn[];
  if (declared) {
    for await (const _ of csvToChunks(events, declared, { file, nullValues, nullsInStrings })) {
      /* parse only */
    }
    columns = declared;
  } else {
    const inferred = await inferCsvColumns(events, { file, nullValues, nullsInStrings });
    columns = inferred.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  }
  if (seen.rows === 0) {
    throw new InputError("the file has a header but no data rows", {
      file,
      line: (seen.line ?? 1) + 1,
      col: 1,
    });
  }
  columns = withSources(columns, seen.names!, seen.source!);
  const position = new Map(seen.names!.map((n, i) => [n, i]));
  const report = columns.map((c): ColumnReport => {
    const f = seen.facts!.column(position.get(c.name)!, c.type);
    return {
      name: c.name,
      sourceName: c.sourceName ?? c.name,
      type: c.type,
      nullable: c.nullable,
      nullCount: f.nullCount,
      example: f.example,
      notes: notesOf(c, [f.naive && NAIVE_NOTE]),
    };
  });
  const provenance: Provenance = {
    ...withSeparator(digest(), separator.separator),
    ...sourceNames(columns),
  };
  return {
    format: "csv",
    rows: seen.rows,
    columns: sortColumns(columns),
    provenance,
    ...(nullValues === undefined ? {} : { nullValues }),
    ...(nullsInStrings ? { nullsInStrings } : {}),
    separator,
    report: sortColumns(report),
  };
}

async function scanJson(
  path: string,
  declared: IngestColumn[] | undefined,
  options: ScanOptions,
): Promise<ScanResult> {
  const file = baseName(path);
  const nested = options.nestedAsJson === true ? "json" : "error";
  const { stream, digest } = await hashedStream(path);
  const inference = new JsonInference(file);
  for await (const batch of parseJsonRecords(stream, { file, nested })) inference.observe(batch);
  const provenanceBase = digest();
  if (inference.rows === 0) throw new InputError(`${file}: the file holds no records`);
  const facts = inference.columns();
  const sources = facts.map((f) => f.source);
  const names = declared ? matchSourceNames(sources, declared) : deriveIdentifiers(sources);
  let columns: IngestColumn[];
  if (declared) {
    const known = new Map(declared.map((c) => [c.name, c]));
    const taken = new Map<string, string>();
    names.forEach((n, i) => {
      if (!known.has(n)) {
        throw new InputError(
          `${file}: key ${JSON.stringify(sources[i])}${
            n === sources[i] ? "" : ` (read as ${n})`
          } is not a column of ${options.schemaName ?? "the schema"}`,
        );
      }
      const other = taken.get(n);
      if (other !== undefined) {
        throw new InputError(
          `${file}: keys ${JSON.stringify(other)} and ${JSON.stringify(sources[i])} are both ` +
            `read as column ${n}; give one of them a source_name in the schema`,
        );
      }
      taken.set(n, sources[i]);
    });
    const missing = declared.filter((c) => !taken.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new InputError(
        `${file}: no record has a key for the declared column(s): ${missing.join(", ")}`,
      );
    }
    columns = withSources(declared, names, sources);
    // Every value against its declared type, at its own line and column.
    const second = await hashedStream(path);
    const events = jsonToEvents(
      parseJsonRecords(second.stream, { file, nested }),
      jsonTargets(columns),
      { file, check: true, schemaName: options.schemaName },
    );
    for await (const _ of csvToChunks(events, columns, { file, nullValues: [] })) {
      /* parse only */
    }
    if (second.digest().sha256 !== provenanceBase.sha256) changed(file);
  } else {
    columns = withSources(
      facts.map((f, i) => ({ name: names[i], type: f.type, nullable: f.nullable })),
      names,
      sources,
    );
  }
  const noNulls: ReadonlySet<string> = new Set();
  const report = columns.map((c): ColumnReport => {
    const f = facts[names.indexOf(c.name)];
    return {
      name: c.name,
      sourceName: c.sourceName ?? c.name,
      type: c.type,
      nullable: c.nullable,
      nullCount: f.nullCount,
      example: renderText(c.type, f.example, noNulls),
      notes: notesOf(c, [
        c.type === "datetime" && f.naive && NAIVE_NOTE,
        f.nested && "nested values kept as JSON text",
        f.mixed && c.type === "string" && "mixed JSON types read as text",
      ]),
    };
  });
  return {
    format: "json",
    rows: inference.rows,
    columns: sortColumns(columns),
    provenance: { ...provenanceBase, ...sourceNames(columns) },
    ...(options.nestedAsJson === true ? { nestedAsJson: true } : {}),
    report: sortColumns(report),
  };
}

function jsonTargets(columns: readonly IngestColumn[]): JsonTarget[] {
  return columns.map((c) => ({
    source: c.sourceName ?? c.name,
    name: c.name,
    type: c.type,
    nullable: c.nullable,
  }));
}

async function scanParquet(
  path: string,
  declared: IngestColumn[] | undefined,
  options: ScanOptions,
): Promise<ScanResult> {
  const file = baseName(path);
  const schemaName = options.schemaName ?? "the schema";
  const provenance = { file_name: file, ...(await hashFile(path)) };
  const src = await openFileSource(path);
  try {
    const { matchColumns, openParquetInput, parquetColumns, parquetRows, parquetToChunks } =
      await parquetInput();
    const pf = await openParquetInput(src, file);
    try {
      const raw = parquetColumns(pf, file);
      const sources = raw.map((c) => c.name);
      const names = declared ? matchSourceNames(sources, declared) : deriveIdentifiers(sources);
      const found = raw.map((c, i) => ({ ...c, name: names[i] }));
      const sourceOf = new Map(names.map((n, i) => [n, sources[i]]));
      let targets: IngestColumn[];
      if (declared) {
        matchColumns(found, declared, file, schemaName);
        targets = withSources(declared, names, sources);
      } else {
        targets = withSources(
          found.map((c) => ({ name: c.name, type: c.type, nullable: true })),
          names,
          sources,
        );
      }
      const nulls: NullCounts = new Map();
      const facts = new ChunkFacts();
      let rows = 0;
      for await (const chunk of parquetToChunks(pf, targets, { file, nulls })) {
        rows += chunk.rows;
        facts.observe(chunk);
      }
      const stated = parquetRows(pf, file);
      if (rows !== stated) {
        throw new InputError(
          `${file}: the footer states ${stated} rows but ${rows} could be read (truncated?)`,
        );
      }
      if (rows === 0) throw new InputError(`${file}: the file has no rows`);
      const columns = declared
        ? targets
        : targets.map((t) => ({ ...t, nullable: (nulls.get(t.name) ?? 0) > 0 }));
      const noteOf = new Map(found.map((c) => [c.name, c.note]));
      const report = columns.map((c): ColumnReport => ({
        name: c.name,
        sourceName: sourceOf.get(c.name) ?? c.name,
        type: c.type,
        nullable: c.nullable,
        nullCount: facts.nullCount.get(c.name) ?? 0,
        example: facts.example.get(c.name) ?? null,
        notes: notesOf(c, [noteOf.get(c.name)]),
      }));
      return {
        format: "parquet",
        rows,
        columns: sortColumns(columns),
        provenance: { ...provenance, ...sourceNames(columns) },
        report: sortColumns(report),
      };
    } finally {
      pf.free();
    }
  } finally {
    src.close();
  }
}

function changed(file: string): never {
  throw new InputError(
    `${file} changed while it was being read; nothing was finalized. Use a file that is not ` +
      `being written to`,
  );
}

function withSeparator(p: Provenance, separator: string): Provenance {
  return separator === "," ? p : { ...p, separator };
}

function sortColumns<T extends { name: string }>(cols: T[]): T[] {
  return [...cols].sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The input's rows as chunks of CHUNK_ROWS rows with `scan.columns` (in name
 * order), read again from the file. Throws an {@link InputError} at the end
 * when the file's bytes are no longer those scanned (`scan.provenance`), so a
 * caller that consumed every chunk knows they are the scanned file's rows.
 * Used by ingest (to write the version) and by readers of real data (fit,
 * compare).
 */
export async function* readInputChunks(path: string, scan: ScanResult): AsyncGenerator<Chunk> {
  const file = baseName(path);
  let digest: (() => Provenance) | undefined;
  let closeSource = () => {};
  let chunks: AsyncIterable<Chunk>;
  if (scan.format === "csv") {
    const h = await hashedStream(path);
    digest = h.digest;
    const separator = scan.separator?.separator ?? ",";
    const events = mapCsvHeader(
      parseCsv(h.stream, { file, separator }),
      scan.columns,
      { rows: 0 },
      { file },
    );
    chunks = csvToChunks(events, scan.columns, {
      file,
      nullValues: scan.nullValues,
      nullsInStrings: scan.nullsInStrings === true,
    });
  } else if (scan.format === "json") {
    const h = await hashedStream(path);
    digest = h.digest;
    const nested = scan.nestedAsJson === true ? "json" : "error";
    const events = jsonToEvents(
      parseJsonRecords(h.stream, { file, nested }),
      jsonTargets(scan.columns),
      { file, check: false },
    );
    chunks = csvToChunks(events, scan.columns, { file, nullValues: [] });
  } else {
    const { openParquetInput, parquetToChunks } = await parquetInput();
    const src = await openFileSource(path);
    const pf = await openParquetInput(src, file).catch((e) => {
      src.close();
      throw e;
    });
    closeSource = () => {
      pf.free();
      src.close();
    };
    chunks = parquetToChunks(pf, scan.columns, { file });
  }
  try {
    yield* chunks;
  } finally {
    closeSource();
  }
  const now = digest ? digest() : { file_name: file, ...(await hashFile(path)) };
  if (now.sha256 !== scan.provenance.sha256 || now.bytes !== scan.provenance.bytes) {
    throw new InputError(
      `${file} changed while it was being read (SHA-256 ${scan.provenance.sha256} ` +
        `when checked, ${now.sha256} when converted); nothing was finalized. Use a file ` +
        `that is not being written to`,
    );
  }
}

/**
 * Second pass as a pipeline producer: convert the input to chunks with
 * `columns` and write the staged data files; fails when the file's bytes
 * are no longer those scanned (`scan.provenance`).
 */
export function ingestProducer(path: string, scan: ScanResult): Producer {
  return {
    stage: "ingest",
    source: "ingested",
    provenance: scan.provenance,
    async produce(p) {
      const rows = await writeDataFiles(readInputChunks(path, scan), p, "ingest");
      return { rows };
    },
  };
}

/** YAML text of a schema.yaml for columns (used for inferred schemas). */
export function schemaYaml(columns: readonly IngestColumn[], comment: string): string {
  const lines = [...comment.split("\n").map((l) => `# ${l}`.trimEnd()), "columns:"];
  for (const c of columns) {
    lines.push(`  ${JSON.stringify(c.name)}:`);
    lines.push(`    type: ${c.type}`);
    lines.push(`    nullable: ${c.nullable}`);
    if (c.sourceName !== undefined) lines.push(`    source_name: ${JSON.stringify(c.sourceName)}`);
  }
  return lines.join("\n") + "\n";
}
