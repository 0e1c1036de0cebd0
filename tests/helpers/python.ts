/**
 * Independent computations in Debian's python3 (numpy, scipy, scikit-learn)
 * for cross-checking sdp's metrics. A test calls {@link python} and skips,
 * saying so, when it returns null (interpreter or a module missing).
 */

/** Debian's interpreter (not a pyenv one earlier on PATH). */
export const PYTHON = "/usr/bin/python3";

const cache = new Map<string, boolean>();

/** Whether `/usr/bin/python3` can import every module in `modules`. */
export async function hasPython(modules: readonly string[]): Promise<boolean> {
  const key = modules.join(",");
  const known = cache.get(key);
  if (known !== undefined) return known;
  let ok = false;
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", `import ${modules.join(", ")}`],
      stdout: "null",
      stderr: "null",
    }).output();
    ok = out.success;
  } catch {
    ok = false;
  }
  cache.set(key, ok);
  return ok;
}

/**
 * Run `script` with `input` as JSON on stdin; its stdout parsed as JSON. Null
 * (after printing why) when python3 or one of `modules` is missing.
 */
export async function python<T>(
  modules: readonly string[],
  script: string,
  input: unknown,
): Promise<T | null> {
  if (!(await hasPython(modules))) {
    console.log(`  skipped: ${PYTHON} with ${modules.join(", ")} is not available`);
    return null;
  }
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(input)));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  if (!out.success) throw new Error(`python failed: ${dec.decode(out.stderr)}`);
  return JSON.parse(dec.decode(out.stdout)) as T;
}
