/**
 * Multi-table generation speed and memory: `deno task bench-multi`.
 *
 * Two datasets with the same child columns, run end to end by the CLI with
 * the release flags (generation, per-table validation and evaluation, the
 * relational validation read back from the files, finalization):
 *
 *   - multi : `accounts` (--parents rows) and `transactions`, Poisson(--lambda)
 *             children per account whose timestamps and amounts read the
 *             account's `opened_at` and `tier`;
 *   - single: one table with the transactions' columns and generators
 *             (account_id drawn uniformly, the timestamp from the same
 *             expression with a local column read instead of the account's
 *             opening date, as many distinct values,
 *             amounts conditional on a local string column) and as many rows as
 *             the multi-table run writes over both tables.
 *
 * Prints wall seconds, rows per second and peak RSS (`/usr/bin/time -f %M`)
 * of each, and the per-row ratio multi / single; with --scales, the multi run
 * at several parent counts to show that peak RSS does not grow with rows.
 *
 * Options: --parents N (default 1000000), --lambda X (10), --workers N (2),
 * --rounds N (1), --scales a,b (parent counts of the RSS sweep, default none),
 * --out FILE (JSON).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ROOT, sdpFlags } from "./common.ts";

/** The release flags, with read access to the worker modules (as bench.ts runs sdp). */
const SDP_FLAGS = await sdpFlags();

const { values } = parseArgs({
  options: {
    parents: { type: "string", default: "1000000" },
    lambda: { type: "string", default: "10" },
    workers: { type: "string", default: "2" },
    rounds: { type: "string", default: "1" },
    scales: { type: "string", default: "" },
    out: { type: "string" },
  },
});
const parents = Number(values.parents);
const lambda = Number(values.lambda);

const CHILD_COLUMNS = (accountId: string, ts: string, amount: string) => `
      txn_id: { type: integer, generator: { kind: sequence, start: 1 } }
      account_id: ${accountId}
      ts:
        type: datetime
        generator: ${ts}
      amount:
        type: float
        constraints: { min: 0.01, max: 100000 }
        generator:
${amount}
      channel:
        type: string
        generator: { kind: categorical, values: [web, app, pos, atm], weights: [0.4, 0.3, 0.2, 0.1] }
      is_online: { type: boolean, generator: { kind: boolean, rate: 0.3 } }
      mcc: { type: integer, constraints: { min: 1000, max: 9999 }, generator: { kind: uniform, min: 1000, max: 9999 } }`;

/** The configs of the multi-table case. */
export function multiConfigs(n: number): Record<string, string> {
  return {
    "dataset.yaml":
      `name: bench_multi\ndescription: accounts and transactions\ntables:\n  accounts: ${n}\n`,
    "schema.yaml": `tables:
  accounts:
    primary_key: [account_id]
    columns:
      account_id: { type: integer, generator: { kind: sequence, start: 1 } }
      opened_at: { type: datetime }
      tier:
        type: string
        generator: { kind: categorical, values: [basic, gold], weights: [0.8, 0.2] }
      country:
        type: string
        generator: { kind: categorical, values: [US, GB, DE, FR], weights: [0.5, 0.2, 0.2, 0.1] }
  transactions:
    primary_key: [txn_id]
    foreign_keys:
      - columns: [account_id]
        references: { table: accounts, columns: [account_id] }
        per_parent: { kind: poisson, lambda: ${lambda}, min: 0, max: ${Math.ceil(lambda * 6 + 20)} }
    cross_checks: ["ts >= accounts.opened_at"]
    columns:${
      CHILD_COLUMNS(
        "{ type: integer }",
        '{ kind: derived, expr: "accounts.opened_at + floor(uniform(0, 365)) * 86400000" }',
        `          kind: conditional
          on: accounts.tier
          cases:
            gold: { kind: lognormal, median: 120, sigma: 1.0, decimals: 2 }
          otherwise: { kind: lognormal, median: 35, sigma: 1.0, decimals: 2 }`,
      )
    }
`,
    "evolution.yaml": "thresholds: { psi: 0.1 }\n",
  };
}

/** The configs of the single-table case. */
export function singleConfigs(rows: number): Record<string, string> {
  return {
    "dataset.yaml": `name: bench_single\ndescription: transactions alone\nrow_count: ${rows}\n`,
    "schema.yaml": `columns:${
      CHILD_COLUMNS(
        `{ type: integer, constraints: { min: 1, max: ${parents} }, generator: { kind: uniform, min: 1, max: ${parents} } }`,
        // The child's expression, reading a local column where it reads the parent's.
        '{ kind: derived, expr: "1672531200000 + (txn_id * 7919 % 31536000) * 1000 + floor(uniform(0, 365)) * 86400000" }',
        `          kind: conditional
          on: channel
          cases:
            atm: { kind: lognormal, median: 120, sigma: 1.0, decimals: 2 }
          otherwise: { kind: lognormal, median: 35, sigma: 1.0, decimals: 2 }`,
      )
    }
`,
    "evolution.yaml": "thresholds: { psi: 0.1 }\n",
  };
}

interface Result {
  case: string;
  rows: number;
  seconds: number;
  rows_per_second: number;
  peak_rss_mb: number;
}

async function run(name: string, configs: Record<string, string>, label: string): Promise<Result> {
  const cwd = `${ROOT}/bench/out/multi-${Deno.pid}-${label}`;
  await Deno.mkdir(`${cwd}/datasets/${name}`, { recursive: true });
  for (const [f, text] of Object.entries(configs)) {
    await Deno.writeTextFile(`${cwd}/datasets/${name}/${f}`, text);
  }
  const stats = `${cwd}/time.txt`;
  const cmd = new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "%e %M",
      "-o",
      stats,
      Deno.execPath(),
      "run",
      "--quiet",
      `--config=${ROOT}/deno.json`,
      ...SDP_FLAGS,
      `${ROOT}/main.ts`,
      "run",
      name,
      "--run-id",
      "v1",
      "--workers",
      values.workers!,
      "--no-space-check",
    ],
    cwd,
    env: { SDP_LOGGING_ENABLED: "false" },
    stdout: "piped",
    stderr: "piped",
  });
  const out = await cmd.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${label}: ${new TextDecoder().decode(out.stderr)}`);
  const [secs, kb] = (await Deno.readTextFile(stats)).trim().split(/\s+/).slice(-2).map(Number);
  const rows = Number(/(\d+) rows in/.exec(text)![1]);
  await Deno.remove(cwd, { recursive: true });
  return {
    case: label,
    rows,
    seconds: secs,
    rows_per_second: Math.round(rows / secs),
    peak_rss_mb: Math.round(kb / 1024),
  };
}

if (import.meta.main) {
  const results: Result[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const multi = await run("bench_multi", multiConfigs(parents), `multi-${parents}`);
    results.push(multi);
    console.log(JSON.stringify(multi));
    const single = await run("bench_single", singleConfigs(multi.rows), `single-${multi.rows}`);
    results.push(single);
    console.log(JSON.stringify(single));
    console.log(
      `per-row time multi / single: ${
        (single.rows_per_second / multi.rows_per_second).toFixed(2)
      }x`,
    );
  }
  for (const n of values.scales ? values.scales.split(",").map(Number) : []) {
    const m = await run("bench_multi", multiConfigs(n), `multi-${n}`);
    results.push(m);
    console.log(JSON.stringify(m));
  }
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(results, null, 2) + "\n");
}
