/**
 * `email`: random or derived from a name column (`from`).
 *
 * @module
 */
import type { GeneratorSpec } from "../../model/mod.ts";
import type { KindDef } from "./kind.ts";
import { emailFn } from "../row_fns.ts";

/** Default domains of `email`. */
const DEFAULT_EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"];

/** `email`. */
export const emailDef: KindDef<"email"> = {
  keys: ["kind", "from", "domains"],
  types: ["string"],
  parse({ p, ctx, loc }) {
    const from = p.has("from") ? p.str("from") : undefined;
    const domains = p.has("domains") ? p.strings("domains") : DEFAULT_EMAIL_DOMAINS;
    if (domains && domains.length === 0) {
      ctx.problem(p.node_("domains"), p.at("domains"), "must list at least one domain");
      return undefined;
    }
    if (!domains) return undefined;
    const out: GeneratorSpec & { kind: "email" } = { kind: "email", domains, loc };
    if (from !== undefined) out.from = from;
    return out;
  },
  deps: (g) => (g.from ? [g.from] : []),
  checkRefs(g, { field, add, need }) {
    if (g.from) {
      const c = need(g.from, "from");
      if (c && c.type !== "string") {
        add(g.loc, field, `from: column "${g.from}" must be a string column`);
      }
    }
  },
  compile: (g, { env }) => emailFn(g.from, g.domains, env),
  rowFree: (g) => g.from === undefined,
};
