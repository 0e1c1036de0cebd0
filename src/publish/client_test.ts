import assert from "node:assert/strict";
import { IntegrityError, UsageError } from "../errors.ts";
import { createSha256 } from "../hash/mod.ts";
import { memorySource } from "../io/byte_source.ts";
import {
  normalizeStatus,
  publishDataset,
  PublishError,
  type PublishFile,
  type PublishOptions,
  type PublishPlan,
} from "./client.ts";
import {
  authorizationHeader,
  KaggleCredentials,
  secretValues,
  tokenCredentials,
} from "./credentials.ts";
import { type FakeKaggle, startFakeKaggle } from "../../tests/helpers/fake_kaggle.ts";
import { kaggleMetadata } from "./metadata.ts";
import { backoffDelay } from "./retry.ts";

const TOKEN = "kgat_0123456789abcdefSECRET";
const CREDS = tokenCredentials(TOKEN);
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function bytesOf(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function sha(bytes: Uint8Array): string {
  const h = createSha256();
  h.update(bytes);
  return h.hex();
}

function fileOf(name: string, bytes: Uint8Array): PublishFile {
  return { name, source: memorySource(bytes), size: bytes.length, sha256: sha(bytes) };
}

function planOf(files: PublishFile[], extra: Partial<PublishPlan> = {}): PublishPlan {
  return {
    owner: "alice",
    slug: "finance-transactions",
    title: "Finance Transactions",
    license: "CC0-1.0",
    isPublic: false,
    files,
    datasetMetadata: kaggleMetadata({
      owner: "alice",
      name: "finance_transactions",
      description: "Synthetic card payments.",
      domain: "finance",
      columns: [
        { name: "amount", type: "float", nullable: false, description: "EUR" },
        { name: "id", type: "integer", nullable: false },
      ],
      files: files.map((f) => ({ path: f.name, description: `file ${f.name}` })),
    }),
    versionNotes: "v2 of the generator",
    ...extra,
  };
}

interface Harness {
  fake: FakeKaggle;
  sleeps: number[];
  logs: string[];
  options: PublishOptions;
}

function harness(
  credentials: KaggleCredentials = CREDS,
  extra: Partial<PublishOptions> = {},
): Harness {
  const fake = startFakeKaggle(authorizationHeader(CREDS));
  const sleeps: number[] = [];
  const logs: string[] = [];
  let clock = T0;
  return {
    fake,
    sleeps,
    logs,
    options: {
      credentials,
      baseUrl: fake.baseUrl,
      now: () => clock,
      // The fake clock moves only when the client sleeps: runs are instant and exact.
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
      log: (m) => logs.push(m),
      pollIntervalMs: 2000,
      ...extra,
    },
  };
}

async function withHarness(
  fn: (h: Harness) => Promise<void>,
  credentials?: KaggleCredentials,
  extra?: Partial<PublishOptions>,
): Promise<void> {
  const h = harness(credentials, extra);
  try {
    await fn(h);
  } finally {
    await h.fake.close();
  }
}

function routes(fake: FakeKaggle): string[] {
  return fake.api.map((r) => `${r.method} ${r.path}`);
}

function received(fake: FakeKaggle, session: string): number {
  return fake.puts.filter((p) => p.session === session).reduce((s, p) => s + p.received, 0);
}

Deno.test("new dataset: uploads in pieces, creates, waits for ready", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    const big = bytesOf(2500, 1);
    const small = bytesOf(300, 2);
    const plan = planOf([fileOf("data.csv", big), fileOf("README.md", small)]);
    const result = await publishDataset(plan, { ...options, pieceBytes: 1000 });

    assert.deepEqual(routes(fake), [
      "GET /datasets/status/alice/finance-transactions",
      "POST /blobs/upload",
      "POST /blobs/upload",
      "POST /datasets/create/new",
      "GET /datasets/status/alice/finance-transactions",
    ]);
    for (const r of fake.api) assert.equal(r.authorization, `Bearer ${TOKEN}`);
    // Credentials go to the API only, never to the upload host.
    for (const p of fake.puts) assert.equal(p.authorization, null);
    // Every upload request had an exact Content-Length.
    for (const p of fake.puts) assert.equal(p.transferEncoding, null);

    assert.deepEqual(fake.api[1].body, {
      type: "DATASET",
      name: "data.csv",
      contentLength: 2500,
      lastModifiedEpochSeconds: Math.floor(T0 / 1000),
    });
    assert.deepEqual(fake.puts.map((p) => p.contentRange), [
      "bytes 0-999/2500",
      "bytes 1000-1999/2500",
      "bytes 2000-2499/2500",
      null, // the small file fits in one request: no Content-Range
    ]);

    const blobs = fake.blobs();
    const create = fake.api[3].body as Record<string, unknown>;
    const files = create.files as { token: string; description: string; columns: unknown[] }[];
    assert.equal(sha(blobs.get(files[0].token)!.bytes), sha(big));
    assert.equal(sha(blobs.get(files[1].token)!.bytes), sha(small));
    assert.deepEqual(
      { ...create, files: undefined, description: undefined },
      {
        ownerSlug: "alice",
        slug: "finance-transactions",
        title: "Finance Transactions",
        licenseName: "CC0-1.0",
        isPrivate: true,
        convertToCsv: false,
        files: undefined,
        description: undefined,
        categoryIds: ["finance"],
      },
    );
    assert.match(create.description as string, /^Synthetic card payments\./);
    assert.equal(files[0].description, "file data.csv");
    assert.deepEqual(files[0].columns, [
      { order: 0, name: "amount", type: "numeric", originalType: "number", description: "EUR" },
      { order: 1, name: "id", type: "integer", originalType: "integer", description: "" },
    ]);
    assert.equal(files[1].columns, undefined); // README has no schema

    assert.deepEqual(result, {
      ref: "alice/finance-transactions",
      url: "https://www.kaggle.com/datasets/alice/finance-transactions",
      status: "ready",
      created: true,
      files: [
        { name: "data.csv", sha256: sha(big), token: files[0].token },
        { name: "README.md", sha256: sha(small), token: files[1].token },
      ],
    });
    assert.deepEqual(sleeps, []);
  });
});

