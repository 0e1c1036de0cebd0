/**
 * Kaggle dataset publishing over the public REST API (`/api/v1`).
 *
 * Flow of {@link publishDataset}:
 * 1. Validate the plan locally (no network): slug/title limits, file names,
 *    sizes, SHA-256 format.
 * 2. `GET /datasets/status/{owner}/{slug}`: 404 means a new dataset. Done
 *    before any upload so that bad credentials fail in one request, not after
 *    gigabytes.
 * 3. Per file: `POST /blobs/upload` -> `{token, createUrl}`, then `PUT` the
 *    bytes to `createUrl` in pieces (`Uint8Array` bodies so each request has an
 *    exact Content-Length; Deno streams bodies chunked). After a dropped
 *    connection or a 5xx the client asks the upload server what it holds
 *    (`Content-Range: bytes *\/N`; 308 + `Range: bytes=0-K`) and resumes at
 *    K+1 instead of resending. The SHA-256 of the bytes read is checked
 *    against the plan before the last piece goes out.
 * 4. `POST /datasets/create/new` or `/datasets/create/version/{owner}/{slug}`;
 *    a non-empty `error` in the answer fails the publish.
 * 5. Poll the status until `ready` or `failed`, bounded by `maxWaitMs`.
 *
 * Credentials are sent only to `baseUrl`'s origin, never to the upload URL
 * (another host), and every message passes through `redact`.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { IntegrityError, UsageError } from "../errors.ts";
import {
  authorizationHeader,
  describeSource,
  type KaggleCredentials,
  redact,
  secretValues,
} from "./credentials.ts";
import {
  checkKaggleMetadata,
  type KaggleDatasetMetadata,
  type KaggleResource,
} from "./metadata.ts";
import { backoffDelay, type BackoffOptions, isRetryableStatus, parseRetryAfter } from "./retry.ts";

/** Default API root. */
export const DEFAULT_BASE_URL = "https://www.kaggle.com/api/v1";

/** Default upload piece: 8 MiB, a multiple of 256 KiB as resumable uploads require. */
export const DEFAULT_PIECE_BYTES = 8 * 1024 * 1024;

/** Random access to a file's bytes. */
export interface ByteSource {
  /** Exactly `length` bytes starting at `offset` (fewer only at end of file). */
  read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Release the underlying handle (called only for sources the client opened). */
  close?(): void;
}

/** One file to publish. Give `path` or `source`. */
export interface PublishFile {
  /** Name on Kaggle (no directories). */
  name: string;
  /** Path to read the bytes from. */
  path?: string;
  /** Alternative to `path`: where the bytes come from. */
  source?: ByteSource;
  /** Size in bytes (checked against the file). */
  size: number;
  /** Lowercase hex SHA-256 of the content (checked while uploading). */
  sha256: string;
  /** Reported to Kaggle as the blob's modification time; default: now. */
  lastModifiedEpochSeconds?: number;
}

/** What to publish. */
export interface PublishPlan {
  /** Kaggle user or organization slug. */
  owner: string;
  /** Dataset slug. */
  slug: string;
  /** Dataset title (used when creating). */
  title: string;
  /** Kaggle license name, e.g. `CC0-1.0` (used when creating). */
  license: string;
  /** Public dataset when creating; Kaggle keeps the existing setting on versions. */
  isPublic: boolean;
  files: PublishFile[];
  /** dataset-metadata.json content: subtitle, description, keywords, per-file schema. */
  datasetMetadata: KaggleDatasetMetadata;
  /** Notes for a new version (required when the dataset exists). */
  versionNotes: string;
  /** Force "create new" (true) or "new version" (false); default: ask Kaggle. */
  firstTime?: boolean;
}

