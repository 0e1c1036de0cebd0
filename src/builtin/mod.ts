/**
 * Built-in datasets, embedded through the module graph (text imports) so the
 * compiled binary carries them and never reads the source tree at run time.
 *
 * @module
 */
import type { ConfigSources } from "../model/mod.ts";
import financeDataset from "../../datasets/finance_transactions/dataset.yaml" with { type: "text" };
import financeSchema from "../../datasets/finance_transactions/schema.yaml" with { type: "text" };
import financeEvolution from "../../datasets/finance_transactions/evolution.yaml" with {
  type: "text",
};
import marketDataset from "../../datasets/market_time_series/dataset.yaml" with { type: "text" };
import marketSchema from "../../datasets/market_time_series/schema.yaml" with { type: "text" };
import marketEvolution from "../../datasets/market_time_series/evolution.yaml" with {
  type: "text",
};
import saasDataset from "../../datasets/saas_events/dataset.yaml" with { type: "text" };
import saasSchema from "../../datasets/saas_events/schema.yaml" with { type: "text" };
import saasEvolution from "../../datasets/saas_events/evolution.yaml" with { type: "text" };
import retailDataset from "../../datasets/retail_orders/dataset.yaml" with { type: "text" };
import retailSchema from "../../datasets/retail_orders/schema.yaml" with { type: "text" };
import retailEvolution from "../../datasets/retail_orders/evolution.yaml" with { type: "text" };

/** Config texts of every built-in dataset, by name (sorted). */
export const BUILTIN_DATASETS: ReadonlyMap<string, ConfigSources> = new Map([
  ["finance_transactions", {
    "dataset.yaml": financeDataset,
    "schema.yaml": financeSchema,
    "evolution.yaml": financeEvolution,
  }],
  ["market_time_series", {
    "dataset.yaml": marketDataset,
    "schema.yaml": marketSchema,
    "evolution.yaml": marketEvolution,
  }],
  ["retail_orders", {
    "dataset.yaml": retailDataset,
    "schema.yaml": retailSchema,
    "evolution.yaml": retailEvolution,
  }],
  ["saas_events", {
    "dataset.yaml": saasDataset,
    "schema.yaml": saasSchema,
    "evolution.yaml": saasEvolution,
  }],
]);
