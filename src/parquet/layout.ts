/**
 * Check a Parquet file's structure in TypeScript before any byte reaches
 * parquet-wasm: the trailer, the footer (decoded with thrift.ts), the schema
 * tree, row counts, and every offset and size against the file's size; with
 * `pages`, also every page header of every column chunk (sizes, value counts).
 *
 * parquet-rs trusts these numbers: a lying offset, size or count makes it
 * index out of bounds or allocate what the file claims, and in WASM a Rust
 * panic is an `unreachable` trap (see engine.ts). Everything this module
 * accepts is in bounds, so what is left for the engine is the content of
 * pages (compressed bytes, encodings), whose errors it reports normally.
 *
 * Field ids are from parquet-format's parquet.thrift.
 *
 * @module
 */
import { IntegrityError } from "../errors.ts";
import type { ByteSource } from "../io/byte_source.ts";
import {
  decodeStruct,
  getBinary,
  getI64,
  getInt,
  getList,
  getStruct,
  type ThriftStruct,
} from "./thrift.ts";

/**
 * The bytes are not a Parquet file sdp can read safely; the message says which
 * part is wrong. An {@link IntegrityError} (exit 1) for files sdp wrote; ingest
 * turns it into an InputError (exit 2) naming the user's file.
 */
export class CorruptParquetError extends IntegrityError {
  override name = "CorruptParquetError";
}

/** Largest footer read into memory (a 2,000-column file with many row groups is a few MiB). */
export const MAX_FOOTER_BYTES = 64 * 1024 * 1024;
/** Largest page accepted, compressed or not: parquet-rs allocates what a page header states. */
export const MAX_PAGE_BYTES = 256 * 1024 * 1024;
/** Deepest schema tree accepted (sdp reads flat files; nested ones are refused later anyway). */
const MAX_SCHEMA_DEPTH = 32;
/** Largest page header (statistics included) read while walking pages. */
const MAX_PAGE_HEADER_BYTES = 16 * 1024 * 1024;

/** What a checked file holds, from its footer. */
export interface ParquetLayout {
  /** Bytes of the footer (FileMetaData), without the 8-byte trailer. */
  footerBytes: number;
  numRows: number;
  /** Rows per row group. */
  rowGroups: number[];
  /** Top-level field names, in file order. */
  columns: string[];
  /** Leaf columns (column chunks per row group). */
  leaves: number;
}

function corrupt(msg: string): never {
  throw new CorruptParquetError(msg);
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];
const isMagic = (b: Uint8Array) => b.length >= 4 && PAR1.every((x, i) => b[i] === x);

/** An i64 field that must be present, a safe integer, and within [min, max]. */
function i64In(s: ThriftStruct, id: number, what: string, min: number, max: number): number {
  const v = getI64(s, id);
  if (v === undefined) corrupt(`${what} is missing`);
  if (v < BigInt(min) || v > BigInt(max)) corrupt(`${what} is ${v}, outside [${min}, ${max}]`);
  return Number(v);
}

function i64Opt(s: ThriftStruct, id: number, what: string, min: number, max: number) {
  return getI64(s, id) === undefined ? undefined : i64In(s, id, what, min, max);
}

function intIn(s: ThriftStruct, id: number, what: string, min: number, max: number): number {
  const v = getInt(s, id);
  if (v === undefined) corrupt(`${what} is missing`);
  if (v < min || v > max) corrupt(`${what} is ${v}, outside [${min}, ${max}]`);
  return v;
}

interface Leaf {
  name: string;
  physicalType: number;
  /** Whether any level of its path is REPEATED (then num_values may exceed the rows). */
  repeated: boolean;
}

/** Walk the flattened schema tree; every element must be used exactly once. */
function schemaLeaves(schema: ThriftStruct[]): { leaves: Leaf[]; columns: string[] } {
  if (schema.length === 0) corrupt("the schema is empty");
  const text = new TextDecoder("utf-8", { fatal: true });
  const nameOf = (el: ThriftStruct, i: number) => {
    const b = getBinary(el, 4) ?? corrupt(`schema element ${i} has no name`);
    try {
      return text.decode(b);
    } catch {
      return corrupt(`schema element ${i} has a name that is not UTF-8`);
    }
  };
  const leaves: Leaf[] = [];
  let i = 1; // element 0 is the root
  const walk = (path: string, repeated: boolean, depth: number): void => {
    if (depth > MAX_SCHEMA_DEPTH) corrupt(`the schema is nested deeper than ${MAX_SCHEMA_DEPTH}`);
    if (i >= schema.length) corrupt("the schema tree names more elements than it holds");
    const at = i;
    const el = schema[i++];
    const name = path === "" ? nameOf(el, at) : `${path}.${nameOf(el, at)}`;
    const rep = getInt(el, 3);
    if (rep !== undefined && (rep < 0 || rep > 2)) {
      corrupt(`schema element ${at} has repetition ${rep}`);
    }
    const isRepeated = repeated || rep === 2;
    const children = getInt(el, 5);
    if (children !== undefined && children > 0) {
      if (children > schema.length - i) {
        corrupt(`schema element ${at} claims ${children} children; the schema holds fewer`);
      }
      for (let c = 0; c < children; c++) walk(name, isRepeated, depth + 1);
      return;
    }
    const type = intIn(el, 1, `the type of column "${name}"`, 0, 7);
    if (type === 7) intIn(el, 2, `the type_length of column "${name}"`, 1, 1 << 24);
    leaves.push({ name, physicalType: type, repeated: isRepeated });
  };
  const root = schema[0];
  const rootChildren = getInt(root, 5) ?? 0;
  if (rootChildren < 0 || rootChildren > schema.length - 1) {
    corrupt(
      `the schema root claims ${rootChildren} columns; the schema holds ${schema.length - 1}`,
    );
  }
  const columns: string[] = [];
  for (let c = 0; c < rootChildren; c++) {
    if (i >= schema.length) corrupt("the schema tree names more elements than it holds");
    columns.push(nameOf(schema[i], i));
    walk("", false, 1);
  }
  if (i !== schema.length) {
    corrupt(`the schema holds ${schema.length - i} element(s) outside its tree`);
  }
  return { leaves, columns };
}

