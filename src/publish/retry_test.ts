import assert from "node:assert/strict";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry.ts";

Deno.test("backoffDelay: 500 ms x 1.7^n, equal jitter, capped", () => {
  const cases: [number, number, number][] = [
    // attempt, random, expected ms
    [0, 0, 250],
    [0, 0.999999, 500],
    [1, 0, 425],
    [1, 0.5, 638],
    [2, 0, 722], // 500 * 1.7^2 is 1444.999... in float64
    [9, 0, 29_647], // 500 * 1.7^9 / 2
    [20, 0, 30_000], // capped at 60 s before jitter
    [20, 0.999999, 60_000],
  ];
  for (const [attempt, r, want] of cases) {
    assert.equal(backoffDelay(attempt, () => r), want, `attempt ${attempt} r ${r}`);
  }
  assert.equal(backoffDelay(3, () => 0, { baseMs: 100, factor: 2, maxDelayMs: 500 }), 250);
});

Deno.test("parseRetryAfter: seconds or HTTP-date", () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const cases: [string | null, number | undefined][] = [
    [null, undefined],
    ["0", 0],
    ["7", 7000],
    [" 120 ", 120_000],
    ["Sun, 01 Jun 2025 12:00:30 GMT", 30_000],
    ["Sun, 01 Jun 2025 11:00:00 GMT", 0], // in the past
    ["-1", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["2025-06-01T12:00:30Z", undefined], // not an HTTP-date
  ];
  for (const [value, want] of cases) assert.equal(parseRetryAfter(value, now), want, `${value}`);
});

Deno.test("isRetryableStatus", () => {
  const yes = [408, 429, 500, 502, 503, 504, 599];
  const no = [200, 308, 400, 401, 403, 404, 409, 410, 501, 505];
  for (const s of yes) assert.equal(isRetryableStatus(s), true, String(s));
  for (const s of no) assert.equal(isRetryableStatus(s), false, String(s));
});
