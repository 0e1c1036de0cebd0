/**
 * The thin file-system adapters: whole files and directories (files.ts),
 * random-access reads (byte_source.ts) and whether a module Worker can start
 * (workers.ts). File formats live in src/arrow/, src/parquet/ and src/csv/;
 * hashing in src/hash/.
 *
 * @module
 */
export {
  createWriter,
  exists,
  listDirs,
  listFiles,
  makeReadOnly,
  readTextIfExists,
  writeTextAtomic,
} from "./files.ts";
export { type ByteSource, memorySource, openFileSource } from "./byte_source.ts";
export { canLoadWorker, probeWorker } from "./workers.ts";
