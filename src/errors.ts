/**
 * Domain error classes. Each carries enough structure for the CLI to print one
 * clear line and choose an exit code; stages wrap lower errors with `{ cause }`.
 *
 * @module
 */

import type { ConfigProblem, Location } from "./model/mod.ts";

export type { ConfigProblem, Location } from "./model/mod.ts";

/** Most characters of a file's content (or any quoted value) a message shows. */
export const EXCERPT_CHARS = 80;
/** Most bytes of one message sdp prints on stderr. */
export const MESSAGE_BYTES = 4096;
/** Most characters of one config problem's message. */
const PROBLEM_CHARS = 400;

/**
 * `s` with every character that could steer a terminal shown as an escape:
 * C0 controls as `\xNN`; DEL, C1 controls, bidi overrides and isolates,
 * line/paragraph separators, BOM and lone surrogates as `\uXXXX`. Newline and
 * tab are kept unless `keepLayout` is false. Inside a JSON string every form
 * stays valid JSON with the same meaning, except `\xNN`, which
 * JSON.stringify never leaves raw (it writes C0 controls as `\u00NN`).
 */
export function escapeControls(s: string, options: { keepLayout?: boolean } = {}): string {
  const keep = options.keepLayout ?? true;
  return s.replace(UNSAFE, (c) => {
    if (keep && (c === "\n" || c === "\t")) return c;
    const code = c.charCodeAt(0);
    return code < 0x20 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

// C0, DEL, C1, ALM, LRM/RLM, LS/PS, bidi embeddings/overrides/isolates, BOM, lone surrogates.
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/**
 * A short, escaped excerpt of untrusted text (file content, a value from a
 * file): control characters escaped, at most `max` characters, with how many
 * were left out.
 */
export function excerpt(s: string, max: number = EXCERPT_CHARS): string {
  const safe = escapeControls(s, { keepLayout: false });
  if (safe.length <= max) return safe;
  return `${safe.slice(0, max)}… (${safe.length - max} more chars)`;
}

/** Most characters of one double-quoted part (a value, a path) of a message. */
export const QUOTE_CHARS = 160;

/**
 * A message fit for stderr: every double-quoted part (values, file content,
 * paths) longer than `quoteChars` shortened, control characters escaped, and
 * at most `maxBytes` UTF-8 bytes in all, ending "… (N more bytes)" when cut.
 */
export function boundMessage(
  message: string,
  options: { maxBytes?: number; quoteChars?: number } = {},
): string {
  const maxBytes = options.maxBytes ?? MESSAGE_BYTES;
  const quoteChars = options.quoteChars ?? QUOTE_CHARS;
  // Cut first, so a 50 MB message is not escaped and scanned in full.
  const head = message.length > maxBytes * 4 ? message.slice(0, maxBytes * 4) : message;
  let tailShown = head.length === message.length;
  // Quoted parts are matched left to right, so a closing quote never opens one;
  // when the head was cut, the last quoted part may run to its end.
  const quoted = new RegExp(`"((?:[^"\\\\\\n]|\\\\.)*)(${tailShown ? '"' : '"|$'})`, "g");
  const shortened = head.replace(quoted, (m, inner: string, close: string) => {
    if (close && inner.length <= quoteChars) return m;
    // Never end on half of a backslash escape.
    const kept = inner.slice(0, quoteChars).replace(/\\+$/, (b) => b.length % 2 ? b.slice(1) : b);
    if (!close) tailShown = true; // the count below covers the rest of the message
    const more = inner.length - kept.length + (close ? 0 : message.length - head.length);
    return `"${kept}"… (${more} more chars)`;
  });
  const safe = escapeControls(shortened);
  const bytes = new TextEncoder().encode(safe);
  const total = bytes.length + (tailShown ? 0 : utf8Length(message) - utf8Length(head));
  if (total <= maxBytes) return safe;
  let cut = maxBytes - 32;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--; // do not split a character
  return `${new TextDecoder().decode(bytes.subarray(0, cut))}… (${total - cut} more bytes)`;
}

function utf8Length(s: string): number {
  if (s.length > 1 << 20) return new TextEncoder().encode(s).length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Render a problem as `file:line:col: field: message`, the message bounded. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.loc.line > 0 ? `${p.loc.file}:${p.loc.line}:${p.loc.col}` : p.loc.file;
  // Quoted parts of a problem are values from the file: the short excerpt only.
  const message = boundMessage(p.message, { maxBytes: PROBLEM_CHARS, quoteChars: EXCERPT_CHARS });
  return p.field ? `${where}: ${p.field}: ${message}` : `${where}: ${message}`;
}

/** Config files were rejected; holds every problem at once. Exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** All problems found, in file order. */
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], options?: ErrorOptions) {
    super(
      problems.length === 1
        ? `Cannot load ${formatProblem(problems[0])}`
        : `Cannot load configuration (${problems.length} problems):\n` +
          problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
      options,
    );
    this.problems = problems;
  }
}

