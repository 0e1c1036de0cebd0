/**
 * Message safety under attack: terminal escape sequences (ESC[2J, OSC 8
 * links, BEL, carriage return, C1 CSI, bidi U+202E) in dataset names, version
 * ids, slugs, file names and column names are never echoed raw by any
 * command; and error messages stay bounded (a 50 MB YAML scalar, 60 MB of
 * NUL bytes, invalid UTF-8, a 5 MB CSV header) with exit code 2 and nothing
 * written.
 */
import assert from "node:assert/strict";
import { listTree, runCli, tempDir } from "../cli_harness.ts";
import { boundMessage, escapeControls, excerpt, formatProblem } from "../../src/errors.ts";
import { terminalSafe } from "../../src/cli/io.ts";
import { boundLogLine, printable } from "../../src/cli/shared.ts";

const DS = "finance_transactions";
/** Every kind of hostile sequence in one string. */
const EVIL =
  "e\x1b[2J\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07\rX\u202Egnp.exe\x9b31m\x07\x7f";
/** The same, usable as one file name. */
const EVIL_FILE = EVIL.replaceAll("/", "_");
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function assertTerminalSafe(text: string, what: string): void {
  const m = UNSAFE.exec(text);
  assert.ok(
    m === null,
    `${what}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, "0")} in ${
      JSON.stringify(text.slice(0, 400))
    }`,
  );
}

Deno.test("escapeControls shows every steering character as an escape", () => {
  assert.equal(escapeControls("a\x1b[2Jb"), "a\\x1b[2Jb");
  assert.equal(escapeControls("x\u202Ey\u2066z"), "x\\u202ey\\u2066z");
  assert.equal(escapeControls("\x9b31m\x07\r\x7f"), "\\u009b31m\\x07\\x0d\\u007f");
  assert.equal(escapeControls("line\n\tnext"), "line\n\tnext");
  assert.equal(escapeControls("line\n", { keepLayout: false }), "line\\x0a");
  assert.equal(escapeControls("\ud800x"), "\\ud800x");
  assert.equal(escapeControls("Zoë 😀 ok"), "Zoë 😀 ok");
  assertTerminalSafe(escapeControls(EVIL), "escapeControls");
});

Deno.test("excerpt and printable: short and escaped", () => {
  const long = "root:x:0:0:root:/root:/bin/bash\n".repeat(100);
  const e = excerpt(long);
  assert.ok(e.length < 120, e);
  assert.match(e, /… \(\d+ more chars\)$/);
  assert.ok(!e.includes("\n"));
  const p = printable(EVIL);
  assertTerminalSafe(p, "printable");
  assert.ok(printable("x".repeat(10_000)).length < 200);
});

Deno.test("boundMessage: quoted parts shortened, 4 KiB at most, controls escaped", () => {
  const scalar = "a".repeat(50_000_000);
  const m = boundMessage(`schema.yaml:1:1: expected a mapping, got the string "${scalar}"`);
  assert.ok(new TextEncoder().encode(m).length <= 4096, `${m.length}`);
  assert.match(m, /"a{160}"… \(\d+ more chars\)$/);
  const nul = boundMessage(`bad header ${"\0".repeat(60_000_000)}`);
  assert.ok(new TextEncoder().encode(nul).length <= 4096);
  assert.match(nul, /… \(\d+ more bytes\)$/);
  assertTerminalSafe(nul, "NUL message");
  const multi = boundMessage("é".repeat(5000));
  assert.ok(new TextEncoder().encode(multi).length <= 4096);
  assert.ok(!multi.includes("\ufffd"), "a character was split");
  assert.equal(boundMessage('short "quoted" message'), 'short "quoted" message');
  const prose = `no access to "X": ${"word ".repeat(60)}, or pass "a" and "b"`;
  assert.equal(boundMessage(prose), prose, "text between quoted parts is not a quoted part");
  const esc = boundMessage(`got "${"\\\\".repeat(200)}"`);
  assert.match(esc, /^got "(\\\\)+"… /);
  assertTerminalSafe(boundMessage(EVIL), "boundMessage");
});

Deno.test("formatProblem quotes at most a short excerpt of file content", () => {
  const text = formatProblem({
    loc: { file: "datasets/x/dataset.yaml", line: 1, col: 1 },
    field: "",
    message: `expected a mapping, got the string ${
      JSON.stringify("root:x:0:0:...\n".repeat(1000))
    }`,
  });
  assert.ok(text.length < 500, text);
  assert.match(text, /more chars\)/);
});

Deno.test("terminalSafe keeps sdp's own progress redraw, escapes a hostile one", () => {
  assert.equal(terminalSafe("\rgenerate 1/2 rows"), "\rgenerate 1/2 rows");
  assert.equal(terminalSafe("name a\rb\n"), "name a\\x0db\n");
  assertTerminalSafe(terminalSafe(`Finalized ${EVIL}\n`), "terminalSafe");
});

