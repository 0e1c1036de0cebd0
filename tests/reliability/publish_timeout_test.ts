/**
 * Publishing against servers that accept connections and never answer: every
 * operation must end within its time budget (each attempt's timeout is cut to
 * what is left of it), and the error must say what timed out.
 *
 * Real clock, small budgets. Each check is against a computed deadline with a
 * generous margin for a loaded machine, not a benchmark: before the fix a
 * silent server cost `retries x requestTimeoutMs` (here: minutes).
 */
import assert from "node:assert/strict";
import { createSha256 } from "../../src/hash/mod.ts";
import { memorySource } from "../../src/io/byte_source.ts";
import {
  DEFAULT_LIMITS,
  publishDataset,
  PublishError,
  type PublishFile,
  type PublishOptions,
  type PublishPlan,
} from "../../src/publish/mod.ts";
import { authorizationHeader, tokenCredentials } from "../../src/publish/credentials.ts";
import { kaggleMetadata } from "../../src/publish/metadata.ts";
import { startFakeKaggle, startSilentServer } from "../helpers/fake_kaggle.ts";

const CREDS = tokenCredentials("kgat_timeout_test_SECRET");
/** Scheduling slack on a loaded CI machine; far below the minutes the old limits took. */
const MARGIN_MS = 8000;

function fileOf(name: string, bytes: Uint8Array): PublishFile {
  const h = createSha256();
  h.update(bytes);
  return { name, source: memorySource(bytes), size: bytes.length, sha256: h.hex() };
}

function planOf(extra: Partial<PublishPlan> = {}): PublishPlan {
  const files = [fileOf("a.csv", new TextEncoder().encode("id\n1\n2\n"))];
  return {
    owner: "alice",
    slug: "timeouts",
    title: "Timeouts",
    license: "CC0-1.0",
    isPublic: false,
    files,
    datasetMetadata: kaggleMetadata({
      owner: "alice",
      name: "timeouts",
      description: "d",
      domain: "test",
      columns: [{ name: "id", type: "integer", nullable: false }],
      files: files.map((f) => ({ path: f.name, description: f.name })),
    }),
    versionNotes: "v",
    ...extra,
  };
}

/** Options with small budgets and a quick backoff; `timeoutMs` far above the budget by default. */
function small(extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    credentials: CREDS,
    maxTotalMs: 1200,
    requestTimeoutMs: 60_000,
    backoff: { baseMs: 50, maxDelayMs: 200 },
    maxRetries: 50,
    pollIntervalMs: 100,
    maxWaitMs: 1500,
    log: () => {},
    ...extra,
  };
}

/** Run `fn`, requiring it to settle by `budgetMs` + margin from now; returns its outcome. */
async function within<T>(
  budgetMs: number,
  fn: () => Promise<T>,
): Promise<{ value?: T; error?: unknown }> {
  const deadline = Date.now() + budgetMs + MARGIN_MS;
  let out: { value?: T; error?: unknown };
  try {
    out = { value: await fn() };
  } catch (error) {
    out = { error };
  }
  const late = Date.now() - deadline;
  assert.ok(late <= 0, `settled ${late} ms after the deadline (budget ${budgetMs} ms)`);
  return out;
}

function assertGaveUp(error: unknown, what: RegExp): PublishError {
  assert.ok(error instanceof PublishError, `expected a PublishError, got ${error}`);
  assert.equal(error.code, "gave_up", error.message);
  assert.match(error.message, what);
  assert.match(error.message, /no answer from 127\.0\.0\.1:\d+ within \d+ ms \(request timeout\)/);
  assert.doesNotMatch(error.message, /SECRET/);
  return error;
}

Deno.test("publish: a silent API server fails within the budget, with retries cut to fit", async () => {
  const silent = startSilentServer();
  try {
    const options = small({ baseUrl: `${silent.url}/api/v1` });
    const { error } = await within(options.maxTotalMs!, () => publishDataset(planOf(), options));
    assertGaveUp(error, /^checking alice\/timeouts: giving up/);
    assert.match((error as Error).message, /time limit of 1200 ms per request/);
  } finally {
    await silent.close();
  }
});

