/**
 * The resumable upload protocol: PUT the bytes in pieces, ask the upload
 * server what it holds after a failure and resume there, and check the
 * SHA-256 before the last piece goes out.
 *
 * @module
 */
import { IntegrityError } from "../errors.ts";
import { startBlobUpload } from "./api.ts";
import { createSha256 } from "../hash/mod.ts";
import type { ByteSource } from "../io/byte_source.ts";
import {
  attempt,
  type Ctx,
  httpFailure,
  pause,
  restartBudget,
  type RetryState,
  retryState,
  statusProblem,
} from "./http.ts";
import { isRetryableStatus, parseRetryAfter } from "./retry.ts";
import { PublishError, type PublishFile } from "./types.ts";

/** Upload one file (new session when one expires); returns its Kaggle blob token. */
export async function uploadOne(
  ctx: Ctx,
  file: PublishFile,
  openFile: (path: string) => Promise<ByteSource>,
  pieceBytes: number,
): Promise<string> {
  let source: ByteSource;
  // Close only what this function opened; a caller's source stays theirs.
  let owned = false;
  if (file.path !== undefined) {
    const opened = await openFile(file.path);
    source = opened;
    owned = true;
    if (opened.size !== file.size) {
      source.close?.();
      throw new IntegrityError(
        `${file.name}: ${file.path} has ${opened.size} bytes, the plan says ${file.size}`,
      );
    }
  } else {
    source = file.source as ByteSource;
  }
  try {
    ctx.log(`uploading ${file.name} (${file.size} bytes)`);
    const hasher = new OrderedHasher(file, source);
    // An expired upload session (404/410) cannot be resumed: start a new one,
    // at most twice.
    for (let session = 0; session < 3; session++) {
      const { token, createUrl } = await startBlobUpload(ctx, file);
      const outcome = await putResumable(ctx, createUrl, file, source, hasher, pieceBytes);
      if (outcome === "complete") {
        ctx.log(`uploaded ${file.name}`);
        return token;
      }
      ctx.log(`${file.name}: the upload session expired; starting a new one`);
    }
    throw new PublishError("upload", `upload of ${file.name}: the upload session kept expiring`);
  } finally {
    if (owned) source.close?.();
  }
}

