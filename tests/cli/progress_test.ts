/**
 * Progress: shown on a terminal (rows done, rate, ETA), absent otherwise.
 * A pseudo-terminal comes from util-linux `script`; the test is skipped
 * (with a message) only where `script` is missing.
 */
import assert from "node:assert/strict";
import { runCli, sdpArgv, tempDir } from "../cli_harness.ts";

const script = ["/usr/bin/script", "/bin/script"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "a run shows progress on a terminal and nothing extra when stderr is not one",
  ignore: script === undefined,
  async fn() {
    const cwd = await tempDir();
    const sdp = sdpArgv();
    const cmd = [...sdp, "run", "finance_transactions", "--run-id", "tty", "--rows", "200000"]
      .map((a) => `'${a}'`).join(" ");
    const out = await new Deno.Command(script!, {
      args: ["-qec", cmd, "/dev/null"],
      cwd,
      env: { SDP_LOGGING_ENABLED: "false" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text);
    assert.match(
      text,
      /generate\s+(\d{1,3}(,\d{3})*)\/200,000 rows [\d.]+%\s+[\d,]+ rows\/s\s+ETA [\d.]+s/,
    );
    // Validation and profiling happen as chunks are generated: one stage reaches 100%.
    assert.match(text, /generate\s+200,000\/200,000 rows 100\.0%/);
    assert.match(text, /Finalized finance_transactions tty/);

    // With logging on, a terminal gets short lines for people, one per stage; JSON on request.
    const logged = async (extra: string) =>
      new TextDecoder().decode(
        (await new Deno.Command(script!, {
          args: [
            "-qec",
            `${cmd.replace("'tty'", `'tty${extra ? "j" : "h"}'`)} ${extra}`,
            "/dev/null",
          ],
          cwd,
          env: { SDP_LOGGING_ENABLED: "true" },
          stdout: "piped",
          stderr: "piped",
        }).output()).stdout,
      );
    const human = await logged("");
    assert.match(human, /stage validate done \([\d.]+ s\)/);
    assert.match(human, /stage evaluate done/);
    assert.doesNotMatch(human, /\{"ts":/);
    assert.match(
      await logged("--log-format json"),
      /\{"ts":"[^"]+","level":"INFO","event":"stage_done"/,
    );

    const piped = await runCli([
      "run",
      "finance_transactions",
      "--run-id",
      "pipe",
      "--rows",
      "200000",
    ], { cwd });
    assert.equal(piped.code, 0);
    assert.equal(piped.stderr, "", "no progress when stderr is not a terminal");
  },
});
