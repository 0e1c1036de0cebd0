/**
 * Parsing of one column's `generator:` block: the kind, its keys and column
 * types come from the kind table (kinds/mod.ts); problems are collected with
 * file:line, never thrown.
 *
 * @module
 */
import { didYouMean } from "../suggest.ts";
import { isMap, isScalar, type Node, type YAMLMap } from "yaml";
import { describe, excerpt, join, type ParseContext, type YNode } from "../strict_yaml/mod.ts";
import { GENERATOR_KINDS, type GeneratorKind, type GeneratorSpec } from "../model/mod.ts";
import { kindOf } from "./kinds/mod.ts";
import { type ColumnInfo, Params } from "./params.ts";

export type { ColumnInfo };

/** Parse one column's `generator:` block; problems go to `ctx`. */
export function parseGenerator(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
): GeneratorSpec | undefined {
  return parseGen(node, ctx, column, column.field, true);
}

function parseGen(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
  field: string,
  topLevel: boolean,
): GeneratorSpec | undefined {
  if (!isMap(node)) {
    ctx.problem(
      node,
      field,
      `must be a mapping like {kind: normal, mean: 0, std: 1}, got ${describe(node)}`,
    );
    return undefined;
  }
  const kindNode = (node as YAMLMap<Node, Node>).get("kind", true) as YNode;
  if (kindNode === undefined) {
    ctx.problem(node, join(field, "kind"), `is required; one of ${GENERATOR_KINDS.join(", ")}`);
    return undefined;
  }
  const kindText = ctx.string(kindNode, join(field, "kind"));
  if (kindText === undefined) return undefined;
  if (!(GENERATOR_KINDS as readonly string[]).includes(kindText)) {
    ctx.problem(
      kindNode,
      join(field, "kind"),
      `unknown generator kind ${excerpt(kindText)};${
        didYouMean(kindText, GENERATOR_KINDS)
      } use one of ${GENERATOR_KINDS.join(", ")}`,
    );
    return undefined;
  }
  const kind = kindText as GeneratorKind;
  const def = kindOf(kind);
  const before = ctx.problems.length;
  const f = ctx.fields(node, field, def.keys);
  const loc = ctx.loc(node);
  if (!def.types.includes(column.type)) {
    ctx.problem(
      kindNode,
      join(field, "kind"),
      `${excerpt(kind)} cannot fill a ${column.type} column; it fills ${
        def.types.join(", ")
      } columns`,
    );
  }
  const p = new Params(ctx, f, field, node);
  const sub = (n: YNode, at: string) => subGenerator(n, ctx, column, at);
  const spec = def.parse({ p, ctx, column, field, loc, topLevel, sub });
  return ctx.problems.length > before ? undefined : spec;
}

/** A nested generator (case / otherwise / of): YAML null means "null value". */
function subGenerator(
  node: YNode,
  ctx: ParseContext,
  column: ColumnInfo,
  field: string,
): GeneratorSpec | null | undefined {
  if (node === null || isScalar(node) && node.value === null) {
    if (!column.nullable) {
      ctx.problem(node, field, `is null but column ${excerpt(column.name)} is not nullable`);
      return undefined;
    }
    return null;
  }
  return parseGen(node, ctx, column, field, false);
}
