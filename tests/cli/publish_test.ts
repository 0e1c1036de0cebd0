/**
 * End-to-end tests of `sdp publish` against a local fake of the Kaggle API
 * (tests/helpers/fake_kaggle.ts, on 127.0.0.1, started here): the real CLI with
 * the release permission flags plus --allow-net=127.0.0.1.
 */
import { testIo } from "../fixtures/io.ts";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { main } from "../../src/cli/mod.ts";
import { type FakeKaggle, startFakeKaggle } from "../helpers/fake_kaggle.ts";
import { runCli, sha256File, tempDir } from "../cli_harness.ts";

const TOKEN = "kgat_TopSecret0123456789abcdef";
const BEARER = `Bearer ${TOKEN}`;
const NET = ["--allow-net=127.0.0.1"];
const NO_CREDS = {
  KAGGLE_API_TOKEN: "",
  KAGGLE_USERNAME: "",
  KAGGLE_KEY: "",
  KAGGLE_CONFIG_DIR: "",
};

function denoDir(): string {
  const home = Deno.env.get("HOME") ?? "";
  return Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`}/deno`;
}

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function quietIo(out: string[]) {
  return testIo((t) => void out.push(t));
}

/** A working directory holding one finalized (ingested) version: people v1. */
async function setup(): Promise<string> {
  const cwd = await tempDir("sdp-publish-");
  const rows = ["id,name,score"];
  for (let i = 0; i < 200; i++) rows.push(`${i},name${i % 7},${(i * 0.37).toFixed(2)}`);
  await Deno.writeTextFile(`${cwd}/people.csv`, rows.join("\n") + "\n");
  await Deno.mkdir(`${cwd}/datasets/people`, { recursive: true });
  await Deno.writeTextFile(
    `${cwd}/datasets/people/dataset.yaml`,
    "name: people\ndomain: demo\ndescription: Test people.\nkeywords: [synthetic]\nrow_count: 1\n",
  );
  await Deno.writeTextFile(
    `${cwd}/datasets/people/schema.yaml`,
    "columns:\n  id: {type: integer, unique: true, description: Row id}\n" +
      "  name: {type: string}\n  score: {type: float}\n",
  );
  await Deno.writeTextFile(`${cwd}/datasets/people/evolution.yaml`, "");
  const out: string[] = [];
  const code = await main([
    "ingest",
    `${cwd}/people.csv`,
    "--dataset",
    "people",
    "--run-id",
    "v1",
    "--datasets-dir",
    `${cwd}/datasets`,
    "--runs-dir",
    `${cwd}/runs`,
    "--registry",
    `${cwd}/registry/datasets.json`,
  ], quietIo(out));
  assert.equal(code, 0, out.join(""));
  return cwd;
}

