/**
 * Structured logging: JSON lines on stderr, controlled by SDP_LOGGING_ENABLED
 * (default true) and SDP_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO).
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
