/**
 * Shards for more than one machine.
 *
 * A table of C chunks (C = ceil(rows / CHUNK_ROWS)) is split into n shards;
 * shard i (1-based, `--shard i/n`) covers chunks
 * `[floor((i-1)*C/n), floor(i*C/n))`. Each shard run generates and encodes
 * only its chunks and writes into the parts folder:
 *
 * - `<dataset>.<version>.part-<i>-of-<n>.chunks`: its chunk files (complete
 *   one-row-group Parquet files, as the workers encoded them) back to back;
 * - `<dataset>.<version>.part-<i>-of-<n>.json`: the manifest (canonical JSON):
 *   dataset, version, version_index, config hash, row count, chunk range,
 *   offset/size/rows of each chunk file, size and SHA-256 of the part.
 *
 * `sdp assemble` checks that every part of one (dataset, version, config,
 * version_index, n) is present exactly once and intact, then stitches the
 * chunk files in chunk order into data.parquet (the same stitcher as a
 * one-machine run), so the result is byte-identical to `sdp run`.
 *
 * A multi-table dataset is sharded table by table: each table (named
 * `<dataset>.<table>`) gets its own part per shard, generated from its plan
 * (relations included), hashing the dataset's configs and recording the
 * shards' `--rows` as `root_rows` (src/cli/commands/run_shard.ts, assemble.ts).
 *
 * @module
 */
import { canonicalJson, configsSnapshot } from "../artifacts/mod.ts";
import type { DatasetSpec } from "../model/mod.ts";
import { CHUNK_ROWS, chunkCount } from "../data/mod.ts";
import { IntegrityError, UsageError } from "../errors.ts";
import { createSha256, hashFile, sha256Hex } from "../hash/mod.ts";
import { openFileSource } from "../io/byte_source.ts";
import { createWriter, listFiles, writeTextAtomic } from "../io/files.ts";
import type { GenerationPlan } from "../generate/mod.ts";
import { encodeChunks, encodeJob, writeStitched } from "../parallel/mod.ts";
import { arrowColumns, type Producer } from "../pipeline/producer.ts";
import { DETERMINISM_CONTRACT } from "../version/mod.ts";

/** Manifest format id. */
export const PART_FORMAT = "sdp-shard-part-1";

/** A shard: 1-based index of count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `i/n` (1 <= i <= n); throws UsageError. */
export function parseShard(text: string, cmd = "run"): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `sdp ${cmd}: --shard must be i/n with 1 <= i <= n (shards are numbered from 1, e.g. --shard 1/3), got "${text}"`,
    );
  }
  return { index, count };
}

/** Chunk range [first, end) of a shard among `chunks` chunks. */
export function shardRange(shard: Shard, chunks: number): { first: number; end: number } {
  return {
    first: Math.floor((shard.index - 1) * chunks / shard.count),
    end: Math.floor(shard.index * chunks / shard.count),
  };
}

/** One chunk file inside a part file. */
export interface PartChunk {
  index: number;
  rows: number;
  offset: number;
  bytes: number;
}

/** The manifest of one part. */
export interface PartManifest {
  format: typeof PART_FORMAT;
  determinism_contract: number;
  dataset: string;
  version: string;
  version_index: number;
  /** SHA-256 of the canonical configs snapshot (configs_snapshot.json content). */
  config_sha256: string;
  row_count: number;
  chunk_rows: number;
  chunk_count: number;
  shard: Shard;
  chunks: { first: number; end: number };
  rows: number;
  columns: string[];
  part: { file: string; bytes: number; sha256: string };
  chunk_files: PartChunk[];
  /**
   * Multi-table datasets only: the `--rows` the shard planned every table
   * with (null: dataset.yaml's counts). The assembly plans the tables again
   * from it, so every table's parts must agree on it.
   */
  root_rows?: number | null;
}

/**
 * SHA-256 of the configs snapshot text of a spec (what configs_snapshot.json
 * holds). A table of a multi-table dataset is hashed as its dataset (the
 * `config` spec): the parts of every table name the same configs.
 */