/** Injected effects and limits for {@link publishDataset}. */
export interface PublishOptions {
  credentials: KaggleCredentials;
  /** Default {@link DEFAULT_BASE_URL}. */
  baseUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms. */
  now?: () => number;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  /** Progress and retry messages (already redacted). */
  log?: (message: string) => void;
  /** Retries in a row for one request before giving up. Default 10. */
  maxRetries?: number;
  /** Longest a request keeps being retried after its first failure, ms. Default 15 min. */
  maxTotalMs?: number;
  backoff?: BackoffOptions;
  /** Bytes per upload request. Default {@link DEFAULT_PIECE_BYTES}. */
  pieceBytes?: number;
  /** Wait for Kaggle to finish processing. Default true. */
  wait?: boolean;
  /** Delay between status polls, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Longest wait for processing, ms; then the result says `pending`. Default 30 min. */
  maxWaitMs?: number;
  /** Abort one HTTP request after this long, ms. Default 10 min. */
  requestTimeoutMs?: number;
  /** Open a file for reading; default reads with Deno.open. */
  openFile?: (path: string) => Promise<{ source: ByteSource; size: number }>;
}

/** One uploaded file. */
export interface PublishedFile {
  name: string;
  sha256: string;
  /** Kaggle blob token. */
  token: string;
}

/** Outcome of {@link publishDataset}. */
export interface PublishResult {
  /** `owner/slug`. */
  ref: string;
  url: string;
  /** When Kaggle reports it. */
  versionNumber?: number;
  /** `ready` once processed; `pending` when not waited for or still processing. */
  status: "ready" | "pending";
  /** True when a new dataset was created, false for a new version. */
  created: boolean;
  files: PublishedFile[];
}

/** Why publishing failed. */
export type PublishErrorCode =
  | "auth" // 401: credentials rejected
  | "forbidden" // 403
  | "rejected" // Kaggle answered with an error message (4xx or `error` field)
  | "gave_up" // retries exhausted (count or time)
  | "ambiguous" // a create request failed in a way that may have applied it
  | "upload" // the upload server misbehaved or the upload expired repeatedly
  | "processing_failed"; // Kaggle finished processing with FAILED

