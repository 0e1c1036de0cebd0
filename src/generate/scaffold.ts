/**
 * Texts of `sdp init <name>`: three commented config files showing the main
 * generator kinds. The output of {@link scaffoldDataset} parses and generates
 * as is (a test checks it).
 *
 * @module
 */

/** The three config files of a new dataset called `name`. */
export function scaffoldDataset(
  name: string,
): Record<"dataset.yaml" | "schema.yaml" | "evolution.yaml", string> {
  return {
    "dataset.yaml": datasetYaml(name),
    "schema.yaml": SCHEMA_YAML,
    "evolution.yaml": EVOLUTION_YAML,
  };
}

function datasetYaml(name: string): string {
  return `# Dataset identity. \`name\` must equal the folder name.
name: ${name}
domain: example
description: Orders of a small web shop (scaffolded by sdp init; edit freely).
# Rows generated per version. Generation is chunked (65536 rows per chunk) and
# deterministic: the same name + version always gives the same bytes.
row_count: 10000
keywords: [synthetic, example]
`;
}

const SCHEMA_YAML = `# Columns: type is string | integer | float | boolean | datetime | date.
# Without a \`generator:\` block a column is inferred from its name, type and
# constraints (see docs/generators.md). With one, the block says exactly how
# values are drawn: {kind: <name>, <parameters>}.
columns:
  order_id:
    type: integer
    unique: true
    # 1, 2, 3, ... (unique by construction)
    generator: {kind: sequence, start: 1, step: 1}
  order_code:
    type: string
    unique: true
    constraints: {pattern: "ORD-[0-9]{8}"}
    # string template: {seq:08} = row number padded to 8 digits
    generator: {kind: template, template: "ORD-{seq:08}"}
  customer_name:
    type: string
    # names from word lists shipped in the program
    generator: {kind: person, part: full}
  email:
    type: string
    # derived from another column of the same row
    generator: {kind: email, from: customer_name, domains: [example.com, example.org]}
  segment:
    type: string
    constraints: {allowed_values: [consumer, business, reseller]}
    generator: {kind: categorical, values: [consumer, business, reseller], weights: [0.7, 0.25, 0.05]}
  is_returned:
    type: boolean
    # a label: true for 8 % of rows, set by label_rates in evolution.yaml (exact per chunk)
  ordered_at:
    type: datetime
    constraints: {min: "2024-01-01T00:00:00Z", max: "2024-12-31T23:59:59Z"}
    # more orders in the evening and on weekends (weights are relative)
    generator:
      kind: datetime
      weekday_weights: [1, 1, 1, 1, 1.2, 1.5, 1.4]
      hour_weights: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 8, 9, 9, 7, 4, 2]
  items:
    type: integer
    constraints: {min: 1, max: 50}
    # Poisson(2.5) truncated to [1, 50] by inverse CDF (no pile-up at the bounds)
    generator: {kind: poisson, lambda: 2.5}
  amount:
    type: float
    constraints: {min: 0.01, max: 5000}
    # depends on another column: business orders are larger
    generator:
      kind: conditional
      on: segment
      cases:
        business: {kind: lognormal, median: 240, sigma: 0.9, decimals: 2}
      otherwise: {kind: lognormal, median: 45, sigma: 0.8, decimals: 2}
  unit_price:
    type: float
    constraints: {min: 0, max: 5000}
    # expression over other columns of the same row
    generator: {kind: derived, expr: "amount / items", decimals: 2}
  rating:
    type: float
    nullable: true
    constraints: {min: 1, max: 5}
    generator: {kind: normal, mean: 4.1, std: 0.8, decimals: 1}
  delivery_days:
    type: float
    constraints: {min: 0.5, max: 30}
    generator: {kind: gamma, shape: 3, scale: 1.2, decimals: 1}

# Gaussian copula over the declared marginals (must be positive semi-definite).
correlations:
  - columns: [rating, delivery_days]
    matrix:
      - [1.0, -0.4]
      - [-0.4, 1.0]

# Table-level checks run by the validator.
checks:
  - {compare: "unit_price <= amount"}
`;

const EVOLUTION_YAML = `# How data changes from one version to the next. The n-th version of the
# dataset (0-based position among its finalized versions) applies each drift
# entry n times: version 0 is the baseline.
label_rates:
  is_returned: 0.08
missingness:
  rating: 0.15          # 15 % of ratings are null
drift:
  - {column: amount, scale: 1.03}                    # amounts grow 3 % per version
  - {column: segment, mix: {business: 1}, per_version: 0.1}   # mix moves toward business
  - {column: is_returned, rate: 0.005}               # +0.5 points per version
thresholds:
  psi: 0.1
`;
