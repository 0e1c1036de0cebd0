/**
 * Kaggle credentials: where they come from, and how they are kept out of
 * messages.
 *
 * Resolution order (the official kaggle-api client's order):
 * 1. `KAGGLE_API_TOKEN` -> `Authorization: Bearer <token>`.
 * 2. `KAGGLE_USERNAME` + `KAGGLE_KEY` -> HTTP Basic.
 * 3. `kaggle.json` (`{"username": ..., "key": ...}`) in `$KAGGLE_CONFIG_DIR`;
 *    without that variable, `$HOME/.kaggle` and then
 *    `${XDG_CONFIG_HOME:-$HOME/.config}/kaggle` (the official client falls back
 *    to the XDG directory when `~/.kaggle` does not exist).
 *
 * All I/O (environment, file reads, stat) is passed in, so the rules are
 * testable without touching the real home directory.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/** Text put in place of a secret in any message. */
export const REDACTED = "[REDACTED]";

/** Where the credentials were found (safe to print: names, never values). */
export type CredentialSource =
  | { kind: "env-token" }
  | { kind: "env-key" }
  | { kind: "file"; path: string };

const secretsOf = new WeakMap<KaggleCredentials, readonly string[]>();
const headerOf = new WeakMap<KaggleCredentials, string>();

/**
 * Resolved Kaggle credentials.
 *
 * The secret values live in module-private WeakMaps, not in fields, so that
 * `JSON.stringify`, `console.log` or a spread of this object can never print
 * them by accident; only {@link authorizationHeader} and {@link secretValues}
 * reach them.
 */
export class KaggleCredentials {
  /** `bearer` for an API token, `basic` for username + key. */
  readonly scheme: "bearer" | "basic";
  /** Kaggle user name when known (Basic auth); not a secret. */
  readonly username: string | undefined;
  /** Where they came from, for messages. */
  readonly source: CredentialSource;

