/**
 * The Kaggle REST calls of a publish: dataset status, blob upload start,
 * create (new dataset or new version) and the request bodies.
 *
 * @module
 */
import type { KaggleDatasetMetadata, KaggleResource } from "./metadata.ts";
import { apiRequest, type Ctx, httpFailure, readJson } from "./http.ts";
import { type PublishedFile, PublishError, type PublishFile, type PublishPlan } from "./types.ts";

/** Whether the dataset exists (`GET /datasets/status`). */
export async function datasetExists(ctx: Ctx, path: string, ref: string): Promise<boolean> {
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

/** Reserve an upload for one file (`POST /blobs/upload`): its token and upload URL. */
export async function startBlobUpload(
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

/** Create the dataset or a new version; returns Kaggle's answer. */
export async function postCreate(
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

/** Poll the status until ready or failed, or until the wait limit. */
export async function waitReady(
  ctx: Ctx,
  path: string,
  url: string,
  limits: { intervalMs: number; maxWaitMs: number },
): Promise<"ready" | "pending"> {
  const deadline = ctx.now() + limits.maxWaitMs;
  const what = "checking processing status";
  for (;;) {
    let res: Response;
    try {
      // Polls fit the wait: a status request never outlives maxWaitMs.
      res = await apiRequest(ctx, "GET", `/datasets/status/${path}`, undefined, {
        what,
        idempotent: true,
        deadline,
      });
    } catch (e) {
      // The dataset was created: a status server that stops answering leaves it pending.
      if (!(e instanceof PublishError && e.code === "gave_up")) throw e;
      ctx.log(`${e.message}; Kaggle may still be processing; check ${url}`);
      return "pending";
    }
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

/** Body of `POST /datasets/create/new`. */
export function createNewBody(plan: PublishPlan, files: PublishedFile[]): Record<string, unknown> {
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

/** Body of `POST /datasets/create/version/{owner}/{slug}`. */
export function createVersionBody(
  plan: PublishPlan,
  files: PublishedFile[],
): Record<string, unknown> {
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
