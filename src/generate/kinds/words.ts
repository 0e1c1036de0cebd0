/**
 * The kinds without parameters beyond `kind` (uuid, company, city) and
 * `person`: random words and identifiers from the column's own stream.
 *
 * @module
 */
import type { KindDef } from "./kind.ts";
import { uuid } from "../row_fns.ts";
import {
  CITIES,
  COMPANY_NOUNS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
} from "../words.ts";

/** `uuid`: random version-4 UUIDs (unique by construction). */
export const uuidDef: KindDef<"uuid"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "uuid", loc }),
  unique: () => true,
  compile: () => (_i, rng) => uuid(rng),
  rowFree: () => true,
};

/** `company`. */
export const companyDef: KindDef<"company"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "company", loc }),
  compile: () => (_i, rng) =>
    `${COMPANY_WORDS[rng.nextInt(COMPANY_WORDS.length)]} ${
      COMPANY_NOUNS[rng.nextInt(COMPANY_NOUNS.length)]
    } ${COMPANY_SUFFIXES[rng.nextInt(COMPANY_SUFFIXES.length)]}`,
  rowFree: () => true,
};

/** `city`. */
export const cityDef: KindDef<"city"> = {
  keys: ["kind"],
  types: ["string"],
  parse: ({ loc }) => ({ kind: "city", loc }),
  compile: () => (_i, rng) => CITIES[rng.nextInt(CITIES.length)],
  rowFree: () => true,
};

/** `person`: a full name, first name or last name. */
export const personDef: KindDef<"person"> = {
  keys: ["kind", "part"],
  types: ["string"],
  parse({ p, loc }) {
    const part = p.oneOf("part", ["full", "first", "last"] as const, "full");
    return part === undefined ? undefined : { kind: "person", part, loc };
  },
  compile(g) {
    const part = g.part;
    return (_i, rng) => {
      const first = FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)];
      const last = LAST_NAMES[rng.nextInt(LAST_NAMES.length)];
      return part === "first" ? first : part === "last" ? last : `${first} ${last}`;
    };
  },
  rowFree: () => true,
};
