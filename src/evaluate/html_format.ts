/**
 * Value formatting for report.html: integers as integers with thousands
 * separators, floats with a few significant digits, datetimes as dates (or
 * date and minute when not at midnight) and spreads of datetimes as
 * durations. No locale reaches the output: separators are written by hand.
 *
 * @module
 */
import type { ColumnType } from "../data/mod.ts";

const DAY_MS = 86_400_000;

/** HTML-escape a string for text and attribute positions. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  ).replace(/'/g, "&#39;");
}

/** A share as a percentage with two decimals, "–" when missing. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(2)}%`;
}

/** An integer with "," every three digits (no locale). */
export function grouped(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const digits = Math.abs(Math.round(n)).toString();
  if (digits.includes("e")) return (neg ? "-" : "") + digits;
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return (neg ? "-" : "") + out;
}

/** A float with up to 4 significant decimals and no trailing zeros; exponent form when huge or tiny. */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-4) return x.toExponential(3).replace(/\.?0+e/, "e");
  if (Number.isInteger(x)) return grouped(x);
  // Four significant digits (at least the integer part).
  const decimals = Math.max(0, 3 - Math.floor(Math.log10(a)));
  const s = Math.abs(x).toFixed(Math.min(10, decimals)).replace(/0+$/, "").replace(/\.$/, "");
  const dot = s.indexOf(".");
  const int = dot < 0 ? s : s.slice(0, dot);
  return (x < 0 ? "-" : "") + grouped(Number(int)) + (dot < 0 ? "" : s.slice(dot));
}

/** A datetime (epoch ms) as `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM[:SS]` when not at midnight. */
export function dateLabel(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(Math.round(ms)).toISOString();
  if (ms % DAY_MS === 0) return iso.slice(0, 10);
  if (ms % 60_000 === 0) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A duration in ms in the largest fitting unit: `106.1 d`, `5.2 h`, `3.0 min`, `12.5 s`, `80 ms`. */
export function durationLabel(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  const units: Array<[number, string]> = [
    [365.25 * DAY_MS, "y"],
    [DAY_MS, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) {
    if (a >= size * (unit === "y" ? 2 : 1)) return `${(ms / size).toFixed(1)} ${unit}`;
  }
  return `${Math.round(ms)} ms`;
}

/** A value of a column for people: dates for datetimes, integers for integers. */
export function valueLabel(type: ColumnType, v: number): string {
  switch (type) {
    case "datetime":
      return dateLabel(v);
    case "date":
      // Days since 1970-01-01; bin edges between days show the day they fall in.
      return dateLabel(Math.floor(v) * DAY_MS);
    case "integer":
      return Number.isInteger(v) ? grouped(v) : shortNumber(v);
    case "float":
    case "boolean":
    case "string":
      return shortNumber(v);
  }
}

/** An axis tick: like {@link valueLabel}, but datetimes spanning days show the date only. */
export function tickLabel(type: ColumnType, v: number, span: number): string {
  if (type === "datetime" && span >= 2 * DAY_MS) return dateLabel(v - (v % DAY_MS));
  return valueLabel(type, v);
}

/** A spread (std, IQR) of a column: a duration for datetimes and dates, a number otherwise. */
export function spreadLabel(type: ColumnType, v: number): string {
  if (type === "date") return durationLabel(v * DAY_MS);
  return type === "datetime" ? durationLabel(v) : shortNumber(v);
}