/**
 * Check the file's trailer, footer, schema, row counts and offsets (and, with
 * `pages`, every page header). Throws {@link CorruptParquetError} naming the
 * first inconsistency; the message does not include the file name.
 */
export async function checkParquetLayout(
  src: ByteSource,
  options: { pages?: boolean } = {},
): Promise<ParquetLayout> {
  const size = src.size;
  if (size < 12) corrupt(`only ${size} bytes (truncated or empty?)`);
  if (!isMagic(await src.read(0, 4))) corrupt("it does not start with the PAR1 magic bytes");
  const trailer = await src.read(size - 8, 8);
  if (!isMagic(trailer.subarray(4))) {
    corrupt("it does not end with the PAR1 magic bytes (truncated, or an encrypted footer?)");
  }
  const len = new DataView(trailer.buffer, trailer.byteOffset, 8).getUint32(0, true);
  if (len < 2 || len > size - 12) {
    corrupt(`the footer length ${len} does not fit in the file (${size} bytes; truncated?)`);
  }
  if (len > MAX_FOOTER_BYTES) {
    corrupt(`the footer is ${len} bytes, more than sdp reads (${MAX_FOOTER_BYTES})`);
  }
  const footerStart = size - 8 - len;
  const bytes = await src.read(footerStart, len);
  if (bytes.length !== len) corrupt("the file is shorter than its size (changed while read?)");
  let footer: ThriftStruct;
  try {
    footer = decodeStruct(bytes).value;
  } catch (err) {
    if (err instanceof CorruptParquetError) throw err;
    corrupt(`the footer cannot be decoded (${(err as Error).message})`);
  }
  let checked: { layout: ParquetLayout; chunks: ChunkRange[] };
  try {
    checked = checkFooter(footer, { footerStart, len });
  } catch (err) {
    // Wrong wire types (the typed getters throw) are corruption too.
    if (err instanceof CorruptParquetError || !(err instanceof Error)) throw err;
    corrupt(`the footer is inconsistent (${err.message})`);
  }
  if (options.pages) await checkPages(src, checked.chunks);
  return checked.layout;
}

