/**
 * The CLI's window on the world: arguments, output streams, environment,
 * clock, ids, terminal facts, permission queries and the few file operations
 * the command handlers do themselves. main.ts builds the real one; tests may
 * build their own. This is the only CLI module that calls `Deno.*`; the
 * stages the commands call do their own file I/O.
 */
import { statfsSync } from "node:fs";
import { escapeControls, UsageError } from "../errors.ts";
import { createSandbox, type Sandbox } from "../io/sandbox.ts";
import type { Progress } from "../pipeline/mod.ts";

/** Everything the CLI needs from the process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env(name: string): string | undefined;
  now(): Date;
  pid: number;
  /** A unique token for staging folder names. */
  token(): string;
  cores: number;
  isTerminal: boolean;
  denoVersion: string;
  /** `<os>-<arch>`, e.g. `linux-x86_64`. */
  os: string;
  /** The command-line arguments. */
  args: string[];
  /** End the process with `code`. */
  exit(code: number): never;
  /** Whether sdp's permission set covers `query` (never prompts). */
  granted(query: PermissionQuery): boolean;
  /** Bytes free for sdp on the file system holding `path`; undefined when the system cannot say. */
  freeBytes(path: string): number | undefined;
  mkdir(path: string): Promise<void>;
  /** Write a new file; fails when it exists. */
  writeNewTextFile(path: string, text: string): Promise<void>;
  /** Append to a file, creating it when absent. */
  appendTextFile(path: string, text: string): Promise<void>;
  readTextFile(path: string): Promise<string>;
  /** Facts about a file; rejects with an error {@link isNotFound} recognises when absent. */
  stat(path: string): Promise<FileFacts>;
  /** Remove a file or folder (recursively when asked); rejects when absent. */
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  /**
   * Confinement of every path to the working directory after resolving links
   * (src/io/sandbox.ts); `main` checks each command's paths through it before
   * the command runs. The process's Io always has one; an in-process test Io
   * without one runs unconfined, like `--allow-all`.
   */
  sandbox?: Sandbox;
}

/** A permission to ask about (the subset of Deno's descriptors sdp uses). */
export type PermissionQuery =
  | { name: "read" | "write"; path: string }
  | { name: "env"; variable: string }
  | { name: "net"; host: string };

/** What the CLI needs to know about a file. */
export interface FileFacts {
  isFile: boolean;
  /** Unix mode bits; null where the system has none. */
  mode: number | null;
}