Deno.test("existing dataset: creates a version and polls until ready", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.exists = true;
    fake.statusAnswers.push("ready", "pending", { status: "READY" });
    const data = bytesOf(10, 3);
    const result = await publishDataset(planOf([fileOf("data.csv", data)]), options);
    assert.deepEqual(routes(fake), [
      "GET /datasets/status/alice/finance-transactions",
      "POST /blobs/upload",
      "POST /datasets/create/version/alice/finance-transactions",
      "GET /datasets/status/alice/finance-transactions",
      "GET /datasets/status/alice/finance-transactions",
    ]);
    const body = fake.api[2].body as Record<string, unknown>;
    assert.equal(body.versionNotes, "v2 of the generator");
    assert.equal(body.deleteOldVersions, false);
    assert.equal((body.files as { token: string }[])[0].token, result.files[0].token);
    assert.equal(result.created, false);
    assert.equal(result.status, "ready");
    assert.deepEqual(sleeps, [2000]);
  });
});

Deno.test("a {code: 404} body inside a 200 also means a new dataset", async () => {
  await withHarness(async ({ fake, options }) => {
    fake.apiFaults.push({
      route: "GET /datasets/status",
      status: 200,
      body: '{"code":404,"message":"Not found"}',
    });
    const r = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 25))]), options);
    assert.equal(r.created, true);
  });
});

Deno.test("firstTime skips the existence check; wait:false returns pending", async () => {
  await withHarness(async ({ fake, options }) => {
    const result = await publishDataset(
      planOf([fileOf("a.csv", bytesOf(5, 4))], { firstTime: true }),
      { ...options, wait: false },
    );
    assert.deepEqual(routes(fake), ["POST /blobs/upload", "POST /datasets/create/new"]);
    assert.equal(result.status, "pending");
  });
});

