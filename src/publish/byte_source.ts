/**
 * Where the Kaggle client reads a file's bytes from. A local adapter until
 * the shared byte-source abstraction of src/io replaces it.
 *
 * @module
 */

/** Random access to a file's bytes. */
export interface ByteSource {
  /** Exactly `length` bytes starting at `offset` (fewer only at end of file). */
  read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Release the underlying handle (called only for sources the client opened). */
  close?(): void;
}

/** Open a file as a {@link ByteSource} (positioned reads through one handle). */
export async function openDenoFile(path: string): Promise<{ source: ByteSource; size: number }> {
  const fh = await Deno.open(path, { read: true });
  const size = (await fh.stat()).size;
  return {
    size,
    source: {
      async read(offset, length) {
        await fh.seek(offset, Deno.SeekMode.Start);
        const buf = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const n = await fh.read(buf.subarray(got));
          if (n === null) break;
          got += n;
        }
        return got === length ? buf : buf.subarray(0, got);
      },
      close() {
        fh.close();
      },
    },
  };
}

/** A {@link ByteSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    read(offset, length) {
      // A copy: fetch bodies need an ArrayBuffer-backed view of exactly the piece.
      return Promise.resolve(bytes.slice(offset, Math.min(bytes.length, offset + length)));
    },
  };
}
