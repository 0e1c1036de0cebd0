/**
 * The built-in datasets: constraint adherence at 10^6 rows, conditional
 * effects, OHLC consistency, plausible sessions, drift per version.
 */
import assert from "node:assert/strict";
import type { Chunk } from "../data/mod.ts";
import { planGeneration } from "./plan.ts";
import {
  builtinSources,
  column,
  ctxOf,
  generateAll,
  nums,
  quantile,
  specOf,
} from "../../tests/helpers/generate.ts";

function planOf(name: string) {
  return planGeneration(specOf(builtinSources(name), name));
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

Deno.test("finance: constraints hold at 10^6 rows; exact fraud and missing shares", async () => {
  const spec = specOf(builtinSources("finance_transactions"), "finance_transactions");
  const plan = planGeneration(spec);
  const rows = 1_000_000;
  const chunks = await generateAll(plan, ctxOf(rows));
  assert.equal(chunks.reduce((a, c) => a + c.rows, 0), rows);
  let fraud = 0;
  let missing = 0;
  const bad = new Map<string, number>();
  const flag = (name: string) => bad.set(name, (bad.get(name) ?? 0) + 1);
  for (const ch of chunks) {
    for (const col of spec.columns) {
      const v = ch.columns.get(col.name)!;
      assert.equal(v.values.length, ch.rows);
      const lo = col.min ?? -Infinity;
      const hi = col.max ?? Infinity;
      const whole = col.type === "integer" || col.type === "datetime";
      const allowed = col.allowed ? new Set(col.allowed) : undefined;
      for (let i = 0; i < ch.rows; i++) {
        if (v.valid !== null && v.valid[i] === 0) {
          if (!col.nullable) flag(col.name);
          continue;
        }
        const x = v.values[i];
        if (typeof x === "number") {
          if (!(x >= lo && x <= hi) || (whole && !Number.isInteger(x))) flag(col.name);
        } else if (allowed && !allowed.has(x)) flag(col.name);
      }
    }
    const isFraud = ch.columns.get("is_fraud")!.values;
    const chunkFraud = (isFraud as Uint8Array).reduce((a, b) => a + b, 0);
    assert.equal(chunkFraud, Math.round(0.02 * ch.rows));
    fraud += chunkFraud;
    const mc = ch.columns.get("merchant_category")!;
    const chunkMissing = mc.valid ? mc.valid.reduce((a, b) => a + (b === 0 ? 1 : 0), 0) : 0;
    assert.equal(chunkMissing, Math.round(0.05 * ch.rows));
    missing += chunkMissing;
    // Amounts carry two decimals.
    const amt = ch.columns.get("amount")!.values as Float64Array;
    for (let i = 0; i < ch.rows; i += 97) assert.equal(Math.round(amt[i] * 100) / 100, amt[i]);
  }
  assert.deepEqual([...bad], [], "constraint violations per column");
  assert.ok(Math.abs(fraud / rows - 0.02) < 1e-4);
  assert.ok(Math.abs(missing / rows - 0.05) < 1e-4);
  const ids = chunks.flatMap((c) =>
    Array.from(c.columns.get("transaction_id")!.values as Float64Array)
  );
  assert.ok(ids.every((id, i) => id === i + 1), "transaction_id is 1..n");
});

Deno.test("finance: the fraud signal is learnable (conditional effects visible)", async () => {
  const chunks = await generateAll(planOf("finance_transactions"), ctxOf(100_000));
  const fraud = column(chunks, "is_fraud");
  const split = (name: string) => {
    const v = column(chunks, name);
    const f: number[] = [];
    const n: number[] = [];
    v.forEach((x, i) => typeof x === "number" && (fraud[i] === 1 ? f : n).push(x));
    return [f, n];
  };
  const [fa, na] = split("amount");
  assert.ok(median(fa) > 4 * median(na), `median fraud ${median(fa)} vs ${median(na)}`);
  const [ft, nt] = split("timestamp");
  const night = (ts: number[]) =>
    ts.filter((t) => new Date(t).getUTCHours() < 6).length / ts.length;
  assert.ok(night(ft) > 2 * night(nt), `night share ${night(ft)} vs ${night(nt)}`);
  const [fo, no] = split("is_online");
  const rate = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(rate(fo) > rate(no) + 0.3);
  const [fd, nd] = split("distance_from_home_km");
  assert.ok(median(fd) > 10 * median(nd));
});

Deno.test("market: OHLC consistent, prices follow a per-ticker walk across chunks", async () => {
  const plan = planOf("market_time_series");
  const rows = 20 * 300;
  // Small chunks put many chunk boundaries inside each ticker's series.
  const small = await generateAll(plan, ctxOf(rows, { chunkRows: 1024 }));
  const big = await generateAll(plan, ctxOf(rows));
  // The walk is a function of (ticker, day) only: identical for every chunk size.
  assert.deepEqual(column(small, "close"), column(big, "close"));
  const t = column(big, "ticker");
  const d = nums(big, "date");
  const o = nums(big, "open");
  const h = nums(big, "high");
  const l = nums(big, "low");
  const c = nums(big, "close");
  const v = nums(big, "volume");
  for (let i = 0; i < rows; i++) {
    assert.ok(l[i] <= Math.min(o[i], c[i]) && Math.max(o[i], c[i]) <= h[i], `row ${i}`);
    assert.ok(l[i] > 0 && v[i] >= 0 && Number.isInteger(v[i]));
    const wd = new Date(d[i]).getUTCDay();
    assert.ok(wd !== 0 && wd !== 6, "trading days only");
    if (i >= 20) {
      assert.equal(t[i], t[i - 20]);
      assert.ok(d[i] > d[i - 20]);
      // Open = previous close with a small overnight gap.
      assert.ok(Math.abs(Math.log(o[i] / c[i - 20])) < 0.05, `gap at ${i}`);
    }
  }
  // Daily log returns have a plausible volatility (annual 15-55 %).
  const r: number[] = [];
  for (let i = 20; i < rows; i++) r.push(Math.log(c[i] / c[i - 20]));
  const sd = Math.sqrt(r.reduce((a, x) => a + x * x, 0) / r.length) * Math.sqrt(252);
  assert.ok(sd > 0.15 && sd < 0.6, `annualised vol ${sd}`);
});

Deno.test("saas: sessions plausible, times monotonic after signup, revenue only where earned", async () => {
  const plan = planOf("saas_events");
  const rows = 30_000;
  const chunks = await generateAll(plan, ctxOf(rows, { chunkRows: 4096 }));
  const u = column(chunks, "user_id");
  const s = column(chunks, "session_id");
  const et = nums(chunks, "event_time");
  const st = nums(chunks, "signup_time");
  const ev = column(chunks, "event_type");
  const rev = column(chunks, "revenue");
  const plans = column(chunks, "plan");
  const devices = column(chunks, "device");
  let users = 1;
  for (let i = 0; i < rows; i++) {
    assert.ok(et[i] > st[i], `row ${i} before signup`);
    const earns = ev[i] === "purchase" || ev[i] === "upgrade";
    assert.equal(rev[i] !== null, earns, `revenue on ${ev[i]}`);
    if (i > 0 && u[i] === u[i - 1]) {
      assert.ok(et[i] > et[i - 1], "strictly increasing per user");
      assert.equal(st[i], st[i - 1]);
      assert.equal(plans[i], plans[i - 1]);
      assert.equal(devices[i], devices[i - 1]);
      if (s[i] !== s[i - 1]) assert.ok(et[i] - et[i - 1] >= 1000);
    } else if (i > 0) {
      users++;
      assert.ok(String(u[i]) > String(u[i - 1]), "users are contiguous and ordered");
    }
  }
  const perUser = rows / users;
  assert.ok(perUser > 15 && perUser < 40, `events per user ${perUser}`);
  // Same values with the standard chunk size: entity streams do not depend on chunking.
  const big = await generateAll(plan, ctxOf(rows));
  assert.deepEqual(column(big, "event_time"), column(chunks, "event_time"));
  assert.deepEqual(column(big, "user_id"), u);
});

Deno.test("evolution drift: version index scales amounts and moves the category mix", async () => {
  const plan = planOf("finance_transactions");
  const v0 = await generateAll(plan, ctxOf(50_000, { versionIndex: 0 }));
  const v4 = await generateAll(plan, ctxOf(50_000, { versionIndex: 4 }));
  const ratio = median(nums(v4, "amount")) / median(nums(v0, "amount"));
  assert.ok(Math.abs(ratio - 1.08 ** 4) < 0.04, `median ratio ${ratio}`);
  const share = (ch: Chunk[]) => {
    const m = column(ch, "merchant_category").filter((x) => x !== null);
    return m.filter((x) => x === "online_retail").length / m.length;
  };
  // Mix moves 10 % per version toward online_retail: t = 0.4 at version 4.
  assert.ok(Math.abs(share(v4) - (share(v0) + 0.4 * (1 - share(v0)))) < 0.02);
  // Labels and missingness keep their configured rates under drift.
  assert.equal(
    nums(v4, "is_fraud").reduce((a, b) => a + b, 0),
    nums(v0, "is_fraud").reduce((a, b) => a + b, 0),
  );
  // Tables kept per run are keyed by version: one plan gives version 0 again after version 4,
  // and a fresh plan gives the same version 4.
  const again = await generateAll(plan, ctxOf(50_000, { versionIndex: 0 }));
  assert.deepEqual(column(again, "merchant_category"), column(v0, "merchant_category"));
  const fresh = await generateAll(
    planOf("finance_transactions"),
    ctxOf(50_000, { versionIndex: 4 }),
  );
  assert.deepEqual(column(fresh, "merchant_category"), column(v4, "merchant_category"));
  assert.deepEqual(column(fresh, "timestamp"), column(v4, "timestamp"));
});
