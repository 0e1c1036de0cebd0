/**
 * Retry policy for Kaggle requests (pure functions; the caller sleeps).
 *
 * - Retried: network errors, 408, 429 and 5xx except 501/505 (those will not
 *   change on a retry).
 * - Delay before retry n (0-based): `min(maxDelayMs, baseMs * factor^n)`,
 *   with "equal jitter": half of it fixed, half scaled by `random()`, so that
 *   many clients failing together spread out but never retry immediately.
 *   Defaults follow the official client (0.5 s, x1.7).
 * - A `Retry-After` header (delta-seconds or HTTP-date) replaces the computed
 *   delay: the server knows best when it will accept us again.
 * - A request gives up after `maxRetries` retries in a row, or when the next
 *   wait would end more than `maxTotalMs` after its first failure.
 *
 * @module
 */

/** Backoff parameters. */
export interface BackoffOptions {
  /** First delay before jitter, ms. Default 500. */
  baseMs?: number;
  /** Growth per retry. Default 1.7. */
  factor?: number;
  /** Cap on a computed delay (not on Retry-After), ms. Default 60 000. */
  maxDelayMs?: number;
}

/** Default backoff: the official kaggle-api client's 0.5 s x 1.7. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseMs: 500,
  factor: 1.7,
  maxDelayMs: 60_000,
};

/**
 * Delay before retry number `attempt` (0 = first retry), in whole ms.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = {},
): number {
  const { baseMs, factor, maxDelayMs } = { ...DEFAULT_BACKOFF, ...options };
  const ceiling = Math.min(maxDelayMs, baseMs * Math.pow(factor, attempt));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/**
 * Parse a `Retry-After` value into a delay in ms, or `undefined` when absent
 * or malformed. Delta-seconds must be a non-negative integer; an HTTP-date in
 * the past gives 0.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only accept something that looks like an HTTP-date (it has a GMT zone);
  // Date.parse is lenient about other shapes in engine-specific ways.
  if (!/GMT$/.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - nowMs);
}

/** Whether an HTTP status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}