Deno.test("500s back off exponentially; 429 and 503 honour Retry-After (seconds and date)", async () => {
  await withHarness(async ({ fake, sleeps, logs, options }) => {
    fake.apiFaults.push(
      { route: "POST /blobs/upload", status: 500, body: '{"message":"boom"}' },
      { route: "POST /blobs/upload", status: 502 },
      { route: "POST /blobs/upload", status: 429, headers: { "Retry-After": "7" } },
      {
        route: "GET /datasets/status",
        status: 503,
        headers: { "Retry-After": new Date(T0 + 3000).toUTCString() },
      },
    );
    const data = bytesOf(100, 5);
    const result = await publishDataset(planOf([fileOf("a.csv", data)]), options);
    assert.equal(result.status, "ready");
    // random() = 0.5: delay = ceiling * 0.75, ceiling = 500 * 1.7^n.
    assert.deepEqual(sleeps, [3000, 375, 638, 7000]);
    assert.equal(backoffDelay(0, () => 0.5), 375);
    assert.equal(backoffDelay(1, () => 0.5), 638);
    assert.ok(logs.some((l) => l.includes("HTTP 500 (boom)") && l.includes("retry 1/10")));
    assert.equal(sha(fake.blobs().get(result.files[0].token)!.bytes), sha(data));
  });
});

Deno.test("dropped connection mid-upload: resumes from the server's Range, no byte sent twice", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    const data = bytesOf(300_000, 6);
    fake.uploadFaults.push({ kind: "drop", afterBytes: 120_000 });
    const result = await publishDataset(planOf([fileOf("data.csv", data)]), options);

    assert.deepEqual(fake.puts.map((p) => [p.contentRange, p.received]), [
      [null, 120_000], // whole file in one request; the server kept 120 000 bytes, then hung up
      ["bytes */300000", 0], // "what do you have?" -> 308 Range: bytes=0-119999
      ["bytes 120000-299999/300000", 180_000],
    ]);
    assert.equal(received(fake, "1"), data.length);
    assert.equal(sha(fake.blobs().get(result.files[0].token)!.bytes), sha(data));
    assert.deepEqual(sleeps, [375]);
  });
});

Deno.test("503 after a partial piece: query, then continue in pieces from the Range", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    const data = bytesOf(2500, 7);
    // The first piece goes through; the second is cut at 400 bytes with a 503.
    fake.uploadFaults.push(
      { kind: "pass" },
      { kind: "status", status: 503, afterBytes: 400, headers: { "Retry-After": "2" } },
    );
    const result = await publishDataset(planOf([fileOf("data.csv", data)]), {
      ...options,
      pieceBytes: 1000,
    });
    assert.deepEqual(fake.puts.map((p) => [p.contentRange, p.received]), [
      ["bytes 0-999/2500", 1000],
      ["bytes 1000-1999/2500", 400],
      ["bytes */2500", 0],
      ["bytes 1400-2399/2500", 1000],
      ["bytes 2400-2499/2500", 100],
    ]);
    assert.equal(received(fake, "1"), data.length);
    assert.equal(sha(fake.blobs().get(result.files[0].token)!.bytes), sha(data));
    assert.deepEqual(sleeps, [2000]);
  });
});

Deno.test("an expired upload session starts a new blob upload", async () => {
  await withHarness(async ({ fake, options }) => {
    const data = bytesOf(500, 8);
    fake.uploadFaults.push({ kind: "status", status: 410, afterBytes: 0 });
    const result = await publishDataset(planOf([fileOf("data.csv", data)]), options);
    assert.equal(routes(fake).filter((r) => r === "POST /blobs/upload").length, 2);
    assert.equal(result.files[0].token, "tok-2");
    assert.equal(sha(fake.blobs().get("tok-2")!.bytes), sha(data));
  });
});

Deno.test("401 fails at once with a clear auth error", async () => {
  const wrong = tokenCredentials("kgat_wrong_token_value");
  await withHarness(async ({ fake, sleeps, logs, options }) => {
    const err = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 9))]), options)
      .then(() => assert.fail("expected failure"), (e) => e);
    assert.ok(err instanceof PublishError);
    assert.equal(err.code, "auth");
    assert.equal(err.status, 401);
    assert.match(
      err.message,
      /rejected the credentials from KAGGLE_API_TOKEN \(HTTP 401: Unauthenticated\)/,
    );
    assert.equal(fake.api.length, 1); // nothing uploaded
    assert.deepEqual(sleeps, []);
    assert.ok(!err.message.includes("kgat_wrong_token_value"));
    assert.ok(!logs.join("\n").includes("kgat_wrong_token_value"));
  }, wrong);
});

Deno.test("other 4xx fail at once with Kaggle's message", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.apiFaults.push({
      route: "POST /blobs/upload",
      status: 400,
      body: '{"code":400,"message":"File name not allowed"}',
    });
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 10))]), options),
      (e: unknown) =>
        e instanceof PublishError && e.code === "rejected" && e.status === 400 &&
        e.message === "starting upload of a.csv: HTTP 400: File name not allowed",
    );
    assert.deepEqual(sleeps, []);
  });
});

