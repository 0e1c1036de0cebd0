/**
 * `sdp ingest` and `sdp publish`. (Implemented by the ingest/publish work.)
 */
import type { Command } from "./shared.ts";

/** Ingest and publish commands. */
export const INGEST_PUBLISH_COMMANDS: Command[] = [];
