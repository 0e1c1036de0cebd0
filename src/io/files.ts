/**
 * The file-system adapter: the only module besides the CLI that touches
 * `Deno.*` file APIs. Everything else receives these functions or their results.
 * Random-access reads are in byte_source.ts, file hashing in src/hash/.
 */

/** Read a UTF-8 file; undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Names of sub-directories of `path` (empty when missing), sorted. */
export async function listDirs(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) if (e.isDirectory) out.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return out.sort();
}

/** Names of files (not directories) in `path`, sorted. */
export async function listFiles(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) if (!e.isDirectory) out.push(e.name);
  return out.sort();
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** A sequential writer to a new file (fails if it exists). */
export async function createWriter(
  path: string,
): Promise<{ write(b: Uint8Array): Promise<void>; close(): void }> {
  const f = await Deno.open(path, { write: true, createNew: true });
  return {
    async write(b) {
      let off = 0;
      while (off < b.length) off += await f.write(b.subarray(off));
    },
    close: () => f.close(),
  };
}

/** Write text to `path` via a temporary file and rename, so readers never see half a file. */
export async function writeTextAtomic(
  path: string,
  text: string,
  tmpSuffix: string,
): Promise<void> {
  const tmp = `${path}.${tmpSuffix}.tmp`;
  await Deno.writeTextFile(tmp, text, { createNew: true });
  const f = await Deno.open(tmp, { read: true, write: true });
  try {
    await f.sync();
  } finally {
    f.close();
  }
  await Deno.rename(tmp, path);
}

/** Remove write permission from a file (no-op where modes are unsupported). */
export async function makeReadOnly(path: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  await Deno.chmod(path, 0o444);
}

/** Rename a file or folder (same file system: atomic). */
export async function renamePath(from: string, to: string): Promise<void> {
  await Deno.rename(from, to);
}
