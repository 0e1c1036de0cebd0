/**
 * The kinds without parameters beyond `kind` (uuid, company, city) and
 * `person`: random words and identifiers from the column's own stream.
 *
 * @module
 */
import type { KindDef } from "./kind.ts";

/** `uuid`: random version-4 UUIDs (unique by construction). */
export const uuidDef: KindDef<"uuid"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "uuid", loc }),
  unique: () => true,
};

/** `company`. */
export const companyDef: KindDef<"company"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "company", loc }),
};

/** `city`. */
export const cityDef: KindDef<"city"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "city", loc }),
};

/** `person`: a full name, first name or last name. */
export const personDef: KindDef<"person"> = {
  keys: ["kind", "part"],
  types: ["string"],
  parse({ p, loc }) {
    const part = p.oneOf("part", ["full", "first", "last"] as const, "full");
    return part === undefined ? undefined : { kind: "person", part, loc };
  },
};
