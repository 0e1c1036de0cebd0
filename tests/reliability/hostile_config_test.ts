/**
 * Hostile-config corpus (issue 22): each config is run through the real CLI
 * with the release flags (permissions.json) and must end within a bounded
 * time with the expected exit code (2 for config errors, naming the file or
 * field), a short stderr without a stack trace or "internal error", and
 * nothing left behind. Cases that are legal but extreme (JavaScript built-in
 * column names, a Poisson mean of 1e15) must simply succeed.
 *
 * The cases run a few at a time in one test; the last line logs the counts.
 */
import assert from "node:assert/strict";
import { listTree, sdpArgv, tempDir } from "../cli_harness.ts";

const DATASET = "hostile";
/** Wall-clock bound of one case (process start included, on a loaded 2-core machine). */
const CASE_SECONDS = 40;
/** Longest stderr accepted: messages quote short excerpts only. */
const STDERR_MAX = 6_000;
/** Cases run at once. */
const PARALLEL = 3;

interface Case {
  name: string;
  /** schema.yaml text (or bytes), or the columns block lines under `columns:`. */
  schema?: string | Uint8Array;
  columns?: string[];
  dataset?: string | Uint8Array;
  evolution?: string | Uint8Array;
  rows?: number;
  /** Expected exit code (default 2). */
  code?: number;
  /** Every one must occur in stderr (exit != 0) or stdout (exit 0). */
  says?: (string | RegExp)[];
  /** Run twice (v1 then v2): the second run compares with the first's profile. */
  twice?: boolean;
}

const BUILTIN_NAMES = [
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
];

function datasetYaml(rows: number): string {
  return `name: ${DATASET}\ndomain: test\ndescription: hostile\nrow_count: ${rows}\n`;
}

function schemaOf(columns: string[]): string {
  return ["columns:", ...columns.map((l) => `  ${l}`), ""].join("\n");
}

const nest = (n: number, inner: string) => "(".repeat(n) + inner + ")".repeat(n);

