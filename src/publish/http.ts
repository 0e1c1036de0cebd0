/**
 * The HTTP core of the Kaggle client: one request with a timeout, retries
 * with backoff and Retry-After, error messages from Kaggle's answers, and
 * redaction of secrets from every message.
 *
 * Time limits: each operation (one API call or one upload piece, with all its
 * retries) has a budget of `maxTotalMs` from its first attempt (restarted when
 * an upload makes progress), and every attempt's timeout is
 * `min(timeoutMs, what is left of the budget)`, so a server that accepts
 * connections and never answers makes an operation fail at its budget, not
 * after `retries x timeoutMs`.
 *
 * @module
 */
import { redact } from "./credentials.ts";
import { backoffDelay, type BackoffOptions, isRetryableStatus, parseRetryAfter } from "./retry.ts";
import { PublishError } from "./types.ts";

/** The effects, limits and credentials of one publish. */
export interface Ctx {
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

/** Failures of one operation so far, and when it must end. */
export interface RetryState {
  failures: number;
  /** Epoch ms after which no attempt starts and no wait is taken. */
  deadline: number;
}

/**
 * A fresh retry state: the budget `ctx.maxTotalMs` starts now, cut to
 * `deadline` when the caller has a shorter one (status polling).
 */
export function retryState(ctx: Ctx, deadline = Infinity): RetryState {
  return { failures: 0, deadline: Math.min(ctx.now() + ctx.maxTotalMs, deadline) };
}

/** The operation made progress: its retry count and time budget start again. */
export function restartBudget(ctx: Ctx, state: RetryState): void {
  state.failures = 0;
  state.deadline = ctx.now() + ctx.maxTotalMs;
}

function outOfTime(ctx: Ctx, what: string, problem: string): PublishError {
  return new PublishError(
    "gave_up",
    redact(
      `${what}: giving up: the time limit of ${ctx.maxTotalMs} ms per request (retries ` +
        `included) is used up; last error: ${problem}`,
      ctx.secrets,
    ),
  );
}

/**
 * One request without retries: a Response, or the reason it failed in
 * transit. Its timeout is the smaller of `ctx.timeoutMs` and what is left
 * of `state`'s budget.
 */
export async function attempt(
  ctx: Ctx,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> },
  state: RetryState,
  what: string,
): Promise<Response | { problem: string }> {
  const left = state.deadline - ctx.now();
  if (left <= 0) throw outOfTime(ctx, what, "no time left for another attempt");
  const timeout = Math.max(1, Math.min(ctx.timeoutMs, Math.ceil(left)));
  const signal = AbortSignal.timeout(timeout);
  try {
    return await ctx.fetch(url, {
      ...init,
      // 308 is "resume incomplete" for uploads, not a redirect to follow.
      redirect: "manual",
      signal,
    });
  } catch (e) {
    if (signal.aborted) {
      return {
        problem: `no answer from ${new URL(url).host} within ${timeout} ms (request timeout)`,
      };
    }
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
export async function apiRequest(
  ctx: Ctx,
  method: string,
  endpoint: string,
  body: unknown,
  how: { what: string; idempotent: boolean; deadline?: number },
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
  const retry = retryState(ctx, how.deadline);
  for (;;) {
    const sent = await attempt(
      ctx,
      ctx.baseUrl + endpoint,
      { method, headers, body: encoded },
      retry,
      how.what,
    );
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
export async function pause(
  ctx: Ctx,
  state: RetryState,
  what: string,
  problem: string,
  retryAfterMs: number | undefined,
): Promise<void> {
  const now = ctx.now();
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
  if (now + delay >= state.deadline) {
    const why = retryAfterMs !== undefined
      ? `the server asked to wait ${Math.ceil(delay / 1000)} s`
      : `the next wait of ${delay} ms`;
    throw new PublishError(
      "gave_up",
      redact(
        `${what}: giving up: ${why} would exceed the time limit of ` +
          `${ctx.maxTotalMs} ms per request (retries included); last error: ${problem}`,
        ctx.secrets,
      ),
    );
  }
  ctx.log(`${what}: ${problem}; retry ${state.failures}/${ctx.maxRetries} in ${delay} ms`);
  await ctx.sleep(delay);
}

/** "HTTP n (Kaggle's message)" for a retryable answer. */
export async function statusProblem(res: Response): Promise<string> {
  const msg = kaggleMessage(await safeText(res));
  return `HTTP ${res.status}${msg ? ` (${msg})` : ""}`;
}

/** The {@link PublishError} for a failed answer (credentials never in the message). */
export async function httpFailure(ctx: Ctx, res: Response, what: string): Promise<PublishError> {
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

/** The JSON body of an answer; `{code >= 400}` inside a 200 is a failure. */
export async function readJson(ctx: Ctx, res: Response, what: string): Promise<unknown> {
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

/** Any error escaping publishDataset has its message scrubbed, whatever threw it. */
export function scrub(e: unknown, secrets: readonly string[]): unknown {
  if (e instanceof Error) {
    const clean = redact(e.message, secrets);
    if (clean !== e.message) e.message = clean;
    if (e.stack) e.stack = redact(e.stack, secrets);
  }
  return e;
}
