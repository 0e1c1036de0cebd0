/**
 * Verification of a finalized version folder against every independent record
 * of it: final_metadata.json (every listed file must exist as a regular file
 * with the recorded SHA-256 and size; its content_hash must match its list),
 * run_metadata.json (a valid seal, bound to this final_metadata.json by its
 * SHA-256), and, when the caller has one, the registry's entry (content hash,
 * data hash, row count). Anything else in the folder, a file, a folder or a
 * link, is a change.
 */
import { ARTIFACTS, checkSeal, contentHash, type FinalMetadata } from "../artifacts/mod.ts";
import { hashFile, sha256Hex } from "../hash/mod.ts";
import { readTextIfExists } from "../io/files.ts";

/** Outcome of verifying one version folder. */
export interface VerifyResult {
  dataset: string;
  version: string;
  path: string;
  ok: boolean;
  /** Files whose hash or size differ from final_metadata.json. */
  changed: string[];
  missing: string[];
  extra: string[];
  /** Other problems (unreadable manifest, bad seal, content hash mismatch). */
  problems: string[];
  content_hash: string | null;
}

/** What the registry recorded about a version when it was finalized. */
export interface RecordedVersion {
  content_hash: string;
  data_sha256?: string;
  row_count?: number;
}

/** Options of {@link verifyVersion}. */
export interface VerifyOptions {
  /** The registry's entry: the folder must still carry these hashes. */
  recorded?: RecordedVersion;
}

/** Read and check the shape of final_metadata.json; undefined with a problem when unusable. */
export async function readFinalMetadata(
  dir: string,
): Promise<{ meta?: FinalMetadata; problem?: string }> {
  const text = await readTextIfExists(`${dir}/${ARTIFACTS.final}`);
  if (text === undefined) return { problem: `${ARTIFACTS.final} is missing` };
  let meta: FinalMetadata;
  try {
    meta = JSON.parse(text) as FinalMetadata;
  } catch (err) {
    return {
      problem: `${ARTIFACTS.final} is not valid JSON: ${
        // deno-lint-ignore no-control-regex
        (err as Error).message.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?").slice(0, 120)}`,
    };
  }
  const problem = metadataProblem(meta);
  return problem ? { problem: `${ARTIFACTS.final} ${problem}` } : { meta };
}

/** What makes a parsed final_metadata.json unusable, if anything. */
function metadataProblem(meta: FinalMetadata): string | undefined {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return "is not an object";
  if (typeof meta.files !== "object" || meta.files === null || Array.isArray(meta.files)) {
    return "lacks files";
  }
  for (const [name, d] of Object.entries(meta.files)) {
    if (typeof d?.sha256 !== "string" || typeof d?.bytes !== "number") {
      return `lists ${JSON.stringify(name).slice(0, 80)} without sha256/bytes`;
    }
  }
  for (const key of ["content_hash", "dataset", "version", "source"] as const) {
    if (typeof meta[key] !== "string") return `lacks ${key}`;
  }
  for (const key of ["row_count", "version_index"] as const) {
    if (typeof meta[key] !== "number") return `lacks ${key}`;
  }
  if (!Array.isArray(meta.formats)) return "lacks formats";
  return undefined;
}

