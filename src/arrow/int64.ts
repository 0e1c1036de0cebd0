/**
 * int64 columns as float64 numbers and back, without a BigInt per value
 * (dependency-free: the Arrow stream writer in the workers uses it too).
 *
 * @module
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO32 = 4294967296;

/**
 * Whole numbers (|v| < 2^53) to int64 words without a BigInt per value: the
 * low and high 32-bit halves are written directly (two's complement). Into
 * `into` when it has `values.length` elements (any view, e.g. of a stream
 * buffer), else into a new array.
 */
export function toInt64(values: Float64Array, into?: BigInt64Array): BigInt64Array {
  const out = into !== undefined && into.length === values.length
    ? into
    : new BigInt64Array(values.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
    return out;
  }
  const words = new Int32Array(out.buffer, out.byteOffset, 2 * out.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const hi = Math.floor(v / TWO32);
    words[2 * i] = v - hi * TWO32; // in [0, 2^32): stored as its int32 bit pattern
    words[2 * i + 1] = hi;
  }
  return out;
}

/** int64 words (within ±2^53) to float64 numbers, the inverse of {@link toInt64}. */
export function fromInt64(
  src: BigInt64Array | Float64Array | Int32Array,
  offset: number,
  rows: number,
): Float64Array {
  const values = new Float64Array(rows);
  if (!(src instanceof BigInt64Array) || !LITTLE_ENDIAN) {
    for (let i = 0; i < rows; i++) values[i] = Number(src[offset + i]);
    return values;
  }
  const words = new Int32Array(src.buffer, src.byteOffset + offset * 8, rows * 2);
  for (let i = 0; i < rows; i++) values[i] = words[2 * i + 1] * TWO32 + (words[2 * i] >>> 0);
  return values;
}

/**
 * A copy of the int64 words of rows `[offset, offset + rows)` when any of
 * them is beyond ±2^53 (not exact as a float64), else undefined: the
 * `exact` array of an integer column (src/model/chunk.ts).
 */
export function exactInt64(
  src: BigInt64Array | Float64Array | Int32Array,
  offset: number,
  rows: number,
): BigInt64Array | undefined {
  if (!(src instanceof BigInt64Array)) return undefined;
  const words = LITTLE_ENDIAN
    ? new Int32Array(src.buffer, src.byteOffset + offset * 8, rows * 2)
    : undefined;
  for (let i = 0; i < rows; i++) {
    // |v| <= 2^53 exactly when the high word is in [-2^21, 2^21).
    const far = words !== undefined
      ? words[2 * i + 1] >= 2097152 || words[2 * i + 1] < -2097152
      : src[offset + i] > 9007199254740992n || src[offset + i] < -9007199254740992n;
    if (far) return src.slice(offset, offset + rows);
  }
  return undefined;
}

/** The int64 words of an integer column: its `exact` values when present, else {@link toInt64}. */
export function columnInt64(
  col: { values: Float64Array; exact?: BigInt64Array },
  into?: BigInt64Array,
): BigInt64Array {
  if (col.exact === undefined) return toInt64(col.values, into);
  if (into === undefined || into.length !== col.exact.length) return col.exact.slice();
  into.set(col.exact);
  return into;
}