  /** Build credentials; prefer {@link resolveCredentials} or {@link tokenCredentials}. */
  constructor(
    scheme: "bearer" | "basic",
    secret: { token?: string; username?: string; key?: string },
    source: CredentialSource,
  ) {
    this.scheme = scheme;
    this.source = source;
    if (scheme === "bearer") {
      const token = secret.token ?? "";
      this.username = undefined;
      headerOf.set(this, `Bearer ${token}`);
      secretsOf.set(this, [token, `Bearer ${token}`].filter((s) => s.length > 0));
    } else {
      const user = secret.username ?? "";
      const key = secret.key ?? "";
      const basic = btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${key}`)));
      this.username = user;
      headerOf.set(this, `Basic ${basic}`);
      // The user name is not secret, but `user:key` and its base64 are.
      secretsOf.set(this, [key, basic, `${user}:${key}`].filter((s) => s.length > 0));
    }
  }

  /** Safe summary for logs and JSON. */
  toJSON(): { scheme: string; username?: string; source: string } {
    return {
      scheme: this.scheme,
      ...(this.username !== undefined ? { username: this.username } : {}),
      source: describeSource(this.source),
    };
  }

  /** Deno's inspector (console.log) shows the safe summary only. */
  [Symbol.for("Deno.customInspect")](): string {
    return `KaggleCredentials ${JSON.stringify(this.toJSON())}`;
  }
}

/** The `Authorization` header value for Kaggle API requests. */
export function authorizationHeader(credentials: KaggleCredentials): string {
  return headerOf.get(credentials) ?? "";
}

/** Every string that must never appear in output (token, key, encoded forms). */
export function secretValues(credentials: KaggleCredentials): readonly string[] {
  return secretsOf.get(credentials) ?? [];
}

/** Credentials from a bearer token (for tests and explicit configuration). */
export function tokenCredentials(token: string): KaggleCredentials {
  return new KaggleCredentials("bearer", { token }, { kind: "env-token" });
}

/**
 * Replace every occurrence of each secret in `text` with {@link REDACTED}.
 * Longer secrets are replaced first so that one secret containing another is
 * removed whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const sorted = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const s of sorted) out = out.split(s).join(REDACTED);
  return out;
}

/** Human-readable name of a credential source (never includes a value). */
export function describeSource(source: CredentialSource): string {
  switch (source.kind) {
    case "env-token":
      return "KAGGLE_API_TOKEN";
    case "env-key":
      return "KAGGLE_USERNAME/KAGGLE_KEY";
    case "file":
      return source.path;
  }
}

/** File system and environment access used by {@link resolveCredentials}. */
export interface CredentialIo {
  /** Environment lookup, e.g. `(n) => Deno.env.get(n)`. */
  env: (name: string) => string | undefined;
  /** Read a text file; must throw `Deno.errors.NotFound` when it does not exist. */
  readTextFile: (path: string) => Promise<string>;
  /** Permission bits of a file, or `null` where the OS has none (Windows). */
  fileMode: (path: string) => Promise<number | null>;
}

/** Result of {@link resolveCredentials}. */
export interface ResolvedCredentials {
  credentials: KaggleCredentials;
  /** Problems worth telling the user that do not stop publishing. */
  warnings: string[];
}

/** The kaggle.json locations tried, in order (pure). */
export function kaggleJsonCandidates(env: (name: string) => string | undefined): string[] {
  const configDir = nonEmpty(env("KAGGLE_CONFIG_DIR"));
  if (configDir !== undefined) return [joinPath(configDir, "kaggle.json")];
  const home = nonEmpty(env("HOME")) ?? nonEmpty(env("USERPROFILE"));
  if (home === undefined) return [];
  const xdg = nonEmpty(env("XDG_CONFIG_HOME")) ?? joinPath(home, ".config");
  return [joinPath(home, ".kaggle", "kaggle.json"), joinPath(xdg, "kaggle", "kaggle.json")];
}

/**
 * Find Kaggle credentials (see the module comment for the order).
 *
 * Throws {@link ConfigError} when none are found or kaggle.json is malformed;
 * messages name variables and paths, never values. Returns a warning when
 * kaggle.json is readable by group or others (`mode & 0o077`), as the
 * official client does.
 */
export async function resolveCredentials(io: CredentialIo): Promise<ResolvedCredentials> {
  const token = nonEmpty(io.env("KAGGLE_API_TOKEN"));
  if (token !== undefined) {
    return {
      credentials: new KaggleCredentials("bearer", { token }, { kind: "env-token" }),
      warnings: [],
    };
  }

  const username = nonEmpty(io.env("KAGGLE_USERNAME"));
  const key = nonEmpty(io.env("KAGGLE_KEY"));
  if (username !== undefined && key !== undefined) {
    return {
      credentials: new KaggleCredentials("basic", { username, key }, { kind: "env-key" }),
      warnings: [],
    };
  }
  if (username !== undefined || key !== undefined) {
    // Half a pair is almost always a mistake; falling through to kaggle.json
    // would silently publish as whoever owns that file.
    const missing = username === undefined ? "KAGGLE_USERNAME" : "KAGGLE_KEY";
    const present = username === undefined ? "KAGGLE_KEY" : "KAGGLE_USERNAME";
    throw credentialError(missing, `${present} is set but ${missing} is not; set both or neither`);
  }

  const candidates = kaggleJsonCandidates(io.env);
  for (const path of candidates) {
    let text: string;
    try {
      text = await io.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw new ConfigError([{
        loc: { file: path, line: 0, col: 0 },
        field: "",
        message: `cannot read Kaggle credentials file (${errorName(e)})`,
      }], { cause: e });
    }
    const creds = parseKaggleJson(text, path);
    const warnings: string[] = [];
    const mode = await io.fileMode(path);
    if (mode !== null && (mode & 0o077) !== 0) {
      warnings.push(
        `Your Kaggle API key is readable by other users on this system: ${path} has mode ` +
          `${(mode & 0o777).toString(8).padStart(3, "0")}; run: chmod 600 ${path}`,
      );
    }
    return { credentials: creds, warnings };
  }

  throw credentialError(
    "KAGGLE_API_TOKEN",
    "no Kaggle credentials found: set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY, " +
      `or create kaggle.json (looked in: ${candidates.join(", ") || "no home directory"})`,
  );
}

function parseKaggleJson(text: string, path: string): KaggleCredentials {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // JSON.parse messages quote the input, which here holds the key: drop it.
    throw new ConfigError([{
      loc: { file: path, line: 0, col: 0 },
      field: "",
      message: 'is not valid JSON; expected {"username": "...", "key": "..."}',
    }], { cause: new Error(`JSON parse failed (${errorName(e)})`) });
  }
  const obj = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const username = typeof obj.username === "string" ? obj.username : "";
  const key = typeof obj.key === "string" ? obj.key : "";
  const missing = [username === "" ? "username" : "", key === "" ? "key" : ""].filter((s) => s);
  if (missing.length > 0) {
    throw new ConfigError([{
      loc: { file: path, line: 0, col: 0 },
      field: missing.join(", "),
      message: `missing or empty in Kaggle credentials file`,
    }]);
  }
  return new KaggleCredentials("basic", { username, key }, { kind: "file", path });
}

function credentialError(field: string, message: string): ConfigError {
  return new ConfigError([{ loc: { file: "<environment>", line: 0, col: 0 }, field, message }]);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function joinPath(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") : p)).join("/");
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}
