import assert from "node:assert/strict";
import { jsonLogger, loggerSettings } from "./mod.ts";

Deno.test("logger settings follow SDP_LOGGING_ENABLED and SDP_LOG_LEVEL", () => {
  assert.deepEqual(loggerSettings({}), { enabled: true, level: "INFO" });
  assert.deepEqual(loggerSettings({ enabled: "false", level: "debug" }), {
    enabled: false,
    level: "DEBUG",
  });
  assert.deepEqual(loggerSettings({ enabled: "1", level: "WARN" }), {
    enabled: true,
    level: "WARNING",
  });
  assert.equal(typeof loggerSettings({ enabled: "maybe" }), "string");
  assert.equal(typeof loggerSettings({ level: "LOUD" }), "string");
});

Deno.test("JSON lines with level filtering and injected clock", () => {
  const lines: string[] = [];
  const log = jsonLogger({
    level: "WARNING",
    now: () => new Date(0),
    write: (l) => lines.push(l),
    context: { dataset: "d" },
  });
  log.log("INFO", "skipped");
  log.log("ERROR", "boom", { n: 1 });
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [
    { ts: "1970-01-01T00:00:00.000Z", level: "ERROR", event: "boom", dataset: "d", n: 1 },
  ]);
  assert.ok(lines[0].endsWith("\n"));
});
