/**
 * Calls into parquet-wasm's reader, guarded: a Rust panic in WASM is a
 * `WebAssembly.RuntimeError: unreachable` trap, thrown either from the call or,
 * inside an async read, from wasm-bindgen's microtask queue, where nothing
 * catches it (the process would end with a raw stack trace and the read would
 * never settle). {@link guardEngine} turns both into a
 * {@link CorruptParquetError}.
 *
 * layout.ts checks every offset and size before the engine sees a file, so a
 * panic here means corrupt page contents the engine did not expect.
 *
 * @module
 */
import { CorruptParquetError } from "./layout.ts";

/** Whether `err` is the engine failing (a panic or a WASM limit) rather than reporting an error. */
export function isEnginePanic(err: unknown): boolean {
  if (err instanceof WebAssembly.RuntimeError) return true;
  if (!(err instanceof Error)) return false;
  // Deep recursion and failed allocations inside WASM surface as RangeErrors.
  if (err instanceof RangeError) return true;
  return /\bunreachable\b|memory access out of bounds|RuntimeError/.test(err.message);
}

/** What a panic does to the engine: later reads in this process are checked against it. */
let panics = 0;

/** How many engine panics this process has seen (tests check that reads still work after). */
export function enginePanics(): number {
  return panics;
}

function short(err: unknown): string {
  const s = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return s.replace(/\s+/g, " ").slice(0, 160);
}

/**
 * Run `fn` (a parquet-wasm read). An engine panic, thrown or raised from the
 * microtask queue while `fn` runs, becomes a {@link CorruptParquetError}
 * saying what was being read; other errors pass through unchanged.
 */
export async function guardEngine<T>(what: string, fn: () => Promise<T>): Promise<T> {
  let raise: (err: unknown) => void = () => {};
  const panicked = new Promise<never>((_, reject) => (raise = reject));
  const onError = (e: ErrorEvent) => {
    if (!isEnginePanic(e.error)) return;
    e.preventDefault();
    raise(e.error);
  };
  const onRejection = (e: PromiseRejectionEvent) => {
    if (!isEnginePanic(e.reason)) return;
    e.preventDefault();
    raise(e.reason);
  };
  globalThis.addEventListener("error", onError);
  globalThis.addEventListener("unhandledrejection", onRejection);
  try {
    return await Promise.race([fn(), panicked]);
  } catch (err) {
    if (!isEnginePanic(err)) throw err;
    panics++;
    throw new CorruptParquetError(
      `the Parquet engine failed while ${what} (${short(err)}); the file is corrupt`,
      { cause: err },
    );
  } finally {
    globalThis.removeEventListener("error", onError);
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
}
