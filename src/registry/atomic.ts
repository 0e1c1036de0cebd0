/**
 * Atomic file replacement with errors that name the file: the registry and
 * the intents of journal.ts are written this way.
 *
 * @module
 */
import { IntegrityError } from "../errors.ts";

/** The short reason of a file-system error ("No space left on device (os error 28)"). */
export function ioReason(err: unknown): string {
  const m = (err as Error)?.message ?? String(err);
  const i = m.indexOf("):");
  return (i >= 0 ? m.slice(0, i + 1) : m).slice(0, 160);
}

/**
 * Replace `file` with `text` atomically: write `<file>.<token>.tmp`, fsync,
 * rename. On failure the temp file is removed and the error names the file
 * that could not be written; `file` itself is untouched.
 */
export async function writeRegistryFile(file: string, text: string, token: string): Promise<void> {
  const tmp = `${file}.${token}.tmp`;
  try {
    const f = await Deno.open(tmp, { write: true, createNew: true });
    try {
      const b = new TextEncoder().encode(text);
      let off = 0;
      while (off < b.length) off += await f.write(b.subarray(off));
      await f.sync();
    } finally {
      f.close();
    }
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new IntegrityError(`could not write ${tmp} (${ioReason(err)})`, { cause: err });
  }
  try {
    await Deno.rename(tmp, file);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new IntegrityError(`could not replace ${file} (${ioReason(err)})`, { cause: err });
  }
  await syncDir(dirOf(file));
}

/** Make a rename durable (best effort: not every system can open a folder). */
async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch { /* best effort */ }
}

/** The folder of a path ("." when none). */
export function dirOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
}
