/**
 * Arrow: sdp's column types as Arrow schemas, and chunks as Arrow IPC streams
 * (the form parquet-wasm reads). The schema message and the IPC writer are
 * laid out by hand (schema.ts, ipc.ts), so this entry loads no Arrow library.
 *
 * The bridge to apache-arrow Tables (`arrowSchema`, `chunkToIpc`,
 * `tableToChunk` in table.ts) is not re-exported here: it loads apache-arrow,
 * which the Parquet reader imports on first use only (start-up cost).
 *
 * @module
 */
export { type ArrowColumn, ipcEmptyStream, ipcSchemaMessage } from "./schema.ts";
export { IpcWriter } from "./ipc.ts";
export { columnInt64, exactInt64, fromInt64, toInt64 } from "./int64.ts";