/** Verify one version folder. */
export async function verifyVersion(
  dir: string,
  names: { dataset: string; version: string },
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const res: VerifyResult = {
    ...names,
    path: dir,
    ok: false,
    changed: [],
    missing: [],
    extra: [],
    problems: [],
    content_hash: null,
  };
  const present: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile) present.push(e.name);
      else if (e.isDirectory) res.extra.push(`${e.name}/`);
      else {
        res.extra.push(e.name);
        res.problems.push(`${e.name} is not a regular file (a link or device)`);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      res.problems.push(`version folder ${dir} does not exist`);
      return res;
    }
    throw err;
  }
  present.sort();
  if (!present.includes(ARTIFACTS.final)) {
    res.missing.push(ARTIFACTS.final);
    res.problems.push(`${ARTIFACTS.final} is missing`);
    return res;
  }
  const { meta, problem } = await readFinalMetadata(dir);
  if (!meta) {
    res.problems.push(problem!);
    if (!present.includes(ARTIFACTS.final)) res.missing.push(ARTIFACTS.final);
    return res;
  }
  res.content_hash = meta.content_hash;
  const rec = options.recorded;
  if (rec) {
    if (rec.content_hash !== meta.content_hash) {
      res.problems.push(
        `content hash ${meta.content_hash} differs from the one the registry recorded at finalization (${rec.content_hash})`,
      );
    }
    const dataFile = meta.files?.[ARTIFACTS.parquet] ? ARTIFACTS.parquet : ARTIFACTS.csv;
    // A multi-table version records its content hash as its data hash (see register.ts).
    const dataHash = meta.tables ? meta.content_hash : meta.files?.[dataFile]?.sha256;
    if (rec.data_sha256 !== undefined && rec.data_sha256 !== dataHash) {
      res.problems.push(
        `${dataFile} SHA-256 ${
          dataHash ?? "(none)"
        } differs from the one the registry recorded (${rec.data_sha256})`,
      );
    }
    if (rec.row_count !== undefined && rec.row_count !== meta.row_count) {
      res.problems.push(
        `row count ${meta.row_count} differs from the one the registry recorded (${rec.row_count})`,
      );
    }
  }
  if (meta.dataset !== names.dataset || meta.version !== names.version) {
    res.problems.push(
      `final_metadata.json names ${meta.dataset}/${meta.version}, but the folder is ${names.dataset}/${names.version}`,
    );
  }
  const expected = new Set([...Object.keys(meta.files), ARTIFACTS.final, ARTIFACTS.runMetadata]);
  for (const name of present) if (!expected.has(name)) res.extra.push(name);
  if (meta.tables) await verifyTables(dir, { meta, res });
  for (const [name, want] of Object.entries(meta.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Files of a table folder (multi-table versions) are checked by verifyTables.
    if (name.includes("/")) continue;
    if (!present.includes(name)) {
      res.missing.push(name);
      continue;
    }
    const got = await hashFile(`${dir}/${name}`);
    if (got.sha256 !== want.sha256 || got.bytes !== want.bytes) res.changed.push(name);
  }
  if (await contentHash(meta.files) !== meta.content_hash) {
    res.changed.push(ARTIFACTS.final);
    res.problems.push("final_metadata.json content_hash does not match its file list");
  }
  const runText = present.includes(ARTIFACTS.runMetadata)
    ? await readTextIfExists(`${dir}/${ARTIFACTS.runMetadata}`)
    : undefined;
  if (runText === undefined) res.missing.push(ARTIFACTS.runMetadata);
  else {
    let run: Record<string, unknown> | undefined;
    try {
      run = JSON.parse(runText);
    } catch {
      res.changed.push(ARTIFACTS.runMetadata);
    }
    if (run) {
      const finalText = (await readTextIfExists(`${dir}/${ARTIFACTS.final}`)) ?? "";
      if (!(await checkSeal(run))) res.changed.push(ARTIFACTS.runMetadata);
      else if (run.final_metadata_sha256 !== await sha256Hex(finalText)) {
        res.changed.push(ARTIFACTS.final);
        res.problems.push(
          "final_metadata.json does not match the hash sealed in run_metadata.json",
        );
      }
    }
  }
  res.changed = [...new Set(res.changed)].sort();
  res.extra.sort();
  res.ok = res.changed.length === 0 && res.missing.length === 0 && res.extra.length === 0 &&
    res.problems.length === 0;
  return res;
}

/**
 * The `tables/` folder of a multi-table version: exactly one sealed
 * single-table version folder per table of final_metadata.json, each
 * verified whole, its final_metadata.json the one listed.
 */
async function verifyTables(
  dir: string,
  a: { meta: FinalMetadata; res: VerifyResult },
): Promise<void> {
  const { meta, res } = a;
  res.extra = res.extra.filter((e) => e !== "tables/");
  const names = Object.keys(meta.tables ?? {}).sort();
  const present: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/tables`)) {
      if (e.isDirectory && names.includes(e.name)) present.push(e.name);
      else res.extra.push(`tables/${e.name}`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  for (const t of names) {
    const sub = `tables/${t}`;
    if (!present.includes(t)) {
      res.missing.push(`${sub}/`);
      continue;
    }
    const r = await verifyVersion(`${dir}/${sub}`, {
      dataset: `${meta.dataset}.${t}`,
      version: meta.version,
    });
    res.changed.push(...r.changed.map((f) => `${sub}/${f}`));
    res.missing.push(...r.missing.map((f) => `${sub}/${f}`));
    res.extra.push(...r.extra.map((f) => `${sub}/${f}`));
    res.problems.push(...r.problems.map((p) => `${sub}: ${p}`));
    const listed = meta.files[`${sub}/${ARTIFACTS.final}`];
    const got = await hashFile(`${dir}/${sub}/${ARTIFACTS.final}`).catch(() => undefined);
    if (!listed) res.problems.push(`final_metadata.json does not list ${sub}/${ARTIFACTS.final}`);
    else if (got && (got.sha256 !== listed.sha256 || got.bytes !== listed.bytes)) {
      res.changed.push(`${sub}/${ARTIFACTS.final}`);
    }
  }
}

/** One line per problem, naming each file. */
export function describeVerify(r: VerifyResult): string[] {
  return [
    ...r.changed.map((f) => `changed: ${f}`),
    ...r.missing.map((f) => `missing: ${f}`),
    ...r.extra.map((f) => `extra: ${f}`),
    ...r.problems,
  ];
}
