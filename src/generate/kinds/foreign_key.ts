/**
 * `foreign_key`: the values of a foreign key column, computed by the
 * relational layer (../relations.ts) from the parent rows picked for this
 * chunk. Assigned by schema.yaml `foreign_keys:`, never written by hand.
 *
 * @module
 */
import type { KindDef } from "./kind.ts";
import { injectedKey } from "../relations.ts";
import { columnReader } from "../row_fns.ts";

/** `foreign_key`. */
export const foreignKeyDef: KindDef<"foreign_key"> = {
  keys: ["kind"],
  types: ["string", "integer", "float", "boolean", "datetime"],
  parse({ ctx, p, field }) {
    ctx.problem(
      p.node,
      field,
      "foreign_key values come from schema.yaml foreign_keys; remove this generator block",
    );
    return undefined;
  },
  compile(_g, { col, env }) {
    const c = env.cols.get(injectedKey(col.name));
    if (!c) throw new Error(`foreign key column ${col.name} has no parent rows in this chunk`);
    const read = columnReader(c);
    return (i) => read(i);
  },
};
