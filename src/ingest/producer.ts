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
 * Format: `.parquet`/`.pq` files are Parquet, `.csv` files are CSV; any other
 * name is Parquet when it starts with the `PAR1` magic, else CSV.
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
// Loaded when a Parquet file is ingested: it pulls in apache-arrow and parquet-wasm (start-up).
import type { NullCounts } from "./parquet_input.ts";
const parquetInput = () => import("./parquet_input.ts");

/** Input file formats. */
export type InputFormat = "csv" | "parquet";

/** A column as ingested: name, type, nullability. */
export interface IngestColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
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
}

/** Column names sdp accepts (same rule as schema.yaml). */
export const SAFE_COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** File name without directories. */
export function baseName(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
}

/** Decide the input format from the name, else from the first bytes. */
export async function detectFormat(path: string): Promise<InputFormat> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".parquet") || lower.endsWith(".pq")) return "parquet";
  if (lower.endsWith(".csv")) return "csv";
  const f = await openFileSource(path);
  try {
    const head = await f.read(0, 4);
    return head.length === 4 && new TextDecoder().decode(head) === "PAR1" ? "parquet" : "csv";
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

async function* countRows(
  events: AsyncIterable<CsvEvent>,
  into: { rows: number; header?: string[]; line?: number },
): AsyncGenerator<CsvEvent> {
  for await (const ev of events) {
    if (ev.kind === "rows") into.rows += ev.rows.length;
    else {
      into.header = ev.names;
      into.line = ev.line;
    }
    yield ev;
  }
}

function checkNames(names: readonly string[], file: string, line: number): void {
  names.forEach((n, i) => {
    if (!SAFE_COLUMN_NAME.test(n)) {
      throw new InputError(
        `column name ${JSON.stringify(n)} cannot be an sdp column name: names start with a ` +
          `letter or _ and use only letters, digits and _ (max 64); rename it in the file or ` +
          `declare the data with --schema after renaming`,
        { file, line, col: i + 1 },
      );
    }
  });
}

/**
 * First pass: read the whole file, with `declared` columns (types checked,
 * every value parsed) or inferring them (see infer.ts for CSV, the type
 * mapping in parquet_input.ts for Parquet). Throws {@link InputError} with
 * the file, line/row, column and value of the first problem.
 */
export async function scanInput(
  path: string,
  declared: IngestColumn[] | undefined,
  options: {
    schemaName?: string;
    format?: InputFormat;
    nullValues?: readonly string[];
    /** CSV field separator (checked with separatorProblem); detected when absent. */
    separator?: string;
  } = {},
): Promise<ScanResult> {
  const nullValues = options.nullValues;
  const file = baseName(path);
  const format = options.format ?? await detectFormat(path);
  const schemaName = options.schemaName ?? "the schema";
  if (format === "csv") {
    const separator = await chooseSeparator(path, options.separator);
    const { stream, digest } = await hashedStream(path);
    const seen: { rows: number; header?: string[]; line?: number } = { rows: 0 };
    const events = countRows(
      parseCsv(stream, { file, separator: separator.separator }),
      seen,
    );
    let columns: IngestColumn[];
    if (declared) {
      for await (const _ of csvToChunks(events, declared, { file, nullValues })) {
        /* parse only */
      }
      columns = declared;
    } else {
      const inferred = await inferCsvColumns(
        (async function* () {
          for await (const ev of events) {
            if (ev.kind === "header") checkNames(ev.names, file, ev.line);
            yield ev;
          }
        })(),
        { file, nullValues },
      );
      columns = inferred.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
    }
    if (seen.rows === 0) {
      throw new InputError("the file has a header but no data rows", {
        file,
        line: (seen.line ?? 1) + 1,
        col: 1,
      });
    }
    return {
      format,
      rows: seen.rows,
      columns: sortColumns(columns),
      provenance: withSeparator(digest(), separator.separator),
      ...(nullValues === undefined ? {} : { nullValues }),
      separator,
    };
  }

  const provenance = { file_name: file, ...(await hashFile(path)) };
  const src = await openFileSource(path);
  try {
    const { matchColumns, openParquetInput, parquetColumns, parquetRows, parquetToChunks } =
      await parquetInput();
    const pf = await openParquetInput(src, file);
    try {
      const found = parquetColumns(pf, file);
      let targets: IngestColumn[];
      if (declared) {
        matchColumns(found, declared, file, schemaName);
        targets = declared;
      } else {
        for (const c of found) {
          if (!SAFE_COLUMN_NAME.test(c.name)) {
            throw new InputError(
              `${file}: column name ${
                JSON.stringify(c.name)
              } cannot be an sdp column name: names ` +
                `start with a letter or _ and use only letters, digits and _ (max 64)`,
            );
          }
        }
        targets = found.map((c) => ({ name: c.name, type: c.type, nullable: true }));
      }
      const nulls: NullCounts = new Map();
      let rows = 0;
      for await (const chunk of parquetToChunks(pf, targets, { file, nulls })) rows += chunk.rows;
      const stated = parquetRows(pf, file);
      if (rows !== stated) {
        throw new InputError(
          `${file}: the footer states ${stated} rows but ${rows} could be read (truncated?)`,
        );
      }
      if (rows === 0) throw new InputError(`${file}: the file has no rows`);
      const columns = declared ??
        targets.map((t) => ({ ...t, nullable: (nulls.get(t.name) ?? 0) > 0 }));
      return { format, rows, columns: sortColumns(columns), provenance };
    } finally {
      pf.free();
    }
  } finally {
    src.close();
  }
}

function withSeparator(p: Provenance, separator: string): Provenance {
  return separator === "," ? p : { ...p, separator };
}

function sortColumns(cols: IngestColumn[]): IngestColumn[] {
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
    chunks = csvToChunks(parseCsv(h.stream, { file, separator }), scan.columns, {
      file,
      nullValues: scan.nullValues,
    });
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
  }
  return lines.join("\n") + "\n";
}
