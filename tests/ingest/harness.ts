/**
 * Ingest a real tool's file with the release CLI and read back what was
 * decided: the schema actually used (from configs_snapshot.json) and the
 * profile. `assertSameTable` ingests a CSV and a Parquet export of one table
 * and requires the same schema and the same profile.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { runCli } from "../cli_harness.ts";

/** One column as the schema used by a version states it. */
export interface SchemaColumn {
  type: string;
  nullable: boolean;
  source_name?: string;
}

/** What one ingest decided. */
export interface Ingested {
  stdout: string;
  schema: Record<string, SchemaColumn>;
  // deno-lint-ignore no-explicit-any
  profile: any;
}

/** `sdp ingest FILE --dataset NAME --run-id v1 [extra]` in `cwd`; fails the test on a non-zero exit. */
export async function ingest(
  cwd: string,
  file: string,
  dataset: string,
  extra: string[] = [],
): Promise<Ingested> {
  const r = await runCli(["ingest", file, "--dataset", dataset, "--run-id", "v1", ...extra], {
    cwd,
  });
  assert.equal(r.code, 0, `${file}: ${r.stderr}${r.stdout}`);
  const dir = `${cwd}/runs/${dataset}/v1`;
  const snap = JSON.parse(await Deno.readTextFile(`${dir}/configs_snapshot.json`));
  const doc = parse(snap.files["schema.yaml"]) as { columns: Record<string, SchemaColumn> };
  const schema: Record<string, SchemaColumn> = {};
  for (const [name, c] of Object.entries(doc.columns)) {
    schema[name] = {
      type: c.type,
      nullable: c.nullable,
      ...(c.source_name === undefined ? {} : { source_name: c.source_name }),
    };
  }
  const profile = JSON.parse(await Deno.readTextFile(`${dir}/profile.json`));
  return { stdout: r.stdout, schema, profile };
}

/** `name: type` (with `?` when nullable) per column, for compact assertions. */
export function typesOf(schema: Record<string, SchemaColumn>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(schema).map(([n, c]) => [n, `${c.type}${c.nullable ? "?" : ""}`]),
  );
}

/**
 * Ingest a CSV and a Parquet export of the same table: both must give the
 * same schema (types, nullability; source names may differ only where the
 * files' headers do) and the same profile of every column.
 */
export async function assertSameTable(
  cwd: string,
  files: { csv: string; parquet: string },
  dataset: string,
  extra: { csv?: string[]; parquet?: string[] } = {},
): Promise<{ csv: Ingested; parquet: Ingested }> {
  const csv = await ingest(cwd, files.csv, `${dataset}_csv`, extra.csv);
  const parquet = await ingest(cwd, files.parquet, `${dataset}_parquet`, extra.parquet);
  assert.deepEqual(
    typesOf(parquet.schema),
    typesOf(csv.schema),
    `${dataset}: schemas differ: Parquet ${JSON.stringify(typesOf(parquet.schema))}, CSV ${
      JSON.stringify(typesOf(csv.schema))
    }`,
  );
  for (const name of Object.keys(csv.schema)) {
    assert.deepEqual(
      parquet.profile.columns[name],
      csv.profile.columns[name],
      `${dataset}: profile of column ${name} differs between CSV and Parquet`,
    );
  }
  return { csv, parquet };
}
