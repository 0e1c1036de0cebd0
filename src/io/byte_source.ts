/**
 * The one random-access byte source: what the Parquet readers, Parquet ingest,
 * shard assembly and the publish upload read files through, whether the bytes
 * are on disk ({@link openFileSource}) or in memory ({@link memorySource}).
 *
 * @module
 */

/** Random access to a file's (or a buffer's) bytes. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** `length` bytes starting at `offset`; fewer only at the end. */
  read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Release the underlying handle, if any. */
  close?(): void;
}

/**
 * A {@link ByteSource} over bytes in memory. Reads are views, not copies
 * (bytes in shared memory are copied once, since readers need an ArrayBuffer).
 */
export function memorySource(bytes: Uint8Array): ByteSource {
  const own = bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : bytes.slice();
  return {
    size: own.length,
    read: (offset, length) => Promise.resolve(own.subarray(offset, offset + length)),
  };
}

/**
 * A {@link ByteSource} over an open file: positioned reads through one handle.
 * Close it with `close()`.
 */
export async function openFileSource(path: string): Promise<ByteSource & { close(): void }> {
  const f = await Deno.open(path, { read: true });
  const size = (await f.stat()).size;
  return {
    size,
    async read(offset, length) {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      await f.seek(offset, Deno.SeekMode.Start);
      let off = 0;
      while (off < buf.length) {
        const n = await f.read(buf.subarray(off));
        if (n === null) break;
        off += n;
      }
      return buf.subarray(0, off);
    },
    close: () => f.close(),
  };
}
