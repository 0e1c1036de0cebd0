import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import {
  authorizationHeader,
  type CredentialIo,
  kaggleJsonCandidates,
  redact,
  resolveCredentials,
} from "./credentials.ts";

const KEY = "8c1f0e5a9b2d4c6e8f0a1b2c3d4e5f60";

function io(
  env: Record<string, string>,
  files: Record<string, { text: string; mode: number | null }> = {},
): CredentialIo {
  return {
    env: (n) => env[n],
    readTextFile: (p) =>
      p in files
        ? Promise.resolve(files[p].text)
        : Promise.reject(new Deno.errors.NotFound(`no ${p}`)),
    fileMode: (p) => Promise.resolve(files[p]?.mode ?? null),
  };
}

const kaggleJson = JSON.stringify({ username: "filer", key: KEY });

Deno.test("resolution order and header values", async () => {
  const cases: {
    label: string;
    env: Record<string, string>;
    files?: Record<string, { text: string; mode: number | null }>;
    header: string;
    source: string;
    warnings: number;
  }[] = [
    {
      label: "token wins over everything",
      env: { KAGGLE_API_TOKEN: "tok", KAGGLE_USERNAME: "u", KAGGLE_KEY: "k", HOME: "/h" },
      files: { "/h/.kaggle/kaggle.json": { text: kaggleJson, mode: 0o600 } },
      header: "Bearer tok",
      source: "KAGGLE_API_TOKEN",
      warnings: 0,
    },
    {
      label: "username + key from env",
      env: { KAGGLE_USERNAME: "alice", KAGGLE_KEY: "s3cr3t", HOME: "/h" },
      header: `Basic ${btoa("alice:s3cr3t")}`,
      source: "KAGGLE_USERNAME/KAGGLE_KEY",
      warnings: 0,
    },
    {
      label: "empty variables count as unset",
      env: { KAGGLE_API_TOKEN: "", KAGGLE_USERNAME: "", KAGGLE_KEY: "", HOME: "/h" },
      files: { "/h/.kaggle/kaggle.json": { text: kaggleJson, mode: 0o600 } },
      header: `Basic ${btoa(`filer:${KEY}`)}`,
      source: "/h/.kaggle/kaggle.json",
      warnings: 0,
    },
    {
      label: "KAGGLE_CONFIG_DIR (trailing slash) and a group-readable file",
      env: { KAGGLE_CONFIG_DIR: "/cfg/", HOME: "/h" },
      files: { "/cfg/kaggle.json": { text: kaggleJson, mode: 0o100644 } },
      header: `Basic ${btoa(`filer:${KEY}`)}`,
      source: "/cfg/kaggle.json",
      warnings: 1,
    },
    {
      label: "XDG fallback; no mode on this OS -> no warning",
      env: { HOME: "/h", XDG_CONFIG_HOME: "/x" },
      files: { "/x/kaggle/kaggle.json": { text: kaggleJson, mode: null } },
      header: `Basic ${btoa(`filer:${KEY}`)}`,
      source: "/x/kaggle/kaggle.json",
      warnings: 0,
    },
  ];
  for (const c of cases) {
    const { credentials, warnings } = await resolveCredentials(io(c.env, c.files));
    assert.equal(authorizationHeader(credentials), c.header, c.label);
    assert.equal(credentials.toJSON().source, c.source, c.label);
    assert.equal(warnings.length, c.warnings, c.label);
  }
});

Deno.test("the permission warning names the mode and the fix, not the key", async () => {
  const { warnings } = await resolveCredentials(io({ KAGGLE_CONFIG_DIR: "/c" }, {
    "/c/kaggle.json": { text: kaggleJson, mode: 0o640 },
  }));
  assert.deepEqual(warnings, [
    "Your Kaggle API key is readable by other users on this system: /c/kaggle.json has mode " +
    "640; run: chmod 600 /c/kaggle.json",
  ]);
});

Deno.test("failures are ConfigErrors that never quote the secret", async () => {
  const cases: {
    label: string;
    env: Record<string, string>;
    files?: Record<string, { text: string; mode: number | null }>;
    message: RegExp;
  }[] = [
    {
      label: "nothing anywhere",
      env: { HOME: "/h" },
      message: /no Kaggle credentials found.*\/h\/\.kaggle\/kaggle\.json, \/h\/\.config\/kaggle/,
    },
    {
      label: "half a pair",
      env: { KAGGLE_USERNAME: "alice", HOME: "/h" },
      message: /KAGGLE_KEY: KAGGLE_USERNAME is set but KAGGLE_KEY is not/,
    },
    {
      label: "malformed JSON",
      env: { KAGGLE_CONFIG_DIR: "/c" },
      files: { "/c/kaggle.json": { text: `{"username":"a","key":"${KEY}"`, mode: 0o600 } },
      message: /\/c\/kaggle\.json: is not valid JSON/,
    },
    {
      label: "missing key",
      env: { KAGGLE_CONFIG_DIR: "/c" },
      files: { "/c/kaggle.json": { text: `{"username":"a","kee":"${KEY}"}`, mode: 0o600 } },
      message: /\/c\/kaggle\.json: key: missing or empty/,
    },
  ];
  for (const c of cases) {
    const err = await resolveCredentials(io(c.env, c.files)).then(
      () => assert.fail(c.label),
      (e) => e,
    );
    assert.ok(err instanceof ConfigError, c.label);
    assert.match(err.message, c.message, c.label);
    const all = `${err.message}\n${err.stack}\n${String(err.cause ?? "")}`;
    assert.ok(!all.includes(KEY), c.label);
  }
});

Deno.test("kaggleJsonCandidates", () => {
  assert.deepEqual(kaggleJsonCandidates((n) => ({ KAGGLE_CONFIG_DIR: "/c" } as never)[n]), [
    "/c/kaggle.json",
  ]);
  assert.deepEqual(kaggleJsonCandidates((n) => ({ USERPROFILE: "C:/Users/a" } as never)[n]), [
    "C:/Users/a/.kaggle/kaggle.json",
    "C:/Users/a/.config/kaggle/kaggle.json",
  ]);
  assert.deepEqual(kaggleJsonCandidates(() => undefined), []);
});

Deno.test("redact replaces every secret, longest first", () => {
  const cases: [string, string[], string][] = [
    ["a tok b tok", ["tok"], "a [REDACTED] b [REDACTED]"],
    ["Bearer abc123", ["abc123", "Bearer abc123"], "[REDACTED]"],
    ["nothing here", ["", "zzz"], "nothing here"],
  ];
  for (const [text, secrets, want] of cases) assert.equal(redact(text, secrets), want);
});