Deno.test("publish: request timeout shorter than the budget gives several attempts, all within it", async () => {
  const silent = startSilentServer();
  try {
    const options = small({ baseUrl: `${silent.url}/api/v1`, requestTimeoutMs: 300 });
    const { error } = await within(options.maxTotalMs!, () => publishDataset(planOf(), options));
    assertGaveUp(error, /^checking alice\/timeouts: giving up/);
    assert.ok(silent.connections >= 2, `${silent.connections} attempt(s); expected retries`);
  } finally {
    await silent.close();
  }
});

Deno.test("publish: a silent upload host fails the upload within the budget", async () => {
  const fake = startFakeKaggle(authorizationHeader(CREDS));
  const silent = startSilentServer();
  fake.uploadBaseOverride = silent.url;
  try {
    const options = small({ baseUrl: fake.baseUrl });
    const { error } = await within(
      options.maxTotalMs! * 2,
      () => publishDataset(planOf(), options),
    );
    assertGaveUp(error, /upload of a\.csv/);
    assert.ok(silent.received > 0, "the upload host was reached");
    assert.equal(fake.api.filter((r) => r.path.startsWith("/datasets/create")).length, 0);
  } finally {
    await silent.close();
    await fake.close();
  }
});

/** A fetch sending the routes `to` matches to the silent server, the rest to the fake. */
function divert(silentUrl: string, to: (method: string, path: string) => boolean): typeof fetch {
  return (input, init) => {
    const url = new URL(String(input));
    if (to(init?.method ?? "GET", url.pathname)) {
      return fetch(`${silentUrl}${url.pathname}`, init);
    }
    return fetch(input, init);
  };
}

Deno.test("publish: a silent create request is ambiguous, reported within the budget", async () => {
  const fake = startFakeKaggle(authorizationHeader(CREDS));
  const silent = startSilentServer();
  try {
    const options = small({
      baseUrl: fake.baseUrl,
      fetch: divert(silent.url, (_m, p) => p.includes("/datasets/create/")),
    });
    const { error } = await within(
      options.maxTotalMs! * 3,
      () => publishDataset(planOf({ firstTime: true }), options),
    );
    assert.ok(error instanceof PublishError, String(error));
    assert.equal(error.code, "ambiguous");
    assert.match(error.message, /no answer from .* within \d+ ms \(request timeout\)/);
    assert.match(error.message, /may have been applied/);
    assert.equal(silent.connections, 1, "a create is never resent");
  } finally {
    await silent.close();
    await fake.close();
  }
});

Deno.test("publish: a silent status server after create leaves the result pending within maxWaitMs", async () => {
  const fake = startFakeKaggle(authorizationHeader(CREDS));
  const silent = startSilentServer();
  try {
    const logs: string[] = [];
    const options = small({
      baseUrl: fake.baseUrl,
      log: (m) => logs.push(m),
      fetch: divert(silent.url, (m, p) => m === "GET" && p.includes("/datasets/status/")),
    });
    const { value, error } = await within(
      options.maxTotalMs! * 2 + options.maxWaitMs!,
      () => publishDataset(planOf({ firstTime: true }), options),
    );
    assert.equal(error, undefined, String(error));
    assert.equal(value?.status, "pending");
    assert.ok(logs.some((l) => /request timeout/.test(l) && /check http/.test(l)), logs.join("\n"));
  } finally {
    await silent.close();
    await fake.close();
  }
});

Deno.test("publish: the default limits suit an interactive command and are documented", async () => {
  assert.ok(DEFAULT_LIMITS.requestTimeoutMs <= DEFAULT_LIMITS.maxTotalMs);
  assert.ok(DEFAULT_LIMITS.maxTotalMs <= 5 * 60_000);
  assert.ok(DEFAULT_LIMITS.maxWaitMs <= 10 * 60_000);
  const doc = await Deno.readTextFile(new URL("../../docs/ingest-publish.md", import.meta.url));
  const min = (ms: number) => `${ms / 60_000} min`;
  for (
    const ms of [
      DEFAULT_LIMITS.requestTimeoutMs,
      DEFAULT_LIMITS.maxTotalMs,
      DEFAULT_LIMITS.maxWaitMs,
    ]
  ) {
    assert.ok(doc.includes(min(ms)), `docs/ingest-publish.md states ${min(ms)}`);
  }
});