Deno.test("an error field in the create answer fails the publish", async () => {
  await withHarness(async ({ fake, options }) => {
    fake.apiFaults.push({
      route: "POST /datasets/create/new",
      status: 200,
      body: '{"ref":"","url":"","status":"error","error":"Slug already in use"}',
    });
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 11))]), options),
      (e: unknown) =>
        e instanceof PublishError && e.code === "rejected" && /Slug already in use/.test(e.message),
    );
  });
});

Deno.test("a 500 on create is not retried (could duplicate a version)", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.apiFaults.push({ route: "POST /datasets/create", status: 500 });
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 12))]), options),
      (e: unknown) => e instanceof PublishError && e.code === "ambiguous",
    );
    assert.equal(routes(fake).filter((r) => r.startsWith("POST /datasets/create")).length, 1);
    assert.deepEqual(sleeps, []);
  });
});

Deno.test("a 503 with Retry-After on create is retried", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.apiFaults.push({
      route: "POST /datasets/create",
      status: 503,
      headers: { "Retry-After": "1" },
    });
    const r = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 13))]), options);
    assert.equal(r.status, "ready");
    assert.deepEqual(sleeps, [1000]);
  });
});

Deno.test("processing that ends FAILED is an error", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.statusAnswers.push("pending", "FAILED");
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 14))]), options),
      (e: unknown) => e instanceof PublishError && e.code === "processing_failed",
    );
    assert.deepEqual(sleeps, [2000]);
  });
});

Deno.test("polling is bounded: still processing -> status pending", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    for (let i = 0; i < 10; i++) fake.statusAnswers.push("pending");
    const r = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 15))]), {
      ...options,
      maxWaitMs: 5000,
    });
    assert.equal(r.status, "pending");
    assert.deepEqual(sleeps, [2000, 2000]);
  });
});

Deno.test("retries are bounded by count and by total time", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    for (let i = 0; i < 5; i++) fake.apiFaults.push({ route: "GET /datasets/status", status: 500 });
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 16))]), { ...options, maxRetries: 3 }),
      (e: unknown) =>
        e instanceof PublishError && e.code === "gave_up" && /after 3 retries/.test(e.message),
    );
    assert.deepEqual(sleeps, [375, 638, 1084]);
  });
  await withHarness(async ({ fake, sleeps, options }) => {
    fake.apiFaults.push({
      route: "GET /datasets/status",
      status: 429,
      headers: { "Retry-After": "3600" },
    });
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 17))]), {
        ...options,
        maxTotalMs: 60_000,
      }),
      (e: unknown) =>
        e instanceof PublishError && e.code === "gave_up" && /asked to wait 3600 s/.test(e.message),
    );
    assert.deepEqual(sleeps, []);
  });
});

Deno.test("network errors on the API are retried", async () => {
  await withHarness(async ({ fake, sleeps, options }) => {
    let failures = 2;
    const flaky: typeof fetch = (input, init) => {
      if (failures > 0 && String(input).includes("/blobs/upload")) {
        failures--;
        return Promise.reject(new TypeError("connection reset"));
      }
      return fetch(input, init);
    };
    const r = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 18))]), {
      ...options,
      fetch: flaky,
    });
    assert.equal(r.status, "ready");
    assert.deepEqual(sleeps, [375, 638]);
    assert.equal(routes(fake).filter((x) => x === "POST /blobs/upload").length, 1);
  });
});

Deno.test("a file whose bytes do not match its SHA-256 is not published", async () => {
  await withHarness(async ({ fake, options }) => {
    const data = bytesOf(2500, 19);
    const file = { ...fileOf("data.csv", data), sha256: sha(bytesOf(2500, 20)) };
    await assert.rejects(
      publishDataset(planOf([file]), { ...options, pieceBytes: 1000 }),
      (e: unknown) => e instanceof IntegrityError && /SHA-256/.test(e.message),
    );
    // The last piece was never sent and nothing was created.
    assert.deepEqual(fake.puts.map((p) => p.contentRange), [
      "bytes 0-999/2500",
      "bytes 1000-1999/2500",
    ]);
    assert.ok(!routes(fake).some((r) => r.startsWith("POST /datasets/create")));
  });
});

