/**
 * The CLI's window on the world: output streams, environment, clock, ids and
 * terminal facts. main.ts builds the real one; tests may build their own.
 */
import { UsageError } from "../errors.ts";
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
  os: string;
}

/** The real Io of this process. */
export function processIo(): Io {
  const enc = new TextEncoder();
  const write = (f: { writeSync(b: Uint8Array): number }, text: string) => {
    const b = enc.encode(text);
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
  };
}

/**
 * Fail early, before anything is written, when the permission set does not
 * cover a path (the release binary may only touch the working directory).
 */
export function checkAccess(path: string, kind: "read" | "write", flag: string): void {
  const status = Deno.permissions.querySync({ name: kind, path });
  if (status.state !== "granted") {
    throw new UsageError(
      `${flag} "${path}" is outside what sdp may ${kind}: the sdp binary reads and writes only inside ` +
        `the working directory. Use a relative path under it (e.g. ${flag} ./${
          path.split("/").filter(Boolean).pop() ?? "dir"
        }) ` +
        `or run sdp from a folder that contains "${path}".`,
    );
  }
}

/** Progress on a terminal (rows done, rate, ETA); nothing when stderr is not a terminal. */
export function progressReporter(io: Io): Progress | undefined {
  if (!io.isTerminal || io.env("SDP_PROGRESS") === "0") return undefined;
  let started = 0;
  let last = 0;
  let lastStage = "";
  return (stage, done, total) => {
    const t = performance.now();
    if (stage !== lastStage || done === 0) {
      started = t;
      lastStage = stage;
      if (done === 0) return; // the stage has just begun: start its clock
    }
    if (t - last < 200 && done < total) return;
    last = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = total > 0 ? (100 * done / total).toFixed(1) : "100.0";
    io.err(
      `\r${stage.padEnd(9)} ${done}/${total} rows ${pct}%  ${Math.round(rate)} rows/s  ETA ${
        eta.toFixed(1)
      }s   ` +
        (done >= total ? "\n" : ""),
    );
  };
}
