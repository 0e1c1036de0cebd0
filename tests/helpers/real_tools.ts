/**
 * The real tools whose files sdp must read: Debian's python3 with pandas, R
 * with modeldata, PostgreSQL 15 and DuckDB. Each finder returns null when the
 * tool is missing, so a test can say it was skipped (`.ci/run` installs them).
 */
import { DuckDBInstance } from "@duckdb/node-api";

/** Debian's python3 (not a pyenv shim), which has the Debian pandas/numpy/scipy. */
export const DEBIAN_PYTHON = "/usr/bin/python3";
const PG_BIN = "/usr/lib/postgresql/15/bin";

async function ok(cmd: string, args: string[]): Promise<boolean> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** Run a command; throws with its stderr when it fails. Returns stdout. */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; stdin?: string } = {},
): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const r = await child.output();
  const dec = new TextDecoder();
  if (!r.success) {
    throw new Error(`${cmd} ${args.join(" ").slice(0, 200)} failed: ${dec.decode(r.stderr)}`);
  }
  return dec.decode(r.stdout);
}

/** Whether Debian's python3 can import every module given. */
export function hasPython(...modules: string[]): Promise<boolean> {
  return ok(DEBIAN_PYTHON, ["-c", `import ${modules.join(", ")}`]);
}

/** Run a python script with Debian's python3 in `cwd`. */
export function python(script: string, cwd: string): Promise<string> {
  return run(DEBIAN_PYTHON, ["-c", script], { cwd });
}

/** Whether Rscript runs and has the given packages. */
export function hasR(...packages: string[]): Promise<boolean> {
  const expr = packages.map((p) => `library(${p})`).join(";") || "invisible(0)";
  return ok("Rscript", ["-e", expr]);
}

/** Run an R expression with Rscript in `cwd`. */
export function rscript(expr: string, cwd: string): Promise<string> {
  return run("Rscript", ["-e", expr], { cwd });
}

/** Run SQL statements in an in-memory DuckDB (file paths absolute). */
export async function duckdb(...statements: string[]): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    for (const s of statements) await conn.run(s);
  } finally {
    conn.closeSync();
  }
}

/** A PostgreSQL server started for one test, on a Unix socket only. */
export interface Postgres {
  /** Run SQL through psql; returns its stdout. */
  psql(sql: string): Promise<string>;
  /** `COPY (query) TO STDOUT (FORMAT csv, HEADER)` as psql prints it. */
  copyCsv(query: string, options?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Start a throwaway PostgreSQL 15 cluster (initdb in a temp dir, no TCP,
 * socket in the same dir), or null when PostgreSQL is not installed. As
 * root, the server runs as the `postgres` user (initdb refuses root).
 */
export async function startPostgres(): Promise<Postgres | null> {
  try {
    await Deno.stat(`${PG_BIN}/initdb`);
  } catch {
    return null;
  }
  const root = Deno.uid() === 0;
  if (root && !(await ok("id", ["postgres"]))) return null;
  const dir = await Deno.makeTempDir({ prefix: "sdp-pg-" });
  await Deno.chmod(dir, 0o777);
  const data = `${dir}/data`;
  const as = (cmd: string, args: string[]): [string, string[]] =>
    root ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const exec = (cmd: string, args: string[], stdin?: string) => {
    const [c, a] = as(cmd, args);
    return run(c, a, { cwd: dir, stdin });
  };
  await exec(`${PG_BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]);
  await exec(`${PG_BIN}/pg_ctl`, [
    "-D",
    data,
    "-l",
    `${dir}/log`,
    "-w",
    "-o",
    `-c listen_addresses='' -k ${dir} -c TimeZone=UTC -c DateStyle=ISO,MDY`,
    "start",
  ]);
  const psqlArgs = [
    "-h",
    dir,
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
  ];
  return {
    psql: (sql) => exec(`${PG_BIN}/psql`, [...psqlArgs, "-f", "-"], sql),
    copyCsv: (query, options = "") =>
      exec(`${PG_BIN}/psql`, [
        ...psqlArgs,
        "-c",
        `COPY (${query}) TO STDOUT (FORMAT csv, HEADER${options ? `, ${options}` : ""})`,
      ]),
    stop: async () => {
      await exec(`${PG_BIN}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