/** Hashes a file's bytes in order, however the upload jumps around. */
class OrderedHasher {
  #hash = createSha256();
  #done = 0;
  #file: PublishFile;
  #source: ByteSource;
  constructor(file: PublishFile, source: ByteSource) {
    this.#file = file;
    this.#source = source;
  }
  feed(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (offset <= this.#done && end > this.#done) {
      this.#hash.update(bytes.subarray(this.#done - offset));
      this.#done = end;
    }
  }
  /** Hash any bytes not seen yet and compare with the plan. */
  async verify(pieceBytes: number): Promise<void> {
    while (this.#done < this.#file.size) {
      const len = Math.min(pieceBytes, this.#file.size - this.#done);
      this.feed(this.#done, await readExact(this.#file, this.#source, this.#done, len));
    }
    const got = this.#hash.hex();
    if (got !== this.#file.sha256) {
      throw new IntegrityError(
        `${this.#file.name}: content SHA-256 is ${got}, the plan says ${this.#file.sha256}; ` +
          `the file changed after it was hashed. Nothing was published.`,
      );
    }
  }
}

async function readExact(
  file: PublishFile,
  source: ByteSource,
  offset: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (length === 0) return new Uint8Array(0);
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new IntegrityError(
      `${file.name}: expected ${length} bytes at offset ${offset}, read ${bytes.length}; ` +
        `the file is shorter than its planned size ${file.size}`,
    );
  }
  return bytes;
}

async function putResumable(
  ctx: Ctx,
  url: string,
  file: PublishFile,
  source: ByteSource,
  hasher: OrderedHasher,
  pieceBytes: number,
): Promise<"complete" | "expired"> {
  const size = file.size;
  const what = `upload of ${file.name}`;
  const retry = retryState(ctx);
  let offset = 0;
  for (;;) {
    let problem: string;
    let retryAfter: number | undefined;
    if (offset >= size && size > 0) {
      // The server holds every byte but has not finished the upload.
      problem = "the upload server has all bytes but did not complete the upload";
    } else {
      const len = Math.min(pieceBytes, size - offset);
      const piece = await readExact(file, source, offset, len);
      hasher.feed(offset, piece);
      const last = offset + len === size;
      // Check before the last byte leaves: a finished upload is harder to undo.
      if (last) await hasher.verify(pieceBytes);
      const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
      if (!(offset === 0 && last)) {
        headers["Content-Range"] = `bytes ${offset}-${offset + len - 1}/${size}`;
      }
      const sent = await attempt(ctx, url, { method: "PUT", headers, body: piece }, retry, what);
      if (sent instanceof Response) {
        const res = sent;
        if (res.status === 200 || res.status === 201) {
          await res.body?.cancel();
          await hasher.verify(pieceBytes);
          return "complete";
        }
        if (res.status === 308) {
          const next = nextByte(res, size, what);
          await res.body?.cancel();
          if (next > offset) {
            offset = next;
            restartBudget(ctx, retry);
            continue;
          }
          problem = `HTTP 308 without progress (server holds ${next} bytes)`;
        } else if (res.status === 404 || res.status === 410) {
          await res.body?.cancel();
          return "expired";
        } else if (isRetryableStatus(res.status)) {
          retryAfter = parseRetryAfter(res.headers.get("Retry-After"), ctx.now());
          problem = await statusProblem(res);
        } else {
          throw await httpFailure(ctx, res, what);
        }
      } else {
        problem = sent.problem;
      }
    }
    await pause(ctx, retry, what, problem, retryAfter);
    const q = await queryUpload(ctx, url, size, retry, what);
    if (q === "complete") {
      await hasher.verify(pieceBytes);
      return "complete";
    }
    if (q === "expired") return "expired";
    if (q < offset) ctx.log(`${what}: server holds ${q} bytes; resuming there`);
    if (q > offset) restartBudget(ctx, retry);
    offset = q;
  }
}

/** Ask the upload server how much it holds: a byte offset, or complete/expired. */
async function queryUpload(
  ctx: Ctx,
  url: string,
  size: number,
  retry: RetryState,
  what: string,
): Promise<number | "complete" | "expired"> {
  for (;;) {
    const sent = await attempt(
      ctx,
      url,
      {
        method: "PUT",
        headers: { "Content-Range": `bytes */${size}` },
        body: new Uint8Array(0),
      },
      retry,
      what,
    );
    let problem: string;
    let retryAfter: number | undefined;
    if (sent instanceof Response) {
      const res = sent;
      if (res.status === 200 || res.status === 201) {
        await res.body?.cancel();
        return "complete";
      }
      if (res.status === 308) {
        const next = nextByte(res, size, what);
        await res.body?.cancel();
        ctx.log(`${what}: resuming at byte ${next} of ${size}`);
        return next;
      }
      if (res.status === 404 || res.status === 410) {
        await res.body?.cancel();
        return "expired";
      }
      if (!isRetryableStatus(res.status)) throw await httpFailure(ctx, res, what);
      retryAfter = parseRetryAfter(res.headers.get("Retry-After"), ctx.now());
      problem = await statusProblem(res);
    } else {
      problem = sent.problem;
    }
    await pause(ctx, retry, what, problem, retryAfter);
  }
}

/** First byte the server does not hold, from a 308's `Range: bytes=0-K` (none = 0). */
function nextByte(res: Response, size: number, what: string): number {
  const range = res.headers.get("Range");
  if (range === null) return 0;
  const m = /^bytes=0-(\d+)$/.exec(range.trim());
  const next = m ? Number(m[1]) + 1 : NaN;
  if (!Number.isSafeInteger(next) || next > size) {
    throw new PublishError("upload", `${what}: the upload server sent an invalid Range "${range}"`);
  }
  return next;
}
