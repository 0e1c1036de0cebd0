/**
 * Shared pieces of the registry reliability tests: a template working folder
 * with finalized versions (made once, copied per case), the invariants every
 * attacked working folder must satisfy afterwards, and strace fault injection.
 */
import assert from "node:assert/strict";
import { runCli, sdpArgv, tempDir } from "../cli_harness.ts";

/** The dataset every case uses (built in). */
export const DS = "finance_transactions";

let template: Promise<string> | undefined;

/** A working folder holding versions v1 and v2 of {@link DS} (copied from a template made once). */
export async function workdir(): Promise<string> {
  template ??= (async () => {
    const t = await tempDir("sdp-rel-template-");
    for (const v of ["v1", "v2"]) {
      const r = await runCli(["run", DS, "--run-id", v, "--rows", "2000"], { cwd: t });
      assert.equal(r.code, 0, r.stderr);
    }
    return t;
  })();
  const src = await template;
  const dst = await tempDir("sdp-rel-");
  await copyInto(src, dst);
  return dst;
}

/** Copy the contents of `src` into the existing folder `dst` (modes kept). */
export async function copyInto(src: string, dst: string): Promise<void> {
  const out = await new Deno.Command("cp", { args: ["-a", `${src}/.`, dst] }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** The registry document of `cwd`, parsed. */
export async function registryOf(cwd: string): Promise<RegistryDoc> {
  return JSON.parse(await Deno.readTextFile(`${cwd}/registry/datasets.json`));
}

/** The registry as the tests see it. */
export interface RegistryDoc {
  format: number;
  datasets: Record<string, { versions: { version: string; content_hash: string }[] }>;
  withheld?: Record<
    string,
    { version: string; content_hash: string; withheld_because: string[] }[]
  >;
}

/** Names of the version folders of {@link DS} (no dot or underscore folders). */
export async function versionFolders(cwd: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${cwd}/runs/${DS}`)) {
      if (e.isDirectory && !e.name.startsWith(".") && !e.name.startsWith("_")) out.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/** Files next to the registry other than the registry and its lock. */
export async function registrySideFiles(cwd: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${cwd}/registry`)) {
      if (e.name !== "datasets.json" && e.name !== "datasets.json.lock") out.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/**
 * After an attack, the next commands see a consistent world: `list` works and
 * lists exactly the version folders (settling any interrupted finalization
 * loudly), every listed version verifies against the registry, and no intent
 * or temp file is left. Returns the listed versions and whether one was recovered.
 */
export async function assertConsistent(
  cwd: string,
  label: string,
): Promise<{ listed: string[]; recovered: boolean }> {
  const list = await runCli(["list", "--json"], { cwd });
  assert.equal(list.code, 0, `${label}: list failed: ${list.stderr}`);
  assert.ok(!/internal error/.test(list.stderr), `${label}: ${list.stderr}`);
  const listed: string[] =
    (JSON.parse(list.stdout) as { dataset: string; versions: { version: string }[] }[])
      .find((d) => d.dataset === DS)!.versions.map((v) => v.version).sort();
  const folders = await versionFolders(cwd);
  assert.deepEqual(listed, folders, `${label}: listed versions differ from the version folders`);
  const verify = await runCli(["verify", DS, "--all", "--json"], { cwd });
  assert.equal(verify.code, 0, `${label}: verify failed: ${verify.stdout}${verify.stderr}`);
  assert.deepEqual(await registrySideFiles(cwd), [], `${label}: files left next to the registry`);
  const recovered = /is now listed/.test(list.stderr);
  if (recovered) assert.match(list.stderr, /finance_transactions" "[^"]+"/, label);
  return { listed, recovered };
}

/** Whether strace can run here. */
export async function straceUsable(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("strace", {
      args: ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "true"],
    }).output();
    return out.code === 0 ? undefined : `strace failed: ${new TextDecoder().decode(out.stderr)}`;
  } catch (err) {
    return `strace is not installed (${(err as Error).message})`;
  }
}

/** Syscalls that rename (glibc uses any of them). */
export const RENAMES = "rename,renameat,renameat2";

/**
 * Run `sdp <args>` in `cwd` under strace with `inject` (e.g.
 * `rename,renameat,renameat2:signal=KILL:when=2`), tracing only `trace`.
 */
export async function runUnderStrace(
  args: string[],
  options: { cwd: string; trace: string; inject?: string; log?: string; paths?: string[] },
): Promise<{ code: number; stderr: string }> {
  // No --seccomp-bpf: with it, strace 6 ignores -P when injecting.
  const strace = ["-f", "-qq", "-o", options.log ?? "/dev/null"];
  // Only calls on these paths (relative to cwd, and absolute) are traced and injected.
  const real = await Deno.realPath(options.cwd);
  for (const p of options.paths ?? []) strace.push("-P", p, "-P", `${real}/${p}`);
  strace.push("-e", `trace=${options.trace}`);
  if (options.inject) strace.push("-e", `inject=${options.inject}`);
  const out = await new Deno.Command("strace", {
    args: [...strace, ...sdpArgv(), ...args],
    cwd: options.cwd,
    env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** How many calls of `trace` a successful `sdp <args>` makes (counted from a strace log). */
export async function countCalls(
  args: string[],
  options: { cwd: string; trace: string },
): Promise<number> {
  const log = `${await Deno.makeTempDir()}/strace.log`;
  const r = await runUnderStrace(args, { ...options, log });
  assert.equal(r.code, 0, r.stderr);
  const names = options.trace.split(",");
  const text = await Deno.readTextFile(log);
  return text.split("\n").filter((l) =>
    names.some((n) => new RegExp(`(^|\\s)${n}\\(`).test(l)) && !/resumed>/.test(l)
  ).length;
}
