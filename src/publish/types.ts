/**
 * The Kaggle client's public types: what to publish, the injected effects,
 * the result and the error.
 *
 * @module
 */
import type { KaggleCredentials } from "./credentials.ts";
import type { KaggleDatasetMetadata } from "./metadata.ts";
import type { BackoffOptions } from "./retry.ts";
import type { ByteSource } from "../io/byte_source.ts";

/** Default API root. */
export const DEFAULT_BASE_URL = "https://www.kaggle.com/api/v1";

/** Default upload piece: 8 MiB, a multiple of 256 KiB as resumable uploads require. */
export const DEFAULT_PIECE_BYTES = 8 * 1024 * 1024;

/**
 * Default time limits, chosen for an interactive command: a dead or silent
 * server fails an operation within 5 minutes, not hours.
 * - `requestTimeoutMs`: one HTTP request (an 8 MiB upload piece needs about
 *   0.6 Mbit/s to fit).
 * - `maxTotalMs`: one operation (an API call, or one upload piece) with all its
 *   retries, from its first attempt; each attempt's timeout is cut to what is
 *   left of it.
 * - `maxWaitMs`: waiting for Kaggle to process the new version; then the
 *   result is `pending` (the dataset exists; Kaggle finishes on its own).
 */
export const DEFAULT_LIMITS = {
  requestTimeoutMs: 2 * 60_000,
  maxTotalMs: 5 * 60_000,
  pollIntervalMs: 5000,
  maxWaitMs: 10 * 60_000,
} as const;

/** One file to publish. Give `path` or `source`. */
export interface PublishFile {
  /** Name on Kaggle (no directories). */
  name: string;
  /** Path to read the bytes from. */
  path?: string;
  /** Alternative to `path`: where the bytes come from. */
  source?: ByteSource;
  /** Size in bytes (checked against the file). */
  size: number;
  /** Lowercase hex SHA-256 of the content (checked while uploading). */
  sha256: string;
  /** Reported to Kaggle as the blob's modification time; default: now. */
  lastModifiedEpochSeconds?: number;
}

/** What to publish. */
export interface PublishPlan {
  /** Kaggle user or organization slug. */
  owner: string;
  /** Dataset slug. */
  slug: string;
  /** Dataset title (used when creating). */
  title: string;
  /** Kaggle license name, e.g. `CC0-1.0` (used when creating). */
  license: string;
  /** Public dataset when creating; Kaggle keeps the existing setting on versions. */
  isPublic: boolean;
  files: PublishFile[];
  /** dataset-metadata.json content: subtitle, description, keywords, per-file schema. */
  datasetMetadata: KaggleDatasetMetadata;
  /** Notes for a new version (required when the dataset exists). */
  versionNotes: string;
  /** Force "create new" (true) or "new version" (false); default: ask Kaggle. */
  firstTime?: boolean;
}

/** Injected effects and limits for {@link publishDataset}. */
export interface PublishOptions {
  credentials: KaggleCredentials;
  /** Default {@link DEFAULT_BASE_URL}. */
  baseUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms. */
  now?: () => number;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  /** Progress and retry messages (already redacted). */
  log?: (message: string) => void;
  /** Retries in a row for one request before giving up. Default 10. */
  maxRetries?: number;
  /**
   * Longest one operation (an API call or an upload piece, retries included)
   * may take from its first attempt, ms. Default 5 min ({@link DEFAULT_LIMITS}).
   */
  maxTotalMs?: number;
  backoff?: BackoffOptions;
  /** Bytes per upload request. Default {@link DEFAULT_PIECE_BYTES}. */
  pieceBytes?: number;
  /** Wait for Kaggle to finish processing. Default true. */
  wait?: boolean;
  /** Delay between status polls, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Longest wait for processing, ms; then the result says `pending`. Default 10 min. */
  maxWaitMs?: number;
  /**
   * Abort one HTTP request after this long, ms (cut to what is left of
   * `maxTotalMs`). Default 2 min.
   */
  requestTimeoutMs?: number;
  /** Open a file for reading; default reads with Deno.open. */
  openFile?: (path: string) => Promise<ByteSource>;
}

/** One uploaded file. */
export interface PublishedFile {
  name: string;
  sha256: string;
  /** Kaggle blob token. */
  token: string;
}

/** Outcome of {@link publishDataset}. */
export interface PublishResult {
  /** `owner/slug`. */
  ref: string;
  url: string;
  /** When Kaggle reports it. */
  versionNumber?: number;
  /** `ready` once processed; `pending` when not waited for or still processing. */
  status: "ready" | "pending";
  /** True when a new dataset was created, false for a new version. */
  created: boolean;
  files: PublishedFile[];
}

/** Why publishing failed. */
export type PublishErrorCode =
  | "auth" // 401: credentials rejected
  | "forbidden" // 403
  | "rejected" // Kaggle answered with an error message (4xx or `error` field)
  | "gave_up" // retries exhausted (count or time)
  | "ambiguous" // a create request failed in a way that may have applied it
  | "upload" // the upload server misbehaved or the upload expired repeatedly
  | "processing_failed"; // Kaggle finished processing with FAILED

/** A Kaggle request failed. Messages never contain credentials. */
export class PublishError extends Error {
  override name = "PublishError";
  /** Category, for the CLI's exit code and hints. */
  readonly code: PublishErrorCode;
  /** HTTP status when one was received. */
  readonly status: number | undefined;
  constructor(code: PublishErrorCode, message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}
