/**
 * Canonical JSON for deterministic artifacts: keys sorted by code unit,
 * two-space indent, `\n` line ends, a trailing newline; Maps become objects;
 * non-finite numbers become null (JSON has no NaN/Infinity).
 */
import { compareNames } from "../data/mod.ts";

function normalise(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === "number") return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalise(x)));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, normalise);
  if (v instanceof Map) return normalise(Object.fromEntries(v));
  if (typeof v === "object") {
    // Null prototype so a key named `__proto__` stays a plain key.
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(v as object).sort(compareNames)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = normalise(x);
    }
    return out;
  }
  return v;
}

/** Canonical JSON text of a value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value), null, 2) + "\n";
}
