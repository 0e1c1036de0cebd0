/** The sdp release version (kept equal to deno.json "version"; a test checks it). */
export const SDP_VERSION = "0.1.0";