/** A Kaggle request failed. Messages never contain credentials. */
export class PublishError extends Error {
  override name = "PublishError";
  /** Category, for the CLI's exit code and hints. */
  readonly code: PublishErrorCode;
  /** HTTP status when one was received. */
  readonly status: number | undefined;
  constructor(code: PublishErrorCode, message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

interface Ctx {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  log: (message: string) => void;
  maxRetries: number;
  maxTotalMs: number;
  backoff: BackoffOptions;
  baseUrl: string;
  auth: string;
  secrets: readonly string[];
  sourceName: string;
  timeoutMs: number;
}

interface RetryState {
  failures: number;
  firstFailureAt: number | undefined;
}

/**
 * Upload the plan's files and create the dataset (first time) or a new
 * version, then wait for Kaggle to process it. See the module comment.
 *
 * Throws {@link UsageError} for an invalid plan (before any request),
 * {@link IntegrityError} when a file's bytes do not match its size/SHA-256
 * (before the dataset is created), {@link PublishError} for Kaggle failures.
 */
export async function publishDataset(
  plan: PublishPlan,
  options: PublishOptions,
): Promise<PublishResult> {
  checkPlan(plan);
  const secrets = secretValues(options.credentials);
  const userLog = options.log ?? (() => {});
  const ctx: Ctx = {
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    log: (m) => userLog(redact(m, secrets)),
    maxRetries: options.maxRetries ?? 10,
    maxTotalMs: options.maxTotalMs ?? 15 * 60_000,
    backoff: options.backoff ?? {},
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    auth: authorizationHeader(options.credentials),
    secrets,
    sourceName: describeSource(options.credentials.source),
    timeoutMs: options.requestTimeoutMs ?? 10 * 60_000,
  };
  const pieceBytes = options.pieceBytes ?? DEFAULT_PIECE_BYTES;
  if (!Number.isSafeInteger(pieceBytes) || pieceBytes < 1) {
    throw new UsageError(`pieceBytes must be a positive integer, got ${pieceBytes}`);
  }
  const openFile = options.openFile ?? openDenoFile;
  const ref = `${plan.owner}/${plan.slug}`;
  const path = `${encodeURIComponent(plan.owner)}/${encodeURIComponent(plan.slug)}`;

  try {
    const created = plan.firstTime ?? !(await datasetExists(ctx, path, ref));
    if (!created && plan.versionNotes.trim() === "") {
      throw new UsageError(`${ref} already exists: version notes are required for a new version`);
    }

    const files: PublishedFile[] = [];
    for (const f of plan.files) {
      const token = await uploadOne(ctx, f, openFile, pieceBytes);
      files.push({ name: f.name, sha256: f.sha256, token });
    }

    const body = created ? createNewBody(plan, files) : createVersionBody(plan, files);
    const endpoint = created ? "/datasets/create/new" : `/datasets/create/version/${path}`;
    ctx.log(created ? `creating dataset ${ref}` : `creating a new version of ${ref}`);
    const answer = await postCreate(ctx, endpoint, body, ref);
    const url = typeof answer.url === "string" && answer.url !== ""
      ? answer.url
      : `https://www.kaggle.com/datasets/${ref}`;
    const versionNumber = typeof answer.versionNumber === "number"
      ? answer.versionNumber
      : undefined;

    let status: "ready" | "pending" = "pending";
    if (options.wait ?? true) {
      status = await waitReady(ctx, path, url, {
        intervalMs: options.pollIntervalMs ?? 5000,
        maxWaitMs: options.maxWaitMs ?? 30 * 60_000,
      });
    }
    return {
      ref: typeof answer.ref === "string" && answer.ref !== ""
        ? answer.ref.replace(/^\/+/, "")
        : ref,
      url,
      ...(versionNumber !== undefined ? { versionNumber } : {}),
      status,
      created,
      files,
    };
  } catch (e) {
    throw scrub(e, secrets);
  }
}

// ---------------------------------------------------------------- plan checks

function checkPlan(plan: PublishPlan): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(plan.owner)) {
    problems.push(`owner "${plan.owner}" is not a Kaggle user or organization slug`);
  }
  problems.push(
    ...checkKaggleMetadata({
      ...plan.datasetMetadata,
      id: `${plan.owner}/${plan.slug}`,
      title: plan.title,
      licenses: [{ name: plan.license }],
    }),
  );
  if (plan.files.length === 0) problems.push("no files to publish");
  const seen = new Set<string>();
  for (const f of plan.files) {
    if (f.name === "" || /[\\/]/.test(f.name) || f.name === "." || f.name === "..") {
      problems.push(`file name "${f.name}" must be a plain file name`);
    }
    if (seen.has(f.name)) problems.push(`file name "${f.name}" appears twice`);
    seen.add(f.name);
    if (!Number.isSafeInteger(f.size) || f.size < 0) {
      problems.push(`${f.name}: size must be a non-negative integer`);
    }
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) {
      problems.push(`${f.name}: sha256 must be 64 lowercase hex digits`);
    }
    if ((f.path === undefined) === (f.source === undefined)) {
      problems.push(`${f.name}: give exactly one of path or source`);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`Cannot publish to Kaggle:\n  ${problems.join("\n  ")}`);
  }
}

// ---------------------------------------------------------------- API calls

