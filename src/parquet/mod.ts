/**
 * Parquet: writing chunks as one file (codec.ts, through parquet-wasm, which
 * loads on first use), reading a file's footer and rows back, and stitching
 * separately encoded one-row-group chunk files into the bytes of a one-call
 * write (stitch.ts, stitch_stream.ts, over the Thrift compact protocol in
 * thrift.ts). Files from outside are checked in TypeScript before
 * parquet-wasm reads them (layout.ts), and engine panics are caught
 * (engine.ts): both end as a {@link CorruptParquetError}.
 *
 * The writer contract (`writerProperties`, `PARQUET_CREATED_BY` in
 * writer_properties.ts) is not re-exported here: that module imports
 * parquet-wasm statically, for encoder workers, and this entry must not.
 *
 * @module
 */
export {
  encodeParquet,
  parquetFileFrom,
  type ParquetFooter,
  readParquetChunks,
  readParquetFooter,
} from "./codec.ts";
export {
  assembleParquet,
  type ChunkPart,
  type FooterSummary,
  ParquetAssembler,
  readFooter,
  splitChunkFile,
} from "./stitch.ts";
export { enginePanics, guardEngine, isEnginePanic } from "./engine.ts";
export {
  checkParquetLayout,
  CorruptParquetError,
  MAX_FOOTER_BYTES,
  MAX_PAGE_BYTES,
  type ParquetLayout,
} from "./layout.ts";
export { emptyParquet, type StitchResult, writeStitched } from "./stitch_stream.ts";