/** Wrong command-line usage (unknown flag, bad value, unsafe run id). Exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A path that leaves the working directory once its symbolic links are
 * resolved (see src/io/sandbox.ts). Exit code 2; nothing was read or written.
 */
export class SandboxError extends UsageError {
  override name = "SandboxError";
  /** The path as sdp was about to use it. */
  readonly path: string;
  /** Where it resolves, when known. */
  readonly resolved?: string;
  constructor(message: string, path: string, resolved?: string) {
    super(message);
    this.path = path;
    this.resolved = resolved;
  }
}

/** The data failed validation; nothing was finalized. Exit code 1. */
export class ValidationFailedError extends Error {
  override name = "ValidationFailedError";
  /** Where the failed run's reports were kept. */
  readonly reportDir: string;
  constructor(message: string, reportDir: string, options?: ErrorOptions) {
    super(message, options);
    this.reportDir = reportDir;
  }
}

/**
 * A state conflict: the version already exists, a lock is held, an artifact
 * was tampered with, the prior version is corrupt. Exit code 1.
 */
export class IntegrityError extends Error {
  override name = "IntegrityError";
}

/**
 * The machine could not store what a run wrote (full disk, quota, I/O
 * error). Names the file when the system said which, and what was left in
 * place. Exit code 1.
 */
export class StorageError extends Error {
  override name = "StorageError";
}

/** System error codes that mean "the storage failed", not "sdp is wrong". */
const STORAGE_CODES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EFBIG"]);

/** Options of {@link storageFailure}. */
export interface StorageFailureOptions {
  /** What was left in place, e.g. "nothing was finalized". */
  left: string;
  /** The folder being written, named when the system's message names no file. */
  dir: string;
}

/**
 * `err` as a {@link StorageError} when it is a raw storage failure (full disk,
 * quota, I/O error, read-only file system), else undefined. Errors sdp has
 * already explained (its own error classes) are left as they are.
 */
export function storageFailure(
  err: unknown,
  options: StorageFailureOptions,
): StorageError | undefined {
  if (
    err instanceof StorageError || err instanceof IntegrityError || err instanceof ConfigError ||
    err instanceof InputError || err instanceof UsageError || err instanceof ValidationFailedError
  ) return undefined;
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" ? e.message : "";
  const byCode = typeof e?.code === "string" && STORAGE_CODES.has(e.code);
  const byText =
    /No space left on device|Disk quota exceeded|Input\/output error|Read-only file system|File too large/
      .test(message);
  if (!byCode && !byText) return undefined;
  // Deno's messages end in `: <operation> '<path>'` when the failing call had a path.
  const path = /'([^']+)'\s*$/.exec(message)?.[1];
  const reason = message.replace(/\s*\(os error \d+\).*$/s, "").replace(/:\s*\w+ '[^']*'\s*$/, "");
  const what = path
    ? `could not write ${path} (${reason})`
    : `could not write to ${options.dir} (${reason})`;
  return new StorageError(`${what}; ${options.left}`, { cause: err });
}

/** An input data file (CSV/Parquet) could not be read. Exit code 2. */
export class InputError extends Error {
  override name = "InputError";
  /** Where the problem is, when known. */
  readonly loc?: Location;
  constructor(message: string, loc?: Location, options?: ErrorOptions) {
    super(loc ? `${loc.file}:${loc.line}:${loc.col}: ${message}` : message, options);
    this.loc = loc;
  }
}