async function datasetExists(ctx: Ctx, path: string, ref: string): Promise<boolean> {
  const res = await apiRequest(ctx, "GET", `/datasets/status/${path}`, undefined, {
    what: `checking ${ref}`,
    idempotent: true,
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return false;
  }
  if (!res.ok) throw await httpFailure(ctx, res, `checking ${ref}`);
  try {
    await readJson(ctx, res, `checking ${ref}`);
  } catch (e) {
    // `{"code": 404}` inside a 200 also means "no such dataset".
    if (e instanceof PublishError && e.status === 404) return false;
    throw e;
  }
  return true;
}

async function startBlobUpload(
  ctx: Ctx,
  file: PublishFile,
): Promise<{ token: string; createUrl: string }> {
  const what = `starting upload of ${file.name}`;
  const body = {
    type: "DATASET",
    name: file.name,
    contentLength: file.size,
    lastModifiedEpochSeconds: file.lastModifiedEpochSeconds ?? Math.floor(ctx.now() / 1000),
  };
  // Starting a blob upload only reserves space, so repeating it is harmless.
  const res = await apiRequest(ctx, "POST", "/blobs/upload", body, { what, idempotent: true });
  if (!res.ok) throw await httpFailure(ctx, res, what);
  const json = await readJson(ctx, res, what) as Record<string, unknown>;
  const token = json.token;
  const createUrl = json.createUrl ?? json.create_url;
  if (typeof token !== "string" || token === "" || typeof createUrl !== "string") {
    throw new PublishError("upload", `${what}: Kaggle's answer has no token/createUrl`);
  }
  return { token, createUrl: new URL(createUrl, ctx.baseUrl + "/").href };
}

async function postCreate(
  ctx: Ctx,
  endpoint: string,
  body: unknown,
  ref: string,
): Promise<Record<string, unknown>> {
  const what = `creating ${ref}`;
  // Not idempotent: a retry after an unclear failure could create a second
  // version. Only answers that say "not processed" (429/503) are retried.
  const res = await apiRequest(ctx, "POST", endpoint, body, { what, idempotent: false });
  if (!res.ok) {
    if (res.status >= 500) {
      const err = await httpFailure(ctx, res, what);
      throw new PublishError(
        "ambiguous",
        `${err.message}; it may have been applied: check https://www.kaggle.com/datasets/${ref} ` +
          `before publishing again`,
        res.status,
      );
    }
    throw await httpFailure(ctx, res, what);
  }
  const json = await readJson(ctx, res, what);
  const answer = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof answer.error === "string" && answer.error !== "") {
    throw new PublishError("rejected", `${what}: Kaggle refused: ${answer.error}`, res.status);
  }
  if (typeof answer.status === "string" && answer.status.toLowerCase() !== "ok") {
    throw new PublishError("rejected", `${what}: Kaggle answered status "${answer.status}"`);
  }
  if (Array.isArray(answer.invalidTags) && answer.invalidTags.length > 0) {
    ctx.log(`Kaggle ignored invalid keywords: ${answer.invalidTags.join(", ")}`);
  }
  return answer;
}

async function waitReady(
  ctx: Ctx,
  path: string,
  url: string,
  limits: { intervalMs: number; maxWaitMs: number },
): Promise<"ready" | "pending"> {
  const deadline = ctx.now() + limits.maxWaitMs;
  const what = "checking processing status";
  for (;;) {
    const res = await apiRequest(ctx, "GET", `/datasets/status/${path}`, undefined, {
      what,
      idempotent: true,
    });
    let status = "pending";
    if (res.status === 404) {
      // A brand-new dataset may not be visible yet.
      await res.body?.cancel();
    } else if (!res.ok) {
      throw await httpFailure(ctx, res, what);
    } else {
      status = normalizeStatus(await readJson(ctx, res, what));
    }
    if (status === "ready") return "ready";
    if (status === "failed") {
      throw new PublishError("processing_failed", `Kaggle failed to process the dataset: ${url}`);
    }
    if (ctx.now() + limits.intervalMs > deadline) {
      ctx.log(`Kaggle is still processing; check ${url}`);
      return "pending";
    }
    ctx.log(`Kaggle is processing (status: ${status})`);
    await ctx.sleep(limits.intervalMs);
  }
}

/** Map Kaggle's status answer (a JSON string or `{status}`) to ready/failed/pending. */
export function normalizeStatus(answer: unknown): "ready" | "failed" | "pending" {
  const raw = typeof answer === "string" ? answer : typeof answer === "object" && answer !== null &&
      typeof (answer as Record<string, unknown>).status === "string"
    ? (answer as Record<string, string>).status
    : "";
  const s = raw.toLowerCase();
  if (s === "ready" || s === "complete" || s === "completed") return "ready";
  if (s === "failed" || s === "error" || s === "deleted") return "failed";
  return "pending";
}

function createNewBody(plan: PublishPlan, files: PublishedFile[]): Record<string, unknown> {
  const m = plan.datasetMetadata;
  return {
    ownerSlug: plan.owner,
    slug: plan.slug,
    title: plan.title,
    licenseName: plan.license,
    isPrivate: !plan.isPublic,
    // Keep files byte-identical to what sdp wrote (and to the reported SHA-256).
    convertToCsv: false,
    files: fileEntries(m, files),
    ...(m.subtitle !== undefined ? { subtitle: m.subtitle } : {}),
    ...(m.description !== undefined ? { description: m.description } : {}),
    categoryIds: m.keywords ?? [],
  };
}

