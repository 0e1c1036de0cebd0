/**
 * evolution.yaml `drift:`: declared version-to-version changes.
 *
 * @module
 */
import { isScalar } from "yaml";
import { join, type ParseContext, type YNode } from "../strict_yaml/mod.ts";
import type { DriftSpec } from "../model/mod.ts";

/** Parse evolution.yaml `drift:` (a list of `{column, shift | scale | mix | rate | missingness}`). */
export function parseDrift(node: YNode, ctx: ParseContext): DriftSpec[] {
  if (node === undefined || node === null || isScalar(node) && node.value === null) return [];
  const items = ctx.items(node, "drift");
  if (!items) return [];
  const out: DriftSpec[] = [];
  const kinds = ["shift", "scale", "mix", "rate", "missingness"] as const;
  items.forEach((item, i) => {
    const field = join("drift", i);
    const f = ctx.fields(item, field, [
      "column",
      "shift",
      "scale",
      "mix",
      "per_version",
      "rate",
      "missingness",
    ]);
    const loc = ctx.loc(item);
    const column = f.has("column")
      ? ctx.string(f.get("column"), join(field, "column"))
      : (ctx.problem(item, join(field, "column"), "is required"), undefined);
    const present = kinds.filter((k) => f.has(k));
    if (present.length !== 1) {
      ctx.problem(item, field, `give exactly one of ${kinds.join(", ")} (got ${present.length})`);
      return;
    }
    const k = present[0];
    if (f.has("per_version") && k !== "mix") {
      ctx.problem(f.get("per_version"), join(field, "per_version"), "only applies to mix");
    }
    if (column === undefined) return;
    switch (k) {
      case "shift":
      case "rate":
      case "missingness": {
        const amount = ctx.number(f.get(k), join(field, k));
        if (amount !== undefined) out.push({ kind: k, column, amount, loc });
        return;
      }
      case "scale": {
        const factor = ctx.number(f.get(k), join(field, k));
        if (factor !== undefined && factor <= 0) {
          ctx.problem(f.get(k), join(field, k), `must be > 0, got ${factor}`);
        } else if (factor !== undefined) out.push({ kind: k, column, factor, loc });
        return;
      }
      case "mix": {
        const target: Record<string, number> = Object.create(null);
        let bad = false;
        for (const [v, , n] of ctx.entries(f.get("mix"), join(field, "mix"))) {
          const w = ctx.number(n, join(field, `mix.${v}`));
          if (w === undefined) bad = true;
          else if (w < 0) {
            ctx.problem(n, join(field, `mix.${v}`), `weights must be >= 0, got ${w}`);
            bad = true;
          } else target[v] = w;
        }
        if (!bad && !(Object.values(target).reduce((a, b) => a + b, 0) > 0)) {
          ctx.problem(f.get("mix"), join(field, "mix"), "target weights must sum to more than 0");
          bad = true;
        }
        const perVersion = f.has("per_version")
          ? ctx.rate(f.get("per_version"), join(field, "per_version"))
          : 0.25;
        if (!bad && perVersion !== undefined) {
          out.push({ kind: "mix", column, target, perVersion, loc });
        }
        return;
      }
    }
  });
  return out;
}