function checkFooter(
  footer: ThriftStruct,
  at: { footerStart: number; len: number },
): { layout: ParquetLayout; chunks: ChunkRange[] } {
  if (getStruct(footer, 8) || getBinary(footer, 9)) corrupt("encrypted files are not supported");
  const { leaves, columns } = schemaLeaves((getList(footer, 2)?.items ?? []) as ThriftStruct[]);
  const numRows = i64In(footer, 3, "the file's row count", 0, Number.MAX_SAFE_INTEGER);
  const groups = (getList(footer, 4)?.items ?? []) as ThriftStruct[];
  const rowGroups: number[] = [];
  const chunks: ChunkRange[] = [];
  let total = 0;
  groups.forEach((rg, g) => {
    const rows = i64In(rg, 3, `row group ${g}'s row count`, 0, numRows);
    rowGroups.push(rows);
    total += rows;
    const cols = (getList(rg, 1)?.items ?? []) as ThriftStruct[];
    if (cols.length !== leaves.length) {
      corrupt(`row group ${g} has ${cols.length} column chunks; the schema has ${leaves.length}`);
    }
    cols.forEach((cc, j) => {
      const where = `row group ${g}, column "${leaves[j].name}"`;
      if (getBinary(cc, 1)) corrupt(`${where}: column chunks in other files are not supported`);
      const md = getStruct(cc, 3) ?? corrupt(`${where}: no column metadata`);
      const type = intIn(md, 1, `${where}: type`, 0, 7);
      if (type !== leaves[j].physicalType) {
        corrupt(`${where}: type ${type} differs from the schema's ${leaves[j].physicalType}`);
      }
      intIn(md, 4, `${where}: compression codec`, 0, 7);
      const values = i64In(md, 5, `${where}: value count`, 0, Number.MAX_SAFE_INTEGER);
      if (!leaves[j].repeated && values !== rows) {
        corrupt(`${where}: ${values} values, but the row group states ${rows} rows`);
      }
      const dataEnd = at.footerStart;
      const compressed = i64In(md, 7, `${where}: compressed size`, 0, dataEnd);
      i64In(md, 6, `${where}: uncompressed size`, 0, Number.MAX_SAFE_INTEGER);
      const data = i64In(md, 9, `${where}: data page offset`, 4, dataEnd - 1);
      const dict = i64Opt(md, 11, `${where}: dictionary page offset`, 0, dataEnd - 1);
      // Some writers store 0 for "no dictionary page".
      const start = dict !== undefined && dict >= 4 && dict < data ? dict : data;
      if (start + compressed > dataEnd) {
        corrupt(
          `${where}: pages at ${start}+${compressed} run past the data (which ends at ${dataEnd})`,
        );
      }
      if (data >= start + compressed && values > 0) {
        corrupt(`${where}: data page offset ${data} is outside its pages`);
      }
      i64Opt(md, 10, `${where}: index page offset`, 0, dataEnd);
      const bloom = i64Opt(md, 14, `${where}: bloom filter offset`, 4, dataEnd - 1);
      if (bloom !== undefined) {
        const n = getInt(md, 15);
        if (n !== undefined && (n < 0 || bloom + n > dataEnd)) {
          corrupt(`${where}: bloom filter at ${bloom}+${n} is outside the file`);
        }
      }
      for (const [off, lenId, name] of [[4, 5, "offset index"], [6, 7, "column index"]] as const) {
        const o = i64Opt(cc, off, `${where}: ${name} offset`, 4, dataEnd - 1);
        if (o === undefined) continue;
        const n = intIn(cc, lenId, `${where}: ${name} length`, 0, dataEnd - o);
        if (o + n > dataEnd) corrupt(`${where}: ${name} at ${o}+${n} is outside the data`);
      }
      chunks.push({ where, start, compressed, values, codec: getInt(md, 4)! });
    });
  });
  if (total !== numRows) {
    corrupt(`the footer states ${numRows} rows, its row groups ${total}`);
  }
  return {
    layout: { footerBytes: at.len, numRows, rowGroups, columns, leaves: leaves.length },
    chunks,
  };
}

interface ChunkRange {
  where: string;
  start: number;
  compressed: number;
  values: number;
  codec: number;
}

/** Decode a page header at `pos`, reading more bytes only when it is longer than read. */
async function pageHeader(
  src: ByteSource,
  pos: number,
  end: number,
  where: string,
): Promise<{ header: ThriftStruct; length: number }> {
  for (let window = 256;; window *= 8) {
    const n = Math.min(window, end - pos, MAX_PAGE_HEADER_BYTES);
    const bytes = await src.read(pos, n);
    try {
      const d = decodeStruct(bytes);
      return { header: d.value, length: d.end };
    } catch (err) {
      const short = err instanceof RangeError && /unexpected end/.test(err.message);
      if (!short || n === end - pos || n === MAX_PAGE_HEADER_BYTES) {
        corrupt(
          `${where}: the page header at byte ${pos} cannot be decoded (${(err as Error).message})`,
        );
      }
    }
  }
}

async function checkPages(src: ByteSource, chunks: ChunkRange[]): Promise<void> {
  for (const c of chunks) {
    const end = c.start + c.compressed;
    let pos = c.start;
    let values = 0;
    while (pos < end) {
      const { header, length } = await pageHeader(src, pos, end, c.where);
      const at = `${c.where}: page at byte ${pos}`;
      try {
        const type = intIn(header, 1, `${at}: type`, 0, 3);
        const raw = intIn(header, 2, `${at}: uncompressed size`, 0, MAX_PAGE_BYTES);
        const stored = intIn(header, 3, `${at}: compressed size`, 0, end - pos - length);
        if (c.codec === 0 && type !== 3 && raw !== stored) {
          corrupt(`${at}: uncompressed page of ${stored} bytes states ${raw}`);
        }
        if (type === 0) {
          const h = getStruct(header, 5) ?? corrupt(`${at}: no data page header`);
          values += intIn(h, 1, `${at}: value count`, 0, c.values - values);
        } else if (type === 3) {
          const h = getStruct(header, 8) ?? corrupt(`${at}: no data page header`);
          values += intIn(h, 1, `${at}: value count`, 0, c.values - values);
          const levels = intIn(h, 5, `${at}: definition levels size`, 0, stored) +
            intIn(h, 6, `${at}: repetition levels size`, 0, stored);
          if (levels > Math.min(stored, raw)) corrupt(`${at}: levels larger than the page`);
        } else if (type === 2) {
          const h = getStruct(header, 7) ?? corrupt(`${at}: no dictionary page header`);
          intIn(h, 1, `${at}: dictionary size`, 0, 2 ** 31 - 1);
        }
        pos += length + stored;
      } catch (err) {
        if (err instanceof CorruptParquetError || !(err instanceof Error)) throw err;
        corrupt(`${at}: ${err.message}`);
      }
    }
    if (values !== c.values) {
      corrupt(`${c.where}: pages hold ${values} values, the column metadata states ${c.values}`);
    }
  }
}
