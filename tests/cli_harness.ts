/**
 * Runs the sdp CLI as a real process with exactly the permission flags the
 * release binary is compiled with (permissions.json), from a given working
 * directory, and captures its exit code, stdout and stderr.
 */
import permissions from "../permissions.json" with { type: "json" };

/** Absolute path of the repository root. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The compile flags, as used by the binary. */
export const COMPILE_FLAGS: readonly string[] = permissions.flags;

/** Result of one CLI process. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `sdp <args>` in `cwd` (a temp dir) with the release permission flags. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; extraFlags?: string[] },
): Promise<CliResult> {
  const [exe, ...flags] = sdpArgv(options.extraFlags);
  const cmd = new Deno.Command(exe, {
    args: [...flags, ...args],
    cwd: options.cwd,
    env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1", ...options.env },
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  });
  const out = await cmd.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * The argv that runs sdp with the release flags (plus `extraFlags`). With
 * `--cached-only` only what is already in the module graph's cache loads: no
 * fetches, no other files. Read access is limited to the working directory by
 * the compile flags, so a read of the source tree or of Deno's cache outside
 * the graph fails the test.
 */
export function sdpArgv(extraFlags: string[] = []): string[] {
  return [
    Deno.execPath(),
    "run",
    "--quiet",
    "--cached-only",
    `--config=${ROOT}/deno.json`,
    ...COMPILE_FLAGS,
    ...extraFlags,
    `${ROOT}/main.ts`,
  ];
}

/** Start `sdp <args>` as a child process (for tests that signal it while it runs). */
export function spawnCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; stderr?: "piped" | "null" },
): Deno.ChildProcess {
  const [exe, ...flags] = sdpArgv();
  return new Deno.Command(exe, {
    args: [...flags, ...args],
    cwd: options.cwd,
    env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1", ...options.env },
    stdout: "null",
    stderr: options.stderr ?? "null",
    stdin: "null",
  }).spawn();
}

/** A fresh empty working directory. */
export function tempDir(prefix = "sdp-test-"): Promise<string> {
  return Deno.makeTempDir({ prefix });
}

/** Every file under `dir` (relative paths, sorted), for "nothing was written" checks. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string, rel: string) {
    for await (const e of Deno.readDir(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        out.push(r + "/");
        await walk(`${d}/${e.name}`, r);
      } else out.push(r);
    }
  }
  await walk(dir, "");
  return out.sort();
}

/** SHA-256 hex of a file. */
export async function sha256File(path: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}
