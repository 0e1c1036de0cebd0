/**
 * faker-js baseline: the row-oriented way many synthetic-data scripts work.
 * One JS object per row from faker calls (class-conditional like
 * finance_transactions), converted per 65,536-row batch to Arrow with
 * `vectorFromArray` per column and written through parquet-wasm's streaming writer (ZSTD).
 *
 *   deno run --allow-all bench/faker_gen.ts <rows> <out.parquet>
 */
import { CATS } from "./common.ts";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";

// A variable specifier keeps faker out of the type-checked graph and deno.lock
// (it is a bench-only dependency); bench.ts runs this script with --no-lock.
const FAKER = "npm:@faker-js/faker@10.6.0";
// deno-lint-ignore no-explicit-any
const { faker } = (await import(FAKER)) as { faker: any };

const rows = Number(Deno.args[0] ?? 1_000_000);
const out = Deno.args[1] ?? "faker.parquet";
const BATCH = 65_536;
faker.seed(42);

const fraudW = [0.04, 0.04, 0.04, 0.2, 0.3, 0.3, 0.06, 0.02];
const okW = [0.3, 0.2, 0.12, 0.05, 0.05, 0.15, 0.08, 0.05];
const weighted = (w: number[]) => CATS.map((value, i) => ({ value, weight: w[i] }));
const catsFraud = weighted(fraudW);
const catsOk = weighted(okW);
const currencies = [["USD", 0.55], ["EUR", 0.2], ["GBP", 0.12], ["CAD", 0.08], ["AUD", 0.05]]
  .map(([value, weight]) => ({ value: value as string, weight: weight as number }));
const from = new Date("2024-01-01T00:00:00Z");
const to = new Date("2024-12-31T23:59:59Z");
const normal = () => {
  const u = 1 - faker.number.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * faker.number.float());
};

function row(i: number) {
  const fraud = faker.datatype.boolean({ probability: 0.02 });
  return {
    account_age_days: Math.max(0, Math.round((fraud ? 144 : 900) * (1 + 0.6 * normal()))),
    account_id: faker.number.int({ min: 100000, max: 104999 }),
    amount: Math.round((fraud ? 320 : 38) * Math.exp((fraud ? 1.1 : 1) * normal()) * 100) / 100,
    currency: faker.helpers.weightedArrayElement(currencies),
    distance_from_home_km: Math.round((fraud ? 250 : 6) * Math.exp(1.2 * normal()) * 10) / 10,
    is_fraud: fraud,
    is_online: faker.datatype.boolean({ probability: fraud ? 0.8 : 0.3 }),
    merchant_category: faker.datatype.boolean({ probability: 0.05 })
      ? null
      : faker.helpers.weightedArrayElement(fraud ? catsFraud : catsOk),
    timestamp: faker.date.between({ from, to }),
    transaction_id: i + 1,
    txn_count_24h: faker.number.int({ min: 0, max: fraud ? 14 : 3 }),
  };
}

const TYPES: Record<string, arrow.DataType> = {
  account_age_days: new arrow.Int32(),
  account_id: new arrow.Int32(),
  amount: new arrow.Float64(),
  currency: new arrow.Utf8(),
  distance_from_home_km: new arrow.Float64(),
  is_fraud: new arrow.Bool(),
  is_online: new arrow.Bool(),
  merchant_category: new arrow.Utf8(),
  timestamp: new arrow.TimestampMillisecond("UTC"),
  transaction_id: new arrow.Int32(),
  txn_count_24h: new arrow.Int32(),
};

// Row objects -> one Arrow vector per field (what a row-oriented script ends up doing).
function toArrow(batch: Record<string, unknown>[]): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  for (const [name, type] of Object.entries(TYPES)) {
    const values = batch.map((r) => {
      const v = r[name];
      return v instanceof Date ? v.getTime() : v;
    });
    cols[name] = arrow.vectorFromArray(values, type);
  }
  return new arrow.Table(cols);
}

const t0 = performance.now();
let i = 0;
const source = new ReadableStream<pw.RecordBatch>({
  pull(controller) {
    if (i >= rows) {
      controller.close();
      return;
    }
    const n = Math.min(BATCH, rows - i);
    const batch = new Array(n);
    for (let k = 0; k < n; k++) batch[k] = row(i + k);
    i += n;
    const table = toArrow(batch);
    controller.enqueue(pw.Table.fromIPCStream(arrow.tableToIPC(table, "stream")).recordBatch(0)!);
  },
}, { highWaterMark: 0 });
const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD)
  .setMaxRowGroupSize(BATCH).build();
const f = await Deno.open(out, { write: true, create: true, truncate: true });
for await (
  const part of (await pw.transformParquetStream(source, props)) as unknown as AsyncIterable<
    Uint8Array
  >
) {
  for (let at = 0; at < part.length;) at += await f.write(part.subarray(at));
}
f.close();
console.log(JSON.stringify({ rows, ms: Math.round(performance.now() - t0) }));
