/**
 * Builds the release binary with the permission flags from permissions.json.
 *
 *   deno task compile [--target TRIPLE] [--output PATH]
 *   deno run ... tools/compile.ts --preflight
 *
 * `--preflight` runs `deno compile` up to the point where it downloads its base
 * runtime (denort): the whole module graph is resolved and type-checked first.
 * In an environment that cannot download denort (this project's build
 * machines), that download failure is the expected end and is reported as
 * such; any other failure fails.
 */
import permissions from "../permissions.json" with { type: "json" };

/** Extra files the binary needs beyond the static import graph (the encoder workers). */
export const INCLUDES = ["src/parallel/worker.ts"];

/** The full argument list for `deno compile`. */
export function compileArgs(options: { target?: string; output: string }): string[] {
  return [
    "compile",
    ...permissions.flags,
    ...INCLUDES.flatMap((f) => ["--include", f]),
    ...(options.target ? ["--target", options.target] : []),
    "--output",
    options.output,
    "main.ts",
  ];
}

if (import.meta.main) {
  const args = [...Deno.args];
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const preflight = args.includes("--preflight");
  const output = flag("--output") ?? (preflight ? `${Deno.makeTempDirSync()}/sdp` : "sdp");
  const cmd = new Deno.Command(Deno.execPath(), {
    args: compileArgs({ target: flag("--target"), output }),
    stdout: "piped",
    stderr: "piped",
  });
  const res = await cmd.output();
  const text = new TextDecoder().decode(res.stdout) + new TextDecoder().decode(res.stderr);
  if (res.success) {
    console.log(text.trim());
    console.log(`compiled ${output}`);
    Deno.exit(0);
  }
  const download =
    /denort|Download(ing)? .*deno|dl\.deno\.land|failed to (download|fetch)|error sending request/i;
  const typeError = /TS\d{4}|error: Module not found|Relative import path/;
  if (preflight && download.test(text) && !typeError.test(text)) {
    console.log(
      "compile pre-flight ok: graph resolved and type-checked; downloading the denort base runtime " +
        "failed as expected here. The binary itself is built by the release workflow.",
    );
    Deno.exit(0);
  }
  console.error(text.trim());
  Deno.exit(1);
}