function createVersionBody(plan: PublishPlan, files: PublishedFile[]): Record<string, unknown> {
  const m = plan.datasetMetadata;
  return {
    versionNotes: plan.versionNotes,
    convertToCsv: false,
    deleteOldVersions: false,
    files: fileEntries(m, files),
    ...(m.subtitle !== undefined ? { subtitle: m.subtitle } : {}),
    ...(m.description !== undefined ? { description: m.description } : {}),
    categoryIds: m.keywords ?? [],
  };
}

// The official client sends each file's description and column schema with
// its token, taken from the metadata `resources` entry of the same path.
function fileEntries(meta: KaggleDatasetMetadata, files: PublishedFile[]): unknown[] {
  const byPath = new Map<string, KaggleResource>(meta.resources.map((r) => [r.path, r]));
  return files.map((f) => {
    const r = byPath.get(f.name);
    const entry: Record<string, unknown> = { token: f.token };
    if (r?.description !== undefined) entry.description = r.description;
    if (r?.schema) {
      entry.columns = r.schema.fields.map((field, order) => ({
        order,
        name: field.name,
        type: field.type === "number" ? "numeric" : field.type,
        originalType: field.type,
        description: field.description,
      }));
    }
    return entry;
  });
}

// ---------------------------------------------------------------- upload