function configHash(spec: DatasetSpec): Promise<string> {
  return sha256Hex(configsSnapshot(spec.name, { ...spec.sources }));
}

/** File name stem of a part. */
function partStem(dataset: string, version: string, shard: Shard): string {
  return `${dataset}.${version}.part-${shard.index}-of-${shard.count}`;
}

/** What {@link writeShardPart} needs. */
export interface ShardRunOptions {
  version: string;
  versionIndex: number;
  rows: number;
  shard: Shard;
  partsDir: string;
  workers: number;
  /** Unique token for the temporary file name. */
  token: string;
  progress?: (stage: string, done: number, total: number) => void;
  /**
   * A table of a multi-table dataset: its plan (relations included), the
   * dataset whose configs the manifest hashes, and the `--rows` it was
   * planned with. Such a table may have fewer chunks than shards (a shard
   * then writes an empty part for it): the split is bounded by the largest table.
   */
  table?: { plan: GenerationPlan; dataset: DatasetSpec; rootRows: number | null };
}

/** Generate and encode one shard's chunks into a part file plus its manifest. */
export async function writeShardPart(
  spec: DatasetSpec,
  o: ShardRunOptions,
): Promise<{ manifest: PartManifest; manifestPath: string }> {
  const chunks = chunkCount(o.rows, CHUNK_ROWS);
  if (o.shard.count > chunks && !o.table) {
    throw new UsageError(
      `sdp run: --shard ${o.shard.index}/${o.shard.count}: ${o.rows} rows make ${chunks} chunk(s) of ${CHUNK_ROWS} rows; use at most ${chunks} shard(s)`,
    );
  }
  const range = shardRange(o.shard, chunks);
  const columns = arrowColumns(spec);
  const job = await encodeJob(spec, {
    columns,
    rowCount: o.rows,
    version: o.version,
    versionIndex: o.versionIndex,
  }, { parquet: true, csv: false, plan: o.table?.plan });
  const stem = partStem(spec.name, o.version, o.shard);
  const partFile = `${stem}.chunks`;
  const tmp = `${o.partsDir}/.${partFile}.${o.token}.tmp`;
  await Deno.mkdir(o.partsDir, { recursive: true });
  const f = await Deno.open(tmp, { write: true, createNew: true });
  const hash = createSha256();
  const files: PartChunk[] = [];
  let offset = 0;
  let rows = 0;
  const shardRows = Math.min(o.rows, range.end * CHUNK_ROWS) - range.first * CHUNK_ROWS;
  try {
    for await (
      const c of encodeChunks(job, {
        workers: o.workers,
        start: range.first,
        end: range.end,
      })
    ) {
      const b = c.file!;
      hash.update(b);
      for (let at = 0; at < b.length;) at += await f.write(b.subarray(at));
      files.push({ index: c.index, rows: c.rows, offset, bytes: b.length });
      offset += b.length;
      rows += c.rows;
      o.progress?.("generate", rows, shardRows);
    }
    await f.sync();
  } catch (err) {
    f.close();
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  f.close();
  await Deno.rename(tmp, `${o.partsDir}/${partFile}`);
  const manifest: PartManifest = {
    format: PART_FORMAT,
    determinism_contract: DETERMINISM_CONTRACT,
    dataset: spec.name,
    version: o.version,
    version_index: o.versionIndex,
    config_sha256: await configHash(o.table?.dataset ?? spec),
    row_count: o.rows,
    chunk_rows: CHUNK_ROWS,
    chunk_count: chunks,
    shard: o.shard,
    chunks: range,
    rows,
    columns: columns.map((c) => c.name),
    part: { file: partFile, bytes: offset, sha256: hash.hex() },
    chunk_files: files,
    ...(o.table ? { root_rows: o.table.rootRows } : {}),
  };
  const manifestPath = `${o.partsDir}/${stem}.json`;
  // The manifest comes last: a part without a manifest is an incomplete shard.
  await Deno.remove(manifestPath).catch(() => {});
  await writeTextAtomic(manifestPath, canonicalJson(manifest), o.token);
  return { manifest, manifestPath };
}

/** The verified parts of one version, in shard order. */
export interface PartSet {
  dataset: string;
  version: string;
  versionIndex: number;
  rowCount: number;
  count: number;
  /** Multi-table parts: the `--rows` of the shards (null: dataset.yaml's counts). */
  rootRows?: number | null;
  parts: { dir: string; manifest: PartManifest }[];
}

const FIELDS_THAT_MUST_AGREE = [
  "format",
  "determinism_contract",
  "dataset",
  "version",
  "version_index",
  "config_sha256",
  "row_count",
  "chunk_rows",
  "chunk_count",
  "root_rows",
] as const;

function parseManifest(text: string, where: string): PartManifest {
  let m: PartManifest;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new IntegrityError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (m?.format !== PART_FORMAT) {
    throw new IntegrityError(`${where}: not an sdp part manifest (format ${String(m?.format)})`);
  }
  return m;
}

/**
 * Find and check every part of `dataset` `version` under `dirs`: all
 * manifests agree (config, version index, row count, shard count), each shard
 * 1..n is present once, the chunk ranges tile [0, C), and every part file has
 * the size and SHA-256 its manifest states. Throws IntegrityError otherwise.
 */
export async function collectParts(
  spec: DatasetSpec,
  version: string,
  dirs: string[],
  /** A table of a multi-table dataset: the dataset whose configs the parts must name. */
  configSpec: DatasetSpec = spec,
): Promise<PartSet> {
  const dataset = spec.name;
  const prefix = `${dataset}.${version}.part-`;
  const found: { dir: string; manifest: PartManifest; name: string }[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await listFiles(dir);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new IntegrityError(`parts folder ${dir} does not exist`);
      }
      throw err;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
      const text = await Deno.readTextFile(`${dir}/${name}`);
      found.push({ dir, manifest: parseManifest(text, `${dir}/${name}`), name });
    }
  }
  if (found.length === 0) {
    throw new IntegrityError(
      `no parts of ${dataset} ${version} in ${
        dirs.join(", ")
      } (expected ${prefix}<i>-of-<n>.json manifests written by 'sdp run --shard')`,
    );
  }
  const first = found[0].manifest;
  for (const f of found) {
    for (const k of FIELDS_THAT_MUST_AGREE) {
      if (f.manifest[k] !== first[k]) {
        throw new IntegrityError(
          `parts disagree on ${k}: ${f.dir}/${f.name} has ${JSON.stringify(f.manifest[k])}, ` +
            `${found[0].dir}/${found[0].name} has ${JSON.stringify(first[k])}; ` +
            "all shards must be run with the same configs, --rows, --run-id and version index",
        );
      }
    }
  }
  const want = await configHash(configSpec);
  if (first.config_sha256 !== want) {
    throw new IntegrityError(
      `the parts of ${dataset} ${version} were generated from other configs than ${dataset}'s here ` +
        `(config hash ${first.config_sha256.slice(0, 12)} vs ${want.slice(0, 12)}); ` +
        "assemble with the same dataset.yaml, schema.yaml and evolution.yaml",
    );
  }
  const counts = new Set(found.map((f) => f.manifest.shard.count));
  if (counts.size !== 1) {
    throw new IntegrityError(
      `parts of ${dataset} ${version} come from different shard counts (${
        [...counts].sort().join(", ")
      }); use the parts of one split only`,
    );
  }
  const n = [...counts][0];
  const bySlot = new Map<number, { dir: string; manifest: PartManifest; name: string }>();
  for (const f of found) {
    const i = f.manifest.shard.index;
    const prev = bySlot.get(i);
    if (prev && prev.manifest.part.sha256 !== f.manifest.part.sha256) {
      throw new IntegrityError(
        `shard ${i}/${n} appears twice with different content (${prev.dir}, ${f.dir})`,
      );
    }
    if (!prev) bySlot.set(i, f);
  }
  const missing = [];
  for (let i = 1; i <= n; i++) if (!bySlot.has(i)) missing.push(`${i}/${n}`);
  if (missing.length > 0) {
    throw new IntegrityError(
      `incomplete parts of ${dataset} ${version}: missing shard(s) ${missing.join(", ")} ` +
        `(found ${bySlot.size} of ${n} in ${dirs.join(", ")})`,
    );
  }
  const parts: { dir: string; manifest: PartManifest }[] = [];
  let next = 0;
  for (let i = 1; i <= n; i++) {
    const { dir, manifest: m } = bySlot.get(i)!;
    const where = `${dir}/${m.part.file}`;
    const range = shardRange({ index: i, count: n }, m.chunk_count);
    if (
      m.chunks.first !== range.first || m.chunks.end !== range.end || range.first !== next ||
      m.chunk_files.length !== range.end - range.first
    ) {
      throw new IntegrityError(`${where}: chunk range does not match shard ${i}/${n}`);
    }
    let offset = 0;
    m.chunk_files.forEach((c, k) => {
      if (c.index !== range.first + k || c.offset !== offset) {
        throw new IntegrityError(`${where}: chunk table is out of order`);
      }
      offset += c.bytes;
    });
    if (offset !== m.part.bytes) {
      throw new IntegrityError(`${where}: chunk sizes do not add up to the part size`);
    }
    next = range.end;
    let digest;
    try {
      digest = await hashFile(where);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new IntegrityError(`${where} is missing (its manifest is present)`);
      }
      throw err;
    }
    if (digest.bytes !== m.part.bytes || digest.sha256 !== m.part.sha256) {
      throw new IntegrityError(
        `${where} is corrupt: ${digest.bytes} bytes, sha256 ${digest.sha256.slice(0, 12)}; ` +
          `its manifest states ${m.part.bytes} bytes, sha256 ${m.part.sha256.slice(0, 12)}`,
      );
    }
    parts.push({ dir, manifest: m });
  }
  if (next !== first.chunk_count) {
    throw new IntegrityError(`the parts cover ${next} of ${first.chunk_count} chunks`);
  }
  const rows = parts.reduce((s, p) => s + p.manifest.rows, 0);
  if (rows !== first.row_count) {
    throw new IntegrityError(
      `the parts hold ${rows} rows, their manifests state ${first.row_count}`,
    );
  }
  return {
    dataset,
    version,
    versionIndex: first.version_index,
    rowCount: first.row_count,
    count: n,
    ...(first.root_rows !== undefined ? { rootRows: first.root_rows } : {}),
    parts,
  };
}

