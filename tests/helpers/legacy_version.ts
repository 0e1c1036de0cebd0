/**
 * Test helper: turn a freshly finalized version into one as determinism
 * contract 4 left it for what a later run reads from a prior: a format-1
 * profile.json (its five camelCase keys), `contract: 4` in
 * final_metadata.json, `determinism_contract: "4"` in run_metadata.json, all
 * hashes, the seal and the registry's content hash made consistent again, so
 * the folder verifies like a real contract-4 version.
 *
 * @module
 */
import { canonicalJson, contentHash, sealRunMetadata } from "../../src/artifacts/mod.ts";
import { hashFile, sha256Hex } from "../../src/hash/mod.ts";
import { LEGACY_PROFILE_FORMAT, V1_KEY_RENAMES } from "../../src/profile/legacy.ts";

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The profile with the format-2 keys at their known positions renamed back to format 1. */
export function toFormat1Profile(profile: Json): Json {
  const columns = profile.columns as Record<string, Json>;
  for (const column of Object.values(columns)) {
    for (const r of V1_KEY_RENAMES) {
      let o: unknown = column;
      for (const k of r.path) o = isObject(o) ? o[k] : undefined;
      if (isObject(o) && Object.hasOwn(o, r.to)) {
        o[r.from] = o[r.to];
        delete o[r.to];
      }
    }
  }
  return { ...profile, version: LEGACY_PROFILE_FORMAT };
}

async function rewrite(path: string, text: string): Promise<void> {
  await Deno.chmod(path, 0o644);
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o444);
}

/** Make `<runsDir>/<dataset>/<version>` a contract-4 version (see module doc). */
export async function downgradeToContract4(
  cwd: string,
  dataset: string,
  version: string,
): Promise<void> {
  const dir = `${cwd}/runs/${dataset}/${version}`;
  const profile = JSON.parse(await Deno.readTextFile(`${dir}/profile.json`));
  await rewrite(`${dir}/profile.json`, canonicalJson(toFormat1Profile(profile)));

  const meta = JSON.parse(await Deno.readTextFile(`${dir}/final_metadata.json`));
  meta.contract = 4;
  meta.files["profile.json"] = await hashFile(`${dir}/profile.json`);
  meta.content_hash = await contentHash(meta.files);
  const finalText = canonicalJson(meta);
  await rewrite(`${dir}/final_metadata.json`, finalText);

  const run = JSON.parse(await Deno.readTextFile(`${dir}/run_metadata.json`));
  run.runtime.determinism_contract = "4";
  run.final_metadata_sha256 = await sha256Hex(finalText);
  await rewrite(`${dir}/run_metadata.json`, canonicalJson(await sealRunMetadata(run)));

  const registryFile = `${cwd}/registry/datasets.json`;
  const registry = JSON.parse(await Deno.readTextFile(registryFile));
  for (const v of registry.datasets[dataset].versions) {
    if (v.version === version) v.content_hash = meta.content_hash;
  }
  await Deno.writeTextFile(registryFile, canonicalJson(registry));
}