async function uploadOne(
  ctx: Ctx,
  file: PublishFile,
  openFile: (path: string) => Promise<{ source: ByteSource; size: number }>,
  pieceBytes: number,
): Promise<string> {
  let source: ByteSource;
  // Close only what this function opened; a caller's source stays theirs.
  let owned = false;
  if (file.path !== undefined) {
    const opened = await openFile(file.path);
    source = opened.source;
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
  #hash = createHash("sha256");
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
    const got = this.#hash.copy().digest("hex");
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
  const retry: RetryState = { failures: 0, firstFailureAt: undefined };
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
      const sent = await attempt(ctx, url, { method: "PUT", headers, body: piece });
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
            retry.failures = 0;
            retry.firstFailureAt = undefined;
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
    const sent = await attempt(ctx, url, {
      method: "PUT",
      headers: { "Content-Range": `bytes */${size}` },
      body: new Uint8Array(0),
    });
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

// ---------------------------------------------------------------- HTTP core

/** One request without retries: a Response, or the reason it failed in transit. */
async function attempt(
  ctx: Ctx,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> },
): Promise<Response | { problem: string }> {
  try {
    return await ctx.fetch(url, {
      ...init,
      // 308 is "resume incomplete" for uploads, not a redirect to follow.
      redirect: "manual",
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (e) {
    // A missing network permission never heals on retry: fail at once.
    if (e instanceof Deno.errors.NotCapable) {
      throw new PublishError(
        "upload",
        `no network permission for ${new URL(url).host}: sdp may only connect to Kaggle's hosts`,
      );
    }
    return { problem: `network error (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * Call the Kaggle API with retries. Returns the first response that is not
 * retryable (success or a 4xx for the caller to report).
 */
async function apiRequest(
  ctx: Ctx,
  method: string,
  endpoint: string,
  body: unknown,
  how: { what: string; idempotent: boolean },
): Promise<Response> {
  const headers: Record<string, string> = {
    Authorization: ctx.auth,
    Accept: "application/json",
    "User-Agent": "sdp",
  };
  let encoded: Uint8Array<ArrayBuffer> | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    encoded = new TextEncoder().encode(JSON.stringify(body));
  }
  const retry: RetryState = { failures: 0, firstFailureAt: undefined };
  for (;;) {
    const sent = await attempt(ctx, ctx.baseUrl + endpoint, { method, headers, body: encoded });
    let problem: string;
    let retryAfter: number | undefined;
    if (sent instanceof Response) {
      const res = sent;
      const retryable = how.idempotent
        ? isRetryableStatus(res.status)
        : res.status === 429 || res.status === 503;
      if (!retryable) return res;
      retryAfter = parseRetryAfter(res.headers.get("Retry-After"), ctx.now());
      problem = await statusProblem(res);
    } else {
      if (!how.idempotent) {
        throw new PublishError(
          "ambiguous",
          `${how.what}: ${sent.problem}; the request may have been applied: check Kaggle ` +
            `before publishing again`,
        );
      }
      problem = sent.problem;
    }
    await pause(ctx, retry, how.what, problem, retryAfter);
  }
}

/** Record a failure and sleep before the next try, or give up. */
async function pause(
  ctx: Ctx,
  state: RetryState,
  what: string,
  problem: string,
  retryAfterMs: number | undefined,
): Promise<void> {
  const now = ctx.now();
  state.firstFailureAt ??= now;
  state.failures += 1;
  if (state.failures > ctx.maxRetries) {
    throw new PublishError(
      "gave_up",
      redact(
        `${what}: giving up after ${ctx.maxRetries} retries; last error: ${problem}`,
        ctx.secrets,
      ),
    );
  }
  const delay = retryAfterMs ?? backoffDelay(state.failures - 1, ctx.random, ctx.backoff);
  if (now + delay - state.firstFailureAt > ctx.maxTotalMs) {
    const why = retryAfterMs !== undefined
      ? `the server asked to wait ${Math.ceil(delay / 1000)} s`
      : `the next wait of ${delay} ms`;
    throw new PublishError(
      "gave_up",
      redact(
        `${what}: giving up: ${why} would exceed the retry time limit of ` +
          `${ctx.maxTotalMs} ms; last error: ${problem}`,
        ctx.secrets,
      ),
    );
  }
  ctx.log(`${what}: ${problem}; retry ${state.failures}/${ctx.maxRetries} in ${delay} ms`);
  await ctx.sleep(delay);
}

async function statusProblem(res: Response): Promise<string> {
  const msg = kaggleMessage(await safeText(res));
  return `HTTP ${res.status}${msg ? ` (${msg})` : ""}`;
}

async function httpFailure(ctx: Ctx, res: Response, what: string): Promise<PublishError> {
  const msg = kaggleMessage(await safeText(res));
  const detail = msg ? `: ${msg}` : "";
  if (res.status === 401) {
    return new PublishError(
      "auth",
      redact(
        `${what}: Kaggle rejected the credentials from ${ctx.sourceName} (HTTP 401${detail}). ` +
          `Check them or create a new API token at https://www.kaggle.com/settings`,
        ctx.secrets,
      ),
      401,
    );
  }
  if (res.status === 403) {
    return new PublishError(
      "forbidden",
      redact(
        `${what}: Kaggle refused access (HTTP 403${detail}); the credentials from ` +
          `${ctx.sourceName} may not own this dataset`,
        ctx.secrets,
      ),
      403,
    );
  }
  return new PublishError(
    "rejected",
    redact(`${what}: HTTP ${res.status}${detail}`, ctx.secrets),
    res.status,
  );
}

async function readJson(ctx: Ctx, res: Response, what: string): Promise<unknown> {
  const text = await safeText(res);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PublishError("rejected", `${what}: Kaggle's answer is not JSON`, res.status);
  }
  // Kaggle sometimes reports errors as `{code, message}` inside a 200.
  if (typeof json === "object" && json !== null) {
    const o = json as Record<string, unknown>;
    if (typeof o.code === "number" && o.code >= 400) {
      const fake = new Response(text, { status: o.code });
      throw await httpFailure(ctx, fake, what);
    }
  }
  return json;
}

async function safeText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return "";
  }
}

/** Kaggle's error text from a response body: `message`, `error`, or the text itself. */
function kaggleMessage(text: string): string {
  let msg = text;
  try {
    const j = JSON.parse(text);
    if (typeof j === "object" && j !== null) {
      if (typeof j.message === "string") msg = j.message;
      else if (typeof j.error === "string") msg = j.error;
    } else if (typeof j === "string") {
      msg = j;
    }
  } catch {
    // not JSON: keep the text
  }
  msg = msg.replace(/\s+/g, " ").trim();
  return msg.length > 300 ? msg.slice(0, 300) + "..." : msg;
}

// Any error escaping publishDataset has its message scrubbed, whatever threw it.
function scrub(e: unknown, secrets: readonly string[]): unknown {
  if (e instanceof Error) {
    const clean = redact(e.message, secrets);
    if (clean !== e.message) e.message = clean;
    if (e.stack) e.stack = redact(e.stack, secrets);
  }
  return e;
}

// ---------------------------------------------------------------- file I/O

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