/** The real Io of this process. */
export function processIo(): Io {
  const enc = new TextEncoder();
  const write = (f: { writeSync(b: Uint8Array): number }, text: string) => {
    const b = enc.encode(terminalSafe(text));
    let off = 0;
    while (off < b.length) off += f.writeSync(b.subarray(off));
  };
  return {
    out: (t) => write(Deno.stdout, t),
    err: (t) => write(Deno.stderr, t),
    env: (name) => Deno.env.get(name),
    now: () => new Date(),
    pid: Deno.pid,
    token: () => `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
    cores: navigator.hardwareConcurrency ?? 1,
    isTerminal: Deno.stderr.isTerminal(),
    denoVersion: Deno.version.deno,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    args: Deno.args,
    exit: (code) => Deno.exit(code),
    granted: (query) => Deno.permissions.querySync(query).state === "granted",
    freeBytes: (path) => {
      try {
        const s = statfsSync(path);
        return s.bavail * s.bsize;
      } catch {
        return undefined; // no statfs here (or not permitted): the run is not refused for it
      }
    },
    mkdir: (path) => Deno.mkdir(path, { recursive: true }),
    writeNewTextFile: (path, text) => Deno.writeTextFile(path, text, { createNew: true }),
    appendTextFile: (path, text) => Deno.writeTextFile(path, text, { append: true }),
    readTextFile: (path) => Deno.readTextFile(path),
    stat: async (path) => {
      const st = await Deno.stat(path);
      return { isFile: st.isFile, mode: st.mode };
    },
    remove: (path, options) => Deno.remove(path, options),
    sandbox: processSandbox(),
  };
}

function processSandbox(): Sandbox | undefined {
  // The walk compares POSIX paths; on Windows only the permission flags apply.
  if (Deno.build.os === "windows") return undefined;
  try {
    return createSandbox();
  } catch {
    return createSandbox(Deno.cwd()); // the working directory cannot be resolved: compare as is
  }
}

/**
 * The output choke point: whatever a command prints, a name, id, slug, path or
 * value from a file cannot steer the terminal. Control characters, C1 codes and
 * bidi overrides are shown escaped; newline and tab stay, and so does a carriage
 * return at the very start of a write (sdp's own progress line redraw).
 */
export function terminalSafe(text: string): string {
  if (text.startsWith("\r")) return `\r${escapeControls(text.slice(1))}`;
  return escapeControls(text);
}

/** Whether `err` says a file does not exist. */
export function isNotFound(err: unknown): err is Error {
  return err instanceof Deno.errors.NotFound;
}

/** The error {@link isNotFound} recognises, for adapters that refuse a path. */
export function notFoundError(message: string): Error {
  return new Deno.errors.NotFound(message);
}

/** Whether `err` is Deno's refusal of an access outside the permission set. */
export function isNotCapable(err: unknown): err is Error {
  return err instanceof Deno.errors.NotCapable;
}

/** Whether `err` is the operating system denying access. */
export function isPermissionDenied(err: unknown): err is Error {
  return err instanceof Deno.errors.PermissionDenied;
}

/**
 * Fail early, before anything is written, when the permission set does not
 * cover a path (the release binary may only touch the working directory).
 */
export function checkAccess(
  io: Io,
  path: string,
  kind: "read" | "write",
  flag: string,
): void {
  if (!io.granted({ name: kind, path })) {
    throw new UsageError(
      `${flag} "${path}" is outside what sdp may ${kind}: the sdp binary reads and writes only inside ` +
        `the working directory. Use a relative path under it (e.g. ${flag} ./${
          path.split("/").filter(Boolean).pop() ?? "dir"
        }) ` +
        `or run sdp from a folder that contains "${path}".`,
    );
  }
}

/**
 * Progress on a terminal: rows done with thousands separators, rate and ETA;
 * nothing when stderr is not a terminal. The rate (and so the ETA) is
 * measured from the stage's first update with rows done, not from its start,
 * so worker start-up does not skew the ETA after the first chunks.
 */
export function progressReporter(io: Io): Progress | undefined {
  if (!io.isTerminal || io.env("SDP_PROGRESS") === "0") return undefined;
  let first = 0;
  let firstDone = 0;
  let last = 0;
  let lastStage = "";
  const grouped = (n: number) => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (stage, done, total) => {
    const t = performance.now();
    if (stage !== lastStage || done === 0) {
      lastStage = stage;
      first = 0;
      if (done === 0) return; // the stage has just begun
    }
    if (first === 0) {
      // The first rows done: the clock for rate and ETA starts here.
      first = t;
      firstDone = done;
    }
    if (t - last < 200 && done < total) return;
    last = t;
    const secs = (t - first) / 1000;
    const rate = secs > 0 ? (done - firstDone) / secs : 0;
    const eta = rate > 0 ? `ETA ${((total - done) / rate).toFixed(1)}s` : "ETA –";
    const pct = total > 0 ? (100 * done / total).toFixed(1) : "100.0";
    io.err(
      `\r${stage.padEnd(9)} ${grouped(done)}/${grouped(total)} rows ${pct}%  ${
        rate > 0 ? `${grouped(rate)} rows/s` : ""
      }  ${done >= total ? "done" : eta}   ` +
        (done >= total ? "\n" : ""),
    );
  };
}
