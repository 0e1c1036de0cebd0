/**
 * Short excerpts of user values for messages (no YAML library: generator
 * kinds load in encoder workers without it).
 *
 * @module
 */

/** Longest excerpt of a user value quoted in a message (a 50 MB scalar must not reach stderr). */
const EXCERPT_CHARS = 60;

/** A short, JSON-escaped excerpt of a user value for messages. */
export function excerpt(value: string): string {
  if (value.length <= EXCERPT_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, EXCERPT_CHARS))}... (${value.length} characters)`;
}