async function withFake(auth: string, fn: (fake: FakeKaggle) => Promise<void>): Promise<void> {
  const fake = startFakeKaggle(auth);
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

async function registryEntry(cwd: string) {
  const reg = JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
  return reg.datasets.people.versions[0];
}

function assertNoSecret(...texts: string[]): void {
  for (const t of texts) {
    assert.ok(!t.includes(TOKEN), `secret leaked: ${t}`);
    assert.ok(!t.includes(btoa("alice:k3y-SECRET-999")), `secret leaked: ${t}`);
    assert.ok(!t.includes("k3y-SECRET-999"), `secret leaked: ${t}`);
  }
}

Deno.test("publish uploads exactly the data file, final_metadata.json and dataset-metadata.json, records it, refuses twice without --force", async () => {
  const cwd = await setup();
  const dir = `${cwd}/runs/people/v1`;
  await withFake(BEARER, async (fake) => {
    const env = {
      ...NO_CREDS,
      KAGGLE_API_TOKEN: TOKEN,
      SDP_KAGGLE_BASE_URL: fake.baseUrl,
      SDP_LOGGING_ENABLED: "true",
      SDP_LOG_LEVEL: "DEBUG",
    };
    const r = await runCli(["publish", "people", "--kaggle", "alice/people-data"], {
      cwd,
      env,
      extraFlags: NET,
    });
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(r.stdout, r.stderr);
    assert.match(
      r.stdout,
      /Published people v1 to https:\/\/www\.kaggle\.com\/datasets\/alice\/people-data \(new dataset/,
    );

    // Every API call carried the credentials; the upload host never got them.
    assert.ok(fake.api.every((a) => a.authorization === BEARER));
    assert.ok(fake.puts.every((p) => p.authorization === null));
    assert.deepEqual(fake.api.map((a) => `${a.method} ${a.path}`), [
      "GET /datasets/status/alice/people-data",
      "POST /blobs/upload",
      "POST /blobs/upload",
      "POST /blobs/upload",
      "POST /datasets/create/new",
      "GET /datasets/status/alice/people-data",
    ]);
    const blobs = [...fake.blobs().values()];
    assert.deepEqual(blobs.map((b) => b.name).sort(), [
      "data.parquet",
      "dataset-metadata.json",
      "final_metadata.json",
    ]);
    const byName = new Map(blobs.map((b) => [b.name, b.bytes]));
    assert.equal(sha(byName.get("data.parquet")!), await sha256File(`${dir}/data.parquet`));
    assert.equal(
      sha(byName.get("final_metadata.json")!),
      await sha256File(`${dir}/final_metadata.json`),
    );
    const md = JSON.parse(new TextDecoder().decode(byName.get("dataset-metadata.json")!));
    assert.equal(md.id, "alice/people-data");
    assert.equal(md.title, "People");
    assert.deepEqual(md.licenses, [{ name: "CC0-1.0" }]);
    assert.deepEqual(md.keywords, ["demo", "synthetic"]);
    assert.match(md.description, /^Test people\./);
    const parquet = md.resources.find((x: { path: string }) => x.path === "data.parquet");
    assert.deepEqual(parquet.schema.fields, [
      { name: "id", type: "integer", description: "Row id" },
      { name: "name", type: "string", description: "" },
      { name: "score", type: "number", description: "" },
    ]);
    const create = fake.api.find((a) => a.path === "/datasets/create/new")!.body as Record<
      string,
      unknown
    >;
    assert.equal(create.ownerSlug, "alice");
    assert.equal(create.slug, "people-data");
    assert.equal(create.licenseName, "CC0-1.0");
    assert.equal(create.isPrivate, true);
    assert.deepEqual(
      (create.files as { token: string }[]).map((f) => f.token).sort(),
      [...fake.blobs().keys()].sort(),
    );
    const uploads = fake.api.filter((a) => a.path === "/blobs/upload").map((a) =>
      a.body as { name: string; contentLength: number }
    );
    for (const u of uploads) assert.equal(u.contentLength, byName.get(u.name)!.length);

    const entry = await registryEntry(cwd);
    assert.equal(entry.publications.length, 1);
    const pub = entry.publications[0];
    assert.equal(pub.target, "kaggle:alice/people-data");
    assert.equal(pub.url, "https://www.kaggle.com/datasets/alice/people-data");
    assert.equal(pub.published_at.length, 24);
    assert.deepEqual(
      pub.files,
      Object.fromEntries([...byName].map(([n, b]) => [n, sha(b)])),
    );
    assertNoSecret(await Deno.readTextFile(`${cwd}/registry/datasets.json`));

    // Twice to the same target: refused before any request.
    const seen = fake.api.length;
    const again = await runCli(["publish", "people", "v1", "--kaggle", "alice/people-data"], {
      cwd,
      env,
      extraFlags: NET,
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already published to kaggle:alice\/people-data.*--force/);
    assert.equal(fake.api.length, seen);

    // --force publishes a new Kaggle version and records a second publication.
    const forced = await runCli(
      ["publish", "people", "v1", "--kaggle", "alice/people-data", "--force", "--json"],
      { cwd, env, extraFlags: NET },
    );
    assert.equal(forced.code, 0, forced.stderr);
    assertNoSecret(forced.stdout, forced.stderr);
    const versionCall = fake.api.find((a) => a.path.startsWith("/datasets/create/version/"));
    assert.ok(versionCall, fake.api.map((a) => a.path).join(" "));
    assert.match((versionCall.body as { versionNotes: string }).versionNotes, /people v1/);
    assert.equal((await registryEntry(cwd)).publications.length, 2);
  });
});

Deno.test("publish --dry-run verifies and prints the plan and metadata without any request", async () => {
  const cwd = await setup();
  const before = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
  await withFake(BEARER, async (fake) => {
    const r = await runCli(
      ["publish", "people", "--kaggle", "alice/people-data", "--dry-run", "--title", "People Test"],
      {
        cwd,
        env: { ...NO_CREDS, KAGGLE_API_TOKEN: TOKEN, SDP_KAGGLE_BASE_URL: fake.baseUrl },
        extraFlags: NET,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(r.stdout, r.stderr);
    assert.match(r.stdout, /credentials: KAGGLE_API_TOKEN/);
    assert.match(r.stdout, /data\.parquet\s+\d+ bytes\s+sha256 [0-9a-f]{64}/);
    assert.match(r.stdout, /final_metadata\.json/);
    assert.match(r.stdout, /"title": "People Test"/);
    assert.match(r.stdout, /Dry run: nothing was sent/);
    assert.equal(fake.api.length, 0);
    assert.equal(fake.puts.length, 0);
  });
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), before);
});

Deno.test("publish survives 500, 429 with Retry-After and a connection dropped mid-upload (resumes, does not restart)", async () => {
  const cwd = await setup();
  await withFake(BEARER, async (fake) => {
    fake.apiFaults.push(
      { route: "GET /datasets/status", status: 429, headers: { "Retry-After": "1" } },
      { route: "POST /blobs/upload", status: 500, body: '{"message":"boom"}' },
    );
    fake.uploadFaults.push({ kind: "drop", afterBytes: 100 });
    const t0 = performance.now();
    const r = await runCli(["publish", "people", "--kaggle", "alice/people-data"], {
      cwd,
      env: { ...NO_CREDS, KAGGLE_API_TOKEN: TOKEN, SDP_KAGGLE_BASE_URL: fake.baseUrl },
      extraFlags: NET,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(performance.now() - t0 >= 1000, "Retry-After: 1 was honoured");
    assertNoSecret(r.stdout, r.stderr);
    assert.match(r.stderr, /HTTP 429/);
    assert.match(r.stderr, /HTTP 500/);
    // The dropped PUT kept 100 bytes; the next data PUT starts at byte 100.
    const data = fake.puts.filter((p) => p.offset !== null);
    assert.equal(data[0].offset, 0);
    assert.equal(data[0].received, 100);
    assert.ok(fake.puts.some((p) => p.contentRange?.startsWith("bytes */")), "asked the server");
    assert.equal(data[1].session, data[0].session);
    assert.equal(data[1].offset, 100);
    const parquet = [...fake.blobs().values()].find((b) => b.name === "data.parquet")!;
    assert.equal(sha(parquet.bytes), await sha256File(`${cwd}/runs/people/v1/data.parquet`));
    assert.equal((await registryEntry(cwd)).publications.length, 1);
  });
});

Deno.test("publish failures: 401 and processing FAILED exit 1, print no secret, record nothing", async () => {
  const cwd = await setup();
  const before = await Deno.readTextFile(`${cwd}/registry/datasets.json`);
  await withFake("Bearer another-token", async (fake) => {
    const r = await runCli(["publish", "people", "--kaggle", "alice/people-data"], {
      cwd,
      env: { ...NO_CREDS, KAGGLE_API_TOKEN: TOKEN, SDP_KAGGLE_BASE_URL: fake.baseUrl },
      extraFlags: NET,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /rejected the credentials from KAGGLE_API_TOKEN \(HTTP 401/);
    assertNoSecret(r.stdout, r.stderr);
    assert.equal(fake.puts.length, 0, "nothing uploaded with bad credentials");
  });
  await withFake(BEARER, async (fake) => {
    fake.statusAnswers.push({ status: "FAILED" });
    const r = await runCli(["publish", "people", "--kaggle", "alice/people-data"], {
      cwd,
      env: { ...NO_CREDS, KAGGLE_API_TOKEN: TOKEN, SDP_KAGGLE_BASE_URL: fake.baseUrl },
      extraFlags: NET,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /failed to process/);
    assert.match(r.stderr, /Nothing was recorded/);
  });
  assert.equal(await Deno.readTextFile(`${cwd}/registry/datasets.json`), before);
});

Deno.test("publish credentials: kaggle.json under KAGGLE_CONFIG_DIR (mode warning), unreadable ~/.kaggle, net allow-list, tampered version", async () => {
  const cwd = await setup();
  await Deno.mkdir(`${cwd}/kcfg`);
  await Deno.writeTextFile(
    `${cwd}/kcfg/kaggle.json`,
    JSON.stringify({ username: "alice", key: "k3y-SECRET-999" }),
  );
  await Deno.chmod(`${cwd}/kcfg/kaggle.json`, 0o644);
  const home = await tempDir("sdp-home-");
  await Deno.mkdir(`${home}/.kaggle`);
  await Deno.writeTextFile(`${home}/.kaggle/kaggle.json`, '{"username":"a","key":"b"}');
  await withFake(`Basic ${btoa("alice:k3y-SECRET-999")}`, async (fake) => {
    const [fromFile, noAccess, notAllowed] = await Promise.all([
      runCli(["publish", "people", "--kaggle", "alice/people-data"], {
        cwd,
        env: { ...NO_CREDS, KAGGLE_CONFIG_DIR: "./kcfg", SDP_KAGGLE_BASE_URL: fake.baseUrl },
        extraFlags: NET,
      }),
      runCli(["publish", "people", "--kaggle", "alice/people-data2"], {
        cwd,
        // Another HOME must not move Deno's own cache.
        env: { ...NO_CREDS, HOME: home, DENO_DIR: denoDir(), SDP_KAGGLE_BASE_URL: fake.baseUrl },
        extraFlags: NET,
      }),
      runCli(["publish", "people", "--kaggle", "alice/people-data3"], {
        cwd,
        env: { ...NO_CREDS, KAGGLE_API_TOKEN: TOKEN, SDP_KAGGLE_BASE_URL: fake.baseUrl },
      }),
    ]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stderr, /warning: .*readable by other users.*mode 644.*chmod 600/);
    assertNoSecret(fromFile.stdout, fromFile.stderr);
    assert.equal(noAccess.code, 2, noAccess.stderr);
    assert.match(noAccess.stderr, /may not read .*\.kaggle\/kaggle\.json.*KAGGLE_CONFIG_DIR/);
    assert.equal(notAllowed.code, 2);
    assert.match(notAllowed.stderr, /not in sdp's network allow-list/);
    assertNoSecret(noAccess.stderr, notAllowed.stderr);
  });

  // A version that fails verification is never published.
  const data = `${cwd}/runs/people/v1/data.parquet`;
  await Deno.chmod(data, 0o644);
  const bytes = await Deno.readFile(data);
  bytes[bytes.length - 20] ^= 0xff;
  await Deno.writeFile(data, bytes);
  const out: string[] = [];
  const code = await main([
    "publish",
    "people",
    "--kaggle",
    "alice/people-data2",
    "--runs-dir",
    `${cwd}/runs`,
    "--registry",
    `${cwd}/registry/datasets.json`,
  ], quietIo(out));
  assert.equal(code, 1);
  assert.match(out.join(""), /fails verification.*\n\s+changed: data\.parquet/);
});