const CASES: Case[] = [
  // --- JavaScript built-in names as column names (legal: must work) ---
  {
    name: "built-in names as columns, checks, missingness, label rates, drift",
    columns: [
      ...BUILTIN_NAMES.filter((n) => n !== "valueOf" && n !== "__proto__").map((n) =>
        `${n}: {type: float, nullable: false, generator: {kind: normal, mean: 10, std: 2}}`
      ),
      "valueOf: {type: boolean, nullable: false}",
      '__proto__: {type: float, nullable: true, generator: {kind: derived, expr: "constructor * 2 + toString"}}',
      "hasOwn: {type: string, nullable: false, generator: {kind: categorical, values: [constructor, __proto__, toString]}}",
    ],
    schema: undefined,
    evolution: [
      "label_rates: {valueOf: 0.2}",
      "missingness: {__proto__: 0.1}",
      "drift:",
      "  - {column: constructor, shift: 0.5}",
      "  - {column: hasOwn, mix: {__proto__: 2, constructor: 1, toString: 1}}",
      "",
    ].join("\n"),
    rows: 2000,
    code: 0,
    twice: true,
  },
  {
    name: "built-in names in checks",
    schema: [
      "columns:",
      "  constructor: {type: integer, nullable: false, generator: {kind: sequence, start: 1}}",
      '  toString: {type: integer, nullable: false, generator: {kind: derived, expr: "constructor + 1"}}',
      "  __proto__: {type: string, nullable: true, generator: {kind: categorical, values: [a, b]}}",
      "  valueOf: {type: string, nullable: false, generator: {kind: categorical, values: [x, y]}}",
      "checks:",
      "  - compare: constructor < toString",
      "  - not_null_when: {column: __proto__, when: {valueOf: [x, y]}}",
      "",
    ].join("\n"),
    code: 0,
  },
  {
    name: "unknown column named constructor in a check",
    schema: schemaOf(["a: {type: integer}"]) + "checks:\n  - compare: a < constructor\n",
    says: ["schema.yaml:", "checks.0.compare", "constructor"],
  },
  {
    name: "missingness on an undeclared hasOwnProperty column",
    columns: ["a: {type: integer, nullable: true}"],
    evolution: "missingness: {hasOwnProperty: 0.1}\n",
    says: ["evolution.yaml:1:", "missingness.hasOwnProperty"],
  },
  {
    name: "threshold named constructor",
    columns: ["a: {type: integer}"],
    evolution: "thresholds: {constructor: 0.1}\n",
    says: ["evolution.yaml:1:", 'unknown key "constructor"'],
  },
  {
    name: "generator key __proto__",
    columns: ["a: {type: float, generator: {kind: normal, mean: 0, std: 1, __proto__: 1}}"],
    says: ["schema.yaml:2:", "__proto__"],
  },
  // --- non-finite and extreme parameters ---
  {
    name: "std: 1e308",
    columns: ["a: {type: float, generator: {kind: normal, mean: 0, std: 1e308}}"],
    says: ["schema.yaml:2:", "columns.a.generator.std"],
  },
  {
    name: "std: 1e99 on an integer column",
    columns: ["a: {type: integer, generator: {kind: normal, mean: 0, std: 1e99}}"],
    says: ["schema.yaml:2:", "columns.a.generator", "integer column"],
  },
  {
    name: "lognormal sigma: 1e15",
    columns: ["a: {type: float, generator: {kind: lognormal, mu: 0, sigma: 1e15}}"],
    says: ["schema.yaml:2:", "columns.a.generator", "lognormal reaches"],
  },
  {
    name: "mean: .inf",
    columns: ["a: {type: float, generator: {kind: normal, mean: .inf, std: 1}}"],
    says: ["schema.yaml:2:", "columns.a.generator.mean"],
  },
  {
    name: "std: .nan",
    columns: ["a: {type: float, generator: {kind: normal, mean: 0, std: .nan}}"],
    says: ["schema.yaml:2:", "columns.a.generator.std"],
  },
  {
    name: "exponential mean: 1e-320",
    columns: ["a: {type: float, generator: {kind: exponential, mean: 1e-320}}"],
    says: ["schema.yaml:2:", "columns.a.generator.mean"],
  },
  {
    name: "constraint max: 1e300",
    columns: ["a: {type: float, constraints: {max: 1e300}}"],
    says: ["schema.yaml:2:", "columns.a.constraints.max"],
  },
  {
    name: "categorical weights of 1e308",
    columns: [
      "a: {type: string, generator: {kind: categorical, values: [x, y], weights: [1e308, 1e308]}}",
    ],
    says: ["schema.yaml:2:", "columns.a.generator.weights"],
  },
  {
    name: "derived 1/0 on a non-nullable column",
    columns: ['a: {type: float, nullable: false, generator: {kind: derived, expr: "1/0"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "always evaluates to null"],
  },
  {
    name: "derived log(-1)",
    columns: ['a: {type: float, nullable: true, generator: {kind: derived, expr: "log(-1)"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "NaN"],
  },
  {
    name: "derived exp(1000)",
    columns: ['a: {type: float, generator: {kind: derived, expr: "exp(1000)"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "Infinity"],
  },
  {
    name: "derived exp of a column overflows at run time",
    columns: [
      "x: {type: float, generator: {kind: uniform, min: 500, max: 1000}}",
      'a: {type: float, generator: {kind: derived, expr: "exp(x)"}}',
    ],
    says: ["schema.yaml:3:", "columns.a.generator", "Infinity at row 0"],
  },
  {
    // Enough chunks for encoder workers: the error crosses the worker boundary as a config error.
    name: "derived exp of a column overflows at run time in the encoder workers",
    columns: [
      "x: {type: float, generator: {kind: uniform, min: 500, max: 1000}}",
      'a: {type: float, generator: {kind: derived, expr: "exp(x)"}}',
    ],
    rows: 3_000_000,
    says: ["schema.yaml:3:", "columns.a.generator", "Infinity at row"],
  },
  {
    name: "derived product beyond float range at run time",
    columns: [
      "x: {type: float, generator: {kind: uniform, min: 1, max: 2}}",
      'a: {type: float, generator: {kind: derived, expr: "x * 1e100 * 1e100"}}',
    ],
    says: ["schema.yaml:3:", "columns.a.generator", "outside what a float column holds"],
  },
  {
    name: "derived on an integer column beyond 2^53",
    columns: [
      "x: {type: integer, generator: {kind: uniform, min: 1, max: 9}}",
      'a: {type: integer, generator: {kind: derived, expr: "x * 1e17"}}',
    ],
    says: ["columns.a.generator", "integer column"],
  },
  {
    name: "expression nested 50,000 deep",
    columns: ['a: {type: float, generator: {kind: derived, expr: "' + nest(50_000, "1") + '"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "characters long"],
  },
  {
    name: "expression nested 3,000 deep",
    columns: ['a: {type: float, generator: {kind: derived, expr: "' + nest(3_000, "1") + '"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "nested more than 256"],
  },
  {
    name: "expression chain of 3,000 additions",
    columns: [
      "x: {type: float}",
      'a: {type: float, generator: {kind: derived, expr: "' + Array(3000).fill("x").join("+") +
      '"}}',
    ],
    says: ["schema.yaml:3:", "columns.a.generator.expr", "deep"],
  },
  {
    name: "expression of 4,000 prefix minus signs",
    columns: ['a: {type: float, generator: {kind: derived, expr: "' + "-".repeat(4000) + '1"}}'],
    says: ["schema.yaml:2:", "columns.a.generator.expr", "nested more than 256"],
  },
  {
    name: "sequence step: 1e308",
    columns: ["a: {type: float, generator: {kind: sequence, start: 0, step: 1e308}}"],
    says: ["schema.yaml:2:", "columns.a.generator.step"],
  },
  {
    name: "sequence step: 1e12 on an integer column",
    columns: ["a: {type: integer, generator: {kind: sequence, start: 0, step: 1000000000000}}"],
    rows: 100_000,
    says: ["schema.yaml:2:", "columns.a.generator", "beyond what an integer column holds"],
  },
  {
    name: "sequence start: 9e15 on an integer column",
    columns: ["a: {type: integer, generator: {kind: sequence, start: 9007199254740000}}"],
    rows: 2000,
    says: ["schema.yaml:2:", "columns.a.generator"],
  },
  {
    name: "datetime sequence stepping beyond year 9999",
    columns: ["t: {type: datetime, generator: {kind: sequence, start: 0, step: 100000000000000}}"],
    rows: 1000,
    says: ["schema.yaml:2:", "columns.t.generator", "datetime column"],
  },
  {
    name: "datetime start in year 99999",
    columns: ['t: {type: datetime, generator: {kind: datetime, start: "99999-01-01"}}'],
    says: ["schema.yaml:2:", "columns.t.generator.start"],
  },
  {
    name: "row_count: 1e15",
    columns: ["a: {type: integer}"],
    dataset: datasetYaml(1e15),
    says: ["dataset.yaml:4:", "row_count", "2^40"],
  },
  {
    name: "row_count: 1e300",
    columns: ["a: {type: integer}"],
    dataset: `name: ${DATASET}\nrow_count: 1e300\n`,
    says: ["dataset.yaml:2:", "row_count"],
  },
  {
    name: "poisson lambda 1e15 (legal: bounded time)",
    columns: ["a: {type: float, generator: {kind: poisson, lambda: 1e15}}"],
    rows: 5000,
    code: 0,
  },
  {
    name: "poisson lambda 1e6 on an integer column with bounds",
    columns: [
      "a: {type: integer, constraints: {min: 0, max: 1001000}, generator: {kind: poisson, lambda: 1000000}}",
    ],
    rows: 5000,
    code: 0,
  },
  {
    name: "poisson lambda 1e99 on an integer column",
    columns: ["a: {type: integer, generator: {kind: poisson, lambda: 1e99}}"],
    says: ["schema.yaml:2:", "columns.a.generator", "integer column"],
  },
  // --- regular expressions (catastrophic patterns: src/config/pattern_test.ts) ---
  // Each value is 40 characters that almost match: a backtracking matcher takes
  // about 2^40 steps per value; the validator's linear-time matcher finishes.
  ...[
    ["(a*)*b", "a{40}"],
    ["(x+x+)+y", "x{40}"],
    ["(a|a)*b", "a{40}"],
    ["(a|aa)+c", "a{40}"],
  ].map(([pattern, values]): Case => ({
    name: `catastrophic constraint pattern ${pattern} on ${values} values (validation fails fast)`,
    columns: [
      `s: {type: string, constraints: {pattern: "${pattern}"}, generator: {kind: regex, pattern: "${values}"}}`,
    ],
    rows: 300,
    code: 1,
    says: ["s", "pattern"],
  })),
  {
    name: "catastrophic-looking constraint pattern that matches (legal)",
    columns: [
      's: {type: string, constraints: {pattern: "(a|a)*(b*)*"}, generator: {kind: regex, pattern: "a{40}"}}',
    ],
    rows: 300,
    code: 0,
  },
  {
    name: "constraint pattern with a backreference",
    columns: ['s: {type: string, constraints: {pattern: "(a+)\\\\1"}}'],
    says: ["schema.yaml:2:", "columns.s.constraints.pattern", "backreference"],
  },
  {
    name: "constraint pattern with a lookahead",
    columns: ['s: {type: string, constraints: {pattern: "(?=a)\\\\w+"}}'],
    says: ["schema.yaml:2:", "columns.s.constraints.pattern", "lookaround"],
  },
  {
    name: "regex generator ((a{1000}){1000}){1000}",
    columns: ['s: {type: string, generator: {kind: regex, pattern: "((a{1000}){1000}){1000}"}}'],
    says: ["schema.yaml:2:", "columns.s.generator.pattern", "limit of 1000"],
  },
  {
    name: "regex generator (a{0,1000}){1000}",
    columns: ['s: {type: string, generator: {kind: regex, pattern: "(a{0,1000}){1000}"}}'],
    says: ["schema.yaml:2:", "columns.s.generator.pattern"],
  },
  {
    name: "regex generator of empty repeats nested 1000^3",
    columns: [
      's: {type: string, generator: {kind: regex, pattern: "(((a{0}){1000}){1000}){1000}"}}',
    ],
    says: ["schema.yaml:2:", "columns.s.generator.pattern", "steps"],
  },
  {
    name: "regex generator max_length: 1e9",
    columns: [
      's: {type: string, generator: {kind: regex, pattern: "a{1000}", max_length: 1000000000}}',
    ],
    says: ["schema.yaml:2:", "columns.s.generator.max_length"],
  },
  {
    name: "regex generator raised by max_length (legal)",
    columns: [
      's: {type: string, constraints: {max_length: 3000}, generator: {kind: regex, pattern: "(a{1000}){3}"}}',
    ],
    rows: 500,
    code: 0,
  },
  {
    name: "template doubling chain",
    columns: [
      's0: {type: string, generator: {kind: regex, pattern: "a{600}"}}',
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `s${
            i + 1
          }: {type: string, generator: {kind: template, template: "{col:s${i}}{col:s${i}}"}}`,
      ),
    ],
    says: ["schema.yaml:3:", "columns.s1.generator", "more than the limit of 1000"],
  },
  // --- YAML ---
  {
    name: "!!js/function tag",
    columns: ['a: {type: float, generator: !!js/function "function () { return 1 }"}'],
    says: ["schema.yaml:2:", "js/function"],
  },
  {
    name: "!!python/object tag",
    schema: "columns: !!python/object:os.system\n  a: {type: integer}\n",
    says: ["schema.yaml:2:", "python/object"],
  },
  {
    name: "custom !tag",
    columns: ["a: {type: !custom integer}"],
    says: ["schema.yaml:2:", "!custom"],
  },
  {
    name: "anchors and aliases (billion laughs)",
    schema: [
      "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
      ...Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [*a${i}, *a${i}, *a${i}]`),
      "columns: {a: {type: integer}}",
      "",
    ].join("\n"),
    says: ["schema.yaml:1:", "anchors"],
  },
  {
    name: "invalid UTF-8",
    schema: new Uint8Array([
      ...new TextEncoder().encode('columns:\n  a: {type: integer, description: "'),
      0xff,
      0xfe,
      0xc3,
      ...new TextEncoder().encode('"}\n'),
    ]),
    says: ["schema.yaml:2:", "UTF-8"],
  },
  {
    name: "YAML nested 50,000 levels",
    schema: "columns: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n",
    says: ["schema.yaml"],
  },
  {
    name: "5 MB unknown key",
    columns: [`a: {type: integer, ${"k".repeat(5_000_000)}: 1}`],
    says: ["schema.yaml:2:", "unknown key", "5000000 characters"],
  },
  {
    name: "5 MB column type",
    columns: [`a: {type: ${"t".repeat(5_000_000)}}`],
    says: ["schema.yaml:2:", "columns.a.type"],
  },
  {
    name: "NUL bytes",
    schema: new Uint8Array(1_000_000),
    says: ["schema.yaml"],
  },
];

/** `sdp <args>` in `cwd`, killed after {@link CASE_SECONDS} (exit code -1 then). */
async function runBounded(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [exe, ...flags] = sdpArgv();
  const child = new Deno.Command(exe, {
    args: [...flags, ...args],
    cwd,
    env: { SDP_LOGGING_ENABLED: "false", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, CASE_SECONDS * 1000);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return {
    code: killed ? -1 : out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

async function writeCase(dir: string, c: Case): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const write = (f: string, v: string | Uint8Array) =>
    typeof v === "string" ? Deno.writeTextFile(`${dir}/${f}`, v) : Deno.writeFile(`${dir}/${f}`, v);
  await write("dataset.yaml", c.dataset ?? datasetYaml(c.rows ?? 200));
  await write("schema.yaml", c.schema ?? schemaOf(c.columns ?? []));
  await write("evolution.yaml", c.evolution ?? "");
}

/** Run one case; returns a failure message, or undefined when it held. */
async function runCase(c: Case): Promise<string | undefined> {
  const cwd = await tempDir("sdp-hostile-");
  try {
    await writeCase(`${cwd}/datasets/${DATASET}`, c);
    const before = await listTree(cwd);
    const expected = c.code ?? 2;
    for (const id of c.twice ? ["v1", "v2"] : ["v1"]) {
      const t0 = performance.now();
      const r = await runBounded(["run", DATASET, "--run-id", id], cwd);
      const secs = (performance.now() - t0) / 1000;
      const out = expected === 0 ? r.stdout : r.stderr;
      const problems: string[] = [];
      if (r.code !== expected) problems.push(`exit ${r.code}, expected ${expected}`);
      if (secs > CASE_SECONDS) problems.push(`took ${secs.toFixed(1)} s`);
      if (r.stderr.length > STDERR_MAX) problems.push(`stderr of ${r.stderr.length} chars`);
      if (/internal error|\n\s+at /.test(r.stderr)) problems.push("internal error or stack trace");
      for (const s of c.says ?? []) {
        const hit = typeof s === "string" ? out.includes(s) : s.test(out);
        if (!hit) problems.push(`does not say ${s}`);
      }
      if (expected === 2) {
        // A run that stops removes the folders it made (runs/, runs/<dataset>/) too.
        const left = (await listTree(cwd)).filter((f) => !before.includes(f));
        if (left.length > 0) problems.push(`left ${left.join(", ")} behind`);
      }
      if (problems.length > 0) {
        return `${c.name} (${id}): ${problems.join("; ")}\n  stderr: ${r.stderr.slice(0, 600)}`;
      }
    }
    return undefined;
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("hostile configs: bounded time, exit 2 naming the field, nothing left behind", async () => {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < CASES.length) {
      const c = CASES[next++];
      const f = await runCase(c);
      if (f !== undefined) failures.push(f);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  console.log(
    `hostile configs: ${CASES.length} cases tried, ${CASES.length - failures.length} held`,
  );
  assert.deepEqual(failures, []);
});
