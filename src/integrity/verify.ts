/**
 * Verification of a finalized version folder against its final_metadata.json:
 * every listed file must exist with the recorded SHA-256 and size, no other
 * file may be present, and run_metadata.json must carry a valid seal bound to
 * this final_metadata.json.
 */
import { ARTIFACTS, checkSeal, contentHash, type FinalMetadata } from "../artifacts/mod.ts";
import { hashFile, sha256Hex } from "../hash/mod.ts";
import { listFiles, readTextIfExists } from "../io/files.ts";

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

/** Read and minimally check final_metadata.json; undefined with a problem when unusable. */
export async function readFinalMetadata(
  dir: string,
): Promise<{ meta?: FinalMetadata; problem?: string }> {
  const text = await readTextIfExists(`${dir}/${ARTIFACTS.final}`);
  if (text === undefined) return { problem: `${ARTIFACTS.final} is missing` };
  try {
    const meta = JSON.parse(text) as FinalMetadata;
    if (
      typeof meta.files !== "object" || meta.files === null || typeof meta.content_hash !== "string"
    ) {
      return { problem: `${ARTIFACTS.final} lacks files/content_hash` };
    }
    return { meta };
  } catch (err) {
    return { problem: `${ARTIFACTS.final} is not valid JSON: ${(err as Error).message}` };
  }
}

/** Verify one version folder. */
export async function verifyVersion(
  dir: string,
  names: { dataset: string; version: string },
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
  let present: string[];
  try {
    present = await listFiles(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      res.problems.push(`version folder ${dir} does not exist`);
      return res;
    }
    throw err;
  }
  const { meta, problem } = await readFinalMetadata(dir);
  if (!meta) {
    res.problems.push(problem!);
    if (!present.includes(ARTIFACTS.final)) res.missing.push(ARTIFACTS.final);
    return res;
  }
  res.content_hash = meta.content_hash;
  if (meta.dataset !== names.dataset || meta.version !== names.version) {
    res.problems.push(
      `final_metadata.json names ${meta.dataset}/${meta.version}, but the folder is ${names.dataset}/${names.version}`,
    );
  }
  const expected = new Set([...Object.keys(meta.files), ARTIFACTS.final, ARTIFACTS.runMetadata]);
  for (const name of present) if (!expected.has(name)) res.extra.push(name);
  for (const [name, want] of Object.entries(meta.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
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
  const runText = await readTextIfExists(`${dir}/${ARTIFACTS.runMetadata}`);
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
  res.ok = res.changed.length === 0 && res.missing.length === 0 && res.extra.length === 0 &&
    res.problems.length === 0;
  return res;
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
