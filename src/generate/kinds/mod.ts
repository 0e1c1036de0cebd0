/**
 * The table of generator kinds: one definition per {@link GeneratorKind}
 * (keys, column types, parser, checks, dependencies, decimals, uniqueness,
 * row function), checked by the compiler. A new kind is its name in
 * GENERATOR_KINDS and its spec type (src/model/generator.ts), a file here, a
 * line below, a sampler (../samplers.ts) if it needs a new one, and tests.
 *
 * @module
 */
import type { GeneratorKind, GeneratorSpec } from "../../model/mod.ts";
import { booleanDef } from "./boolean.ts";
import { categoricalDef } from "./categorical.ts";
import { conditionalDef } from "./conditional.ts";
import { datetimeDef } from "./datetime.ts";
import { derivedDef } from "./derived.ts";
import {
  betaDef,
  empiricalDef,
  exponentialDef,
  gammaDef,
  lognormalDef,
  normalDef,
  poissonDef,
  uniformDef,
} from "./distributions.ts";
import { emailDef } from "./email.ts";
import { entityDef } from "./entity.ts";
import { eventTimeDef, sessionIdDef } from "./event_time.ts";
import type { KindDef, KindTable } from "./kind.ts";
import { perEntityDef } from "./per_entity.ts";
import { lagDef, randomWalkDef } from "./random_walk.ts";
import { regexDef } from "./regex.ts";
import { sequenceDef } from "./sequence.ts";
import { stepTimeDef } from "./step_time.ts";
import { templateDef } from "./template.ts";
import { cityDef, companyDef, personDef, uuidDef } from "./words.ts";

export type { CheckInput, CompileInput, KindDef, ParseInput, SpecOf } from "./kind.ts";

/** Every generator kind's definition. */
export const KINDS = {
  uniform: uniformDef,
  normal: normalDef,
  lognormal: lognormalDef,
  exponential: exponentialDef,
  gamma: gammaDef,
  beta: betaDef,
  poisson: poissonDef,
  empirical: empiricalDef,
  categorical: categoricalDef,
  sequence: sequenceDef,
  uuid: uuidDef,
  template: templateDef,
  regex: regexDef,
  person: personDef,
  company: companyDef,
  city: cityDef,
  email: emailDef,
  boolean: booleanDef,
  datetime: datetimeDef,
  conditional: conditionalDef,
  derived: derivedDef,
  entity: entityDef,
  per_entity: perEntityDef,
  step_time: stepTimeDef,
  random_walk: randomWalkDef,
  lag: lagDef,
  event_time: eventTimeDef,
  session_id: sessionIdDef,
} as const satisfies KindTable;

/**
 * The definition of a kind, with its methods typed for any generator spec:
 * TypeScript cannot correlate `KINDS[g.kind]` with `g` across the union, and
 * the table above guarantees that each definition gets specs of its kind.
 */
export function kindOf(kind: GeneratorKind): KindDef<GeneratorKind> {
  return KINDS[kind] as unknown as KindDef<GeneratorKind>;
}

/** Columns generator `g` reads from the same row (its dependencies). */
export function generatorDeps(g: GeneratorSpec | null): string[] {
  if (g === null) return [];
  return kindOf(g.kind).deps?.(g, generatorDeps) ?? [];
}

/** Decimals `g` declares (the finest among nested generators), if any. */
export function declaredDecimals(g: GeneratorSpec | null): number | undefined {
  if (g === null) return undefined;
  return kindOf(g.kind).decimals?.(g, declaredDecimals);
}

/** Whether `g`'s values are distinct by construction. */
export function isUniqueGenerator(g: GeneratorSpec): boolean {
  // Entity keys and session ids repeat across the rows of an entity/session by design.
  return kindOf(g.kind).unique?.(g) ?? false;
}
