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

import { UsageError } from "../errors.ts";
import { authorizationHeader, describeSource, redact, secretValues } from "./credentials.ts";
import { createNewBody, createVersionBody, datasetExists, postCreate, waitReady } from "./api.ts";
import { openFileSource } from "../io/byte_source.ts";
import { type Ctx, scrub } from "./http.ts";
import { checkPlan } from "./plan.ts";
import { uploadOne } from "./upload.ts";
import {
  DEFAULT_BASE_URL,
  DEFAULT_LIMITS,
  DEFAULT_PIECE_BYTES,
  type PublishedFile,
  type PublishOptions,
  type PublishPlan,
  type PublishResult,
} from "./types.ts";

export { normalizeStatus } from "./api.ts";
export {
  DEFAULT_BASE_URL,
  DEFAULT_LIMITS,
  DEFAULT_PIECE_BYTES,
  type PublishedFile,
  PublishError,
  type PublishErrorCode,
  type PublishFile,
  type PublishOptions,
  type PublishPlan,
  type PublishResult,
} from "./types.ts";

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
    maxTotalMs: options.maxTotalMs ?? DEFAULT_LIMITS.maxTotalMs,
    backoff: options.backoff ?? {},
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    auth: authorizationHeader(options.credentials),
    secrets,
    sourceName: describeSource(options.credentials.source),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs,
  };
  const pieceBytes = options.pieceBytes ?? DEFAULT_PIECE_BYTES;
  if (!Number.isSafeInteger(pieceBytes) || pieceBytes < 1) {
    throw new UsageError(`pieceBytes must be a positive integer, got ${pieceBytes}`);
  }
  const openFile = options.openFile ?? openFileSource;
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
        intervalMs: options.pollIntervalMs ?? DEFAULT_LIMITS.pollIntervalMs,
        maxWaitMs: options.maxWaitMs ?? DEFAULT_LIMITS.maxWaitMs,
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