Deno.test("boundLogLine keeps a log line bounded and valid JSON", () => {
  const line = JSON.stringify({ event: "error", message: "x".repeat(1_000_000) }) + "\n";
  const b = boundLogLine(line);
  assert.ok(b.length < 1000);
  assert.equal(JSON.parse(b).event, "error");
  assert.equal(boundLogLine('{"a":1}\n'), '{"a":1}\n');
});

const results: { name: string; held: boolean }[] = [];

async function attempt(name: string, fn: () => Promise<void>): Promise<void> {
  let held = false;
  try {
    await fn();
    held = true;
  } finally {
    results.push({ name, held });
  }
}

/** Hostile values in every echo point: each command's output stays terminal-safe. */
const ECHOES: [string, (cwd: string) => Promise<string[]>][] = [
  ["unknown command", () => Promise.resolve([EVIL])],
  ["run: dataset name", () => Promise.resolve(["run", EVIL])],
  ["run: --run-id", () => Promise.resolve(["run", DS, "--run-id", EVIL])],
  ["run: --format", () => Promise.resolve(["run", DS, "--format", EVIL])],
  [
    "run: --runs-dir with escapes",
    () => Promise.resolve(["run", DS, "--rows", "50", "--runs-dir", `r${EVIL}`]),
  ],
  ["init: name", () => Promise.resolve(["init", EVIL])],
  ["list: --registry path", () => Promise.resolve(["list", "--registry", `${EVIL}/datasets.json`])],
  ["verify: dataset name", () => Promise.resolve(["verify", EVIL])],
  ["verify: version", () => Promise.resolve(["verify", DS, EVIL])],
  ["diff: dataset name", () => Promise.resolve(["diff", EVIL, "v1", "v2"])],
  ["diff: version", () => Promise.resolve(["diff", DS, "v1", EVIL])],
  [
    "assemble: dataset name",
    () => Promise.resolve(["assemble", EVIL, "--run-id", "v1", "--parts-dir", "p"]),
  ],
  [
    "assemble: --run-id",
    () => Promise.resolve(["assemble", DS, "--run-id", EVIL, "--parts-dir", "p"]),
  ],
  [
    "assemble: --parts-dir",
    () => Promise.resolve(["assemble", DS, "--run-id", "v1", "--parts-dir", EVIL]),
  ],
  ["publish: slug", () => Promise.resolve(["publish", DS, "--kaggle", `alice/${EVIL}`])],
  ["publish: owner", () => Promise.resolve(["publish", DS, "--kaggle", `${EVIL}/slug`])],
  ["publish: dataset name", () => Promise.resolve(["publish", EVIL, "--kaggle", "a/b"])],
  ["publish: version", () => Promise.resolve(["publish", DS, EVIL, "--kaggle", "a/b"])],
  ["ingest: --dataset", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in.csv`, "id\n1\n");
    return ["ingest", "in.csv", "--dataset", EVIL];
  }],
  ["ingest: --run-id", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in.csv`, "id\n1\n");
    return ["ingest", "in.csv", "--dataset", "people", "--run-id", EVIL];
  }],
  [
    "ingest: missing file name",
    () => Promise.resolve(["ingest", `${EVIL}.csv`, "--dataset", "people"]),
  ],
  ["ingest: file name (a successful ingest)", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in${EVIL_FILE}.csv`, "id,name\n1,a\n2,b\n");
    return ["ingest", `in${EVIL_FILE}.csv`, "--dataset", "people", "--run-id", "v1"];
  }],
  ["ingest: column name in the CSV header", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in.csv`, `id,${EVIL}\n1,a\n`);
    return ["ingest", "in.csv", "--dataset", "people", "--run-id", "v1"];
  }],
  ["ingest: value in a CSV cell with a declared schema", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in.csv`, `id\n${EVIL}\n`);
    await Deno.writeTextFile(`${cwd}/s.yaml`, "columns:\n  id: {type: integer}\n");
    return ["ingest", "in.csv", "--dataset", "people", "--schema", "s.yaml"];
  }],
  ["run: a config value with escapes", async (cwd) => {
    await Deno.mkdir(`${cwd}/datasets/shop`, { recursive: true });
    await Deno.writeTextFile(
      `${cwd}/datasets/shop/dataset.yaml`,
      `name: ${JSON.stringify(EVIL)}\n`,
    );
    await Deno.writeTextFile(
      `${cwd}/datasets/shop/schema.yaml`,
      `columns: {${JSON.stringify(EVIL)}: {type: nope}}\n`,
    );
    await Deno.writeTextFile(`${cwd}/datasets/shop/evolution.yaml`, "");
    return ["run", "shop"];
  }],
];

for (const [name, setup] of ECHOES) {
  Deno.test(`hostile echo: ${name}`, async () => {
    await attempt(`echo: ${name}`, async () => {
      const cwd = await tempDir();
      const args = await setup(cwd);
      const r = await runCli(args, { cwd, env: { SDP_LOGGING_ENABLED: "true" } });
      assertTerminalSafe(r.stdout, `${name}: stdout`);
      assertTerminalSafe(r.stderr, `${name}: stderr`);
      assert.ok(r.stderr.length < 64 * 1024, `${name}: ${r.stderr.length} chars of stderr`);
      await Deno.remove(cwd, { recursive: true });
    });
  });
}

/** Oversized or garbage files: exit 2, stderr bounded, nothing written. */
const FILES: [string, (cwd: string) => Promise<string[]>][] = [
  ["a 50 MB YAML scalar as schema.yaml", async (cwd) => {
    await scaffold(cwd);
    await writeBig(`${cwd}/datasets/shop/schema.yaml`, 50 << 20, 0x61);
    return ["run", "shop"];
  }],
  ["a 20 MB quoted YAML name in dataset.yaml", async (cwd) => {
    await scaffold(cwd);
    const f = await Deno.open(`${cwd}/datasets/shop/dataset.yaml`, { write: true, truncate: true });
    await f.write(new TextEncoder().encode('name: "'));
    await f.write(new Uint8Array(20 << 20).fill(0x62));
    await f.write(new TextEncoder().encode('"\nrow_count: 10\n'));
    f.close();
    return ["run", "shop"];
  }],
  ["60 MB of NUL bytes as dataset.yaml", async (cwd) => {
    await scaffold(cwd);
    await writeBig(`${cwd}/datasets/shop/dataset.yaml`, 60 << 20, 0);
    return ["run", "shop"];
  }],
  ["invalid UTF-8 in schema.yaml", async (cwd) => {
    await scaffold(cwd);
    const bytes = new Uint8Array(4096).map((_, i) => [0xff, 0xfe, 0xc3, 0x28, 0x1b][i % 5]);
    await Deno.writeFile(`${cwd}/datasets/shop/schema.yaml`, bytes);
    return ["run", "shop"];
  }],
  ["20 MB of NUL bytes as the ingest input", async (cwd) => {
    await writeBig(`${cwd}/in.csv`, 20 << 20, 0);
    return ["ingest", "in.csv", "--dataset", "people"];
  }],
  ["a 5 MB CSV header cell with escapes", async (cwd) => {
    await Deno.writeTextFile(`${cwd}/in.csv`, `id,${"\x1b[2J".repeat(1_300_000)}\n1,2\n`);
    return ["ingest", "in.csv", "--dataset", "people", "--schema", "s.yaml"];
  }],
  ["invalid UTF-8 in the ingest input", async (cwd) => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => [0x61, 0xff, 0x2c, 0xc3, 0x0a][i % 5]);
    await Deno.writeFile(`${cwd}/in.csv`, bytes);
    return ["ingest", "in.csv", "--dataset", "people"];
  }],
];

async function scaffold(cwd: string): Promise<void> {
  const r = await runCli(["init", "shop"], { cwd });
  assert.equal(r.code, 0, r.stderr);
}

async function writeBig(path: string, size: number, byte: number): Promise<void> {
  await Deno.writeFile(path, new Uint8Array(size).fill(byte));
}

for (const [name, setup] of FILES) {
  Deno.test(`bounded message: ${name}`, async () => {
    await attempt(`file: ${name}`, async () => {
      const cwd = await tempDir();
      const args = await setup(cwd);
      if (name.includes("header")) {
        await Deno.writeTextFile(`${cwd}/s.yaml`, "columns:\n  id: {type: integer}\n");
      }
      const before = await listTree(cwd);
      const r = await runCli(args, { cwd });
      assert.equal(r.code, 2, `${name}: exit ${r.code}: ${r.stderr.slice(0, 2000)}`);
      assert.ok(
        new TextEncoder().encode(r.stderr).length <= 4200,
        `${name}: ${r.stderr.length} chars of stderr`,
      );
      assertTerminalSafe(r.stderr, name);
      assert.deepEqual(await listTree(cwd), before, `${name}: something was written`);
      await Deno.remove(cwd, { recursive: true });
    });
  });
}

Deno.test({
  name: "message attacks: every one held (summary)",
  fn() {
    const held = results.filter((r) => r.held).length;
    console.log(`message attacks: ${results.length} tried, ${held} held`);
    assert.equal(held, results.length, results.filter((r) => !r.held).map((r) => r.name).join());
  },
});
