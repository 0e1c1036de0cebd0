/**
 * Structured logging on stderr, controlled by SDP_LOGGING_ENABLED (default
 * true), SDP_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO) and the log
 * format: JSON lines ({@link jsonLogger}, the default when stderr is not a
 * terminal) or one short line per event for people ({@link humanLogger}, the
 * default on a terminal); `--log-format` or SDP_LOG_FORMAT choose explicitly.
 * The clock and the sink are injected so the core stays pure.
 *
 * @module
 */

/** Log levels in increasing severity. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";
const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** A logger: `log(level, event, fields)`. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { log() {} };

/** Parse logger settings from environment values; returns an error message for bad values. */
export function loggerSettings(
  env: { enabled?: string; level?: string },
): { enabled: boolean; level: LogLevel } | string {
  const e = (env.enabled ?? "true").trim().toLowerCase();
  let enabled: boolean;
  if (["1", "true", "yes", "on"].includes(e)) enabled = true;
  else if (["0", "false", "no", "off", ""].includes(e)) enabled = false;
  else return `SDP_LOGGING_ENABLED must be true or false, got "${env.enabled}"`;
  const l = (env.level ?? "INFO").trim().toUpperCase();
  const level = (l === "WARN" ? "WARNING" : l) as LogLevel;
  if (!(level in ORDER)) {
    return `SDP_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got "${env.level}"`;
  }
  return { enabled, level };
}

/** A JSON-lines logger writing through `write`, stamping each line with `now()`. */
export function jsonLogger(options: {
  level: LogLevel;
  now: () => Date;
  write: (line: string) => void;
  context?: Record<string, unknown>;
}): Logger {
  const min = ORDER[options.level];
  return {
    log(level, event, fields = {}) {
      if (ORDER[level] < min) return;
      options.write(
        JSON.stringify({
          ts: options.now().toISOString(),
          level,
          event,
          ...options.context,
          ...fields,
        }) +
          "\n",
      );
    },
  };
}

/** Log formats: JSON lines for machines, short lines for people. */
export type LogFormat = "json" | "human";

/** Parse a log format name; returns an error message for a bad value. */
export function logFormat(value: string | undefined, terminal: boolean): LogFormat | string {
  if (value === undefined || value === "") return terminal ? "human" : "json";
  const v = value.trim().toLowerCase();
  if (v === "json" || v === "human") return v;
  return `the log format must be json or human, got "${value}"`;
}

/** Width a progress line may take; a log line overwrites it fully before the progress redraws. */
export const PROGRESS_WIDTH = 100;

function plain(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === "number" && Number.isSafeInteger(v) && Math.abs(v) >= 10_000) {
    return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  return JSON.stringify(v);
}

/**
 * A logger for people: `stage validate done (1.2 s)`, `WARNING leftover_present
 * path=...`. The context (dataset, version) is left out: the command line
 * says it. Each line starts with a carriage return and is padded to
 * {@link PROGRESS_WIDTH}, so it replaces a progress line being redrawn instead
 * of mixing with it; the progress line is redrawn below on its next update.
 */
export function humanLogger(options: { level: LogLevel; write: (line: string) => void }): Logger {
  const min = ORDER[options.level];
  return {
    log(level, event, fields = {}) {
      if (ORDER[level] < min) return;
      let text: string;
      if (event === "stage_done" && typeof fields.stage === "string") {
        const ms = typeof fields.duration_ms === "number" ? fields.duration_ms : 0;
        text = `stage ${fields.stage} done (${(ms / 1000).toFixed(1)} s)`;
      } else {
        const rest = Object.entries(fields).map(([k, v]) => `${k}=${plain(v)}`).join(" ");
        text = `${level === "INFO" ? "" : `${level} `}${event}${rest ? ` ${rest}` : ""}`;
      }
      options.write(`\r${text.padEnd(PROGRESS_WIDTH)}\n`);
    },
  };
}
