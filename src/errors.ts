/**
 * Domain error classes. Each carries enough structure for the CLI to print one
 * clear line and choose an exit code; stages wrap lower errors with `{ cause }`.
 *
 * @module
 */

import type { ConfigProblem, Location } from "./model/mod.ts";

export type { ConfigProblem, Location } from "./model/mod.ts";

/** Render a problem as `file:line:col: field: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.loc.line > 0 ? `${p.loc.file}:${p.loc.line}:${p.loc.col}` : p.loc.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

/** Config files were rejected; holds every problem at once. Exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** All problems found, in file order. */
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], options?: ErrorOptions) {
    super(
      problems.length === 1
        ? `Cannot load ${formatProblem(problems[0])}`
        : `Cannot load configuration (${problems.length} problems):\n` +
          problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
      options,
    );
    this.problems = problems;
  }
}

/** Wrong command-line usage (unknown flag, bad value, unsafe run id). Exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The data failed validation; nothing was finalized. Exit code 1. */
export class ValidationFailedError extends Error {
  override name = "ValidationFailedError";
  /** Where the failed run's reports were kept. */
  readonly reportDir: string;
  constructor(message: string, reportDir: string, options?: ErrorOptions) {
    super(message, options);
    this.reportDir = reportDir;
  }
}

/**
 * A state conflict: the version already exists, a lock is held, an artifact
 * was tampered with, the prior version is corrupt. Exit code 1.
 */
export class IntegrityError extends Error {
  override name = "IntegrityError";
}

/** An input data file (CSV/Parquet) could not be read. Exit code 2. */
export class InputError extends Error {
  override name = "InputError";
  /** Where the problem is, when known. */
  readonly loc?: Location;
  constructor(message: string, loc?: Location, options?: ErrorOptions) {
    super(loc ? `${loc.file}:${loc.line}:${loc.col}: ${message}` : message, options);
    this.loc = loc;
  }
}
