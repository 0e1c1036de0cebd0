/** The repository root (bench/..). */
export const ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/**
 * The release binary's flags (permissions.json), plus read access to src/ so
 * that the encoder workers can load when sdp runs from source.
 */
export async function sdpFlags(): Promise<string[]> {
  const permissions = JSON.parse(await Deno.readTextFile(`${ROOT}/permissions.json`)) as {
    flags: string[];
  };
  return permissions.flags.map((f) => f === "--allow-read=." ? `--allow-read=.,${ROOT}/src` : f);
}

/** Shared by the bench peers: the finance merchant categories, in the dataset's order. */
export const CATS = [
  "grocery",
  "restaurants",
  "fuel",
  "travel",
  "electronics",
  "online_retail",
  "entertainment",
  "health",
];