/** A producer that stitches verified parts into data.parquet (Parquet only). */
export function assembleProducer(set: PartSet): Producer {
  return {
    stage: "assemble",
    source: "generated",
    async produce(p) {
      if (p.csv) throw new UsageError("sdp assemble: shards produce Parquet only");
      if (p.rowCount !== set.rowCount || p.versionIndex !== set.versionIndex) {
        throw new IntegrityError(
          `assemble: the parts of ${set.dataset} hold ${set.rowCount} rows (version index ${set.versionIndex}), ` +
            `the run plans ${p.rowCount} (version index ${p.versionIndex})`,
        );
      }
      let done = 0;
      async function* files(): AsyncGenerator<Uint8Array> {
        for (const { dir, manifest } of set.parts) {
          const src = await openFileSource(`${dir}/${manifest.part.file}`);
          try {
            for (const c of manifest.chunk_files) {
              const b = await src.read(c.offset, c.bytes);
              if (b.length !== c.bytes) {
                throw new IntegrityError(`${dir}/${manifest.part.file} is shorter than stated`);
              }
              done += c.rows;
              p.progress?.("assemble", done, p.rowCount);
              yield b;
            }
          } finally {
            src.close();
          }
        }
      }
      const out = await createWriter(`${p.stagingDir}/data.parquet`);
      try {
        const r = await writeStitched(files(), p.columns, (b) => out.write(b));
        if (r.rows !== done) {
          throw new IntegrityError(`stitched ${r.rows} rows, parts state ${done}`);
        }
      } catch (err) {
        if (err instanceof Error && /^Parquet chunk|^ParquetAssembler/.test(err.message)) {
          throw new IntegrityError(`a part holds an unusable chunk file: ${err.message}`);
        }
        throw err;
      } finally {
        out.close();
      }
      return { rows: done };
    },
  };
}