Deno.test("files given by path are read from disk and size-checked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = bytesOf(5000, 21);
    await Deno.writeFile(`${dir}/data.csv`, data);
    await withHarness(async ({ fake, options }) => {
      const file: PublishFile = {
        name: "data.csv",
        path: `${dir}/data.csv`,
        size: data.length,
        sha256: sha(data),
      };
      const r = await publishDataset(planOf([file]), { ...options, pieceBytes: 2048 });
      assert.equal(sha(fake.blobs().get(r.files[0].token)!.bytes), sha(data));
      await assert.rejects(
        publishDataset(planOf([{ ...file, size: 4999 }]), options),
        (e: unknown) => e instanceof IntegrityError && /has 5000 bytes/.test(e.message),
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an invalid plan fails before any request", async () => {
  const noFetch: typeof fetch = () => Promise.reject(new Error("no request expected"));
  const good = fileOf("a.csv", bytesOf(5, 22));
  const cases: [string, PublishPlan, RegExp][] = [
    ["short slug", planOf([good], { slug: "abc" }), /slug "abc" must be 6-50/],
    ["bad slug", planOf([good], { slug: "Bad_Slug!" }), /lowercase letters/],
    ["short title", planOf([good], { title: "abc" }), /title must be 6-50/],
    ["no files", planOf([]), /no files/],
    ["dup names", planOf([good, good]), /appears twice/],
    ["dir in name", planOf([{ ...good, name: "x/a.csv" }]), /plain file name/],
    ["bad sha", planOf([{ ...good, sha256: "ABC" }]), /sha256 must be 64/],
    ["bad owner", planOf([good], { owner: "" }), /owner "" is not/],
  ];
  for (const [label, plan, re] of cases) {
    await assert.rejects(
      publishDataset(plan, { credentials: CREDS, fetch: noFetch }),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      label,
    );
  }
});

Deno.test("version notes are required for a new version", async () => {
  await withHarness(async ({ fake, options }) => {
    fake.exists = true;
    await assert.rejects(
      publishDataset(planOf([fileOf("a.csv", bytesOf(5, 23))], { versionNotes: " " }), options),
      (e: unknown) => e instanceof UsageError && /version notes/.test(e.message),
    );
    assert.equal(fake.api.length, 1);
  });
});

Deno.test("secrets never appear in errors or logs", async () => {
  const key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  const creds = new KaggleCredentials("basic", { username: "alice", key }, {
    kind: "env-key",
  });
  const secrets = secretValues(creds);
  const header = authorizationHeader(creds);
  assert.deepEqual(secrets.length, 3);
  // A server that echoes the Authorization header in its error messages.
  await withHarness(async ({ fake, logs, options }) => {
    fake.apiFaults.push(
      { route: "GET /datasets/status", status: 500, body: `{"message":"bad ${header}"}` },
      {
        route: "GET /datasets/status",
        status: 401,
        body: `{"message":"user alice:${key} / ${header} rejected"}`,
      },
    );
    const err = await publishDataset(planOf([fileOf("a.csv", bytesOf(5, 24))]), options)
      .then(() => assert.fail("expected failure"), (e) => e);
    assert.ok(err instanceof PublishError && err.code === "auth");
    const everything = [err.message, err.stack ?? "", ...logs].join("\n");
    for (const s of secrets) assert.ok(!everything.includes(s), `leaked ${s.slice(0, 4)}...`);
    assert.match(everything, /\[REDACTED\]/);
    // Nor through accidental serialization of the credentials object.
    const shown = JSON.stringify(creds) + Deno.inspect(creds) + String({ ...creds });
    for (const s of secrets) assert.ok(!shown.includes(s));
    assert.ok(shown.includes("KAGGLE_USERNAME/KAGGLE_KEY"));
  }, creds);
});

Deno.test("normalizeStatus accepts a JSON string or {status}", () => {
  const cases: [unknown, string][] = [
    ["ready", "ready"],
    ["READY", "ready"],
    [{ status: "Ready" }, "ready"],
    ["failed", "failed"],
    ["FAILED", "failed"],
    ["deleted", "failed"],
    ["pending", "pending"],
    ["BLOBS_RECEIVED", "pending"],
    [null, "pending"],
  ];
  for (const [input, want] of cases) assert.equal(normalizeStatus(input), want, String(input));
});
