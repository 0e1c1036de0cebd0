/**
 * Self-contained HTML report: inline CSS and inline SVG only (no script, no
 * network, no fonts), one section per column with current vs prior
 * histogram (numeric) or bar (categorical) overlays, drift metrics with status
 * colours, validation results and the quality score.
 *
 * Overlays: numeric columns share {@link HISTOGRAM_BINS} equal-width bins over
 * the union range of both versions, filled from each profile's support atoms;
 * without a prior the current stored histogram is drawn. Categorical columns
 * show up to {@link MAX_BARS} categories (by current then prior count), with the
 * rest folded into "(other)". Bars are shares of non-null values.
 *
 * Output depends only on the inputs (no clock, no locale): numbers are
 * printed with fixed precision.
 *
 * @module
 */
import type { ColumnSpec, DatasetSpec } from "../model/mod.ts";
import { compareNames } from "../data/mod.ts";
import { type ColumnProfile, type DatasetProfile, isNumericType } from "../profile/mod.ts";
import { type ColumnDrift, type DriftStatus, fmt, type MetricStatus } from "./drift.ts";
import type { EvaluationReport } from "./mod.ts";
import type { ValidationSummary } from "./quality.ts";
import { dateLabel, esc, grouped, pct, spreadLabel, valueLabel } from "./html_format.ts";
import { CURRENT_FILL, emptyChart, legend, numericChart, PRIOR_FILL } from "./html_numeric.ts";
import {
  cardinalityBlock,
  correlationSection,
  type FailingCheck,
  failingRowsSection,
  isHighCardinality,
  labelSection,
  MAX_BARS,
} from "./html_sections.ts";

export type { FailingCheck } from "./html_sections.ts";
export { MAX_BARS } from "./html_sections.ts";

// Colours follow the status rule (docs/artifacts.md): only deciding metrics get a status colour.
const COLORS: Record<DriftStatus | MetricStatus | "no_prior" | "pass" | "fail", string> = {
  ok: "#2e7d32",
  expected: "#1565c0",
  info: "#757575",
  warn: "#b26a00",
  drift: "#c62828",
  no_prior: "#616161",
  pass: "#2e7d32",
  fail: "#c62828",
};

function num(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : fmt(x);
}

function c2(x: number): string {
  return x.toFixed(2);
}

function badge(status: DriftStatus | MetricStatus | "no_prior" | "pass" | "fail"): string {
  return `<span class="badge" style="background:${COLORS[status]}">${
    esc(status.replace("_", " "))
  }</span>`;
}

const W = 640;
const PAD_T = 14;

function categoryCounts(p: ColumnProfile | null): Map<string, number> {
  const m = new Map<string, number>();
  if (p?.categorical) { for (const c of p.categorical.top) m.set(c.value, c.count); }
  return m;
}

function categoricalChart(
  name: string,
  cur: ColumnProfile,
  ref: ColumnProfile | null,
  priorLabel: string,
): string {
  const cm = categoryCounts(cur);
  const rm = categoryCounts(ref);
  const curTotal = cur.count - cur.nulls;
  const refTotal = ref === null ? 0 : ref.count - ref.nulls;
  if (curTotal === 0 && refTotal === 0) return emptyChart(name);
  const all = [...new Set([...cm.keys(), ...rm.keys()])];
  all.sort((a, b) =>
    (cm.get(b) ?? 0) - (cm.get(a) ?? 0) || (rm.get(b) ?? 0) - (rm.get(a) ?? 0) ||
    compareNames(a, b)
  );
  const shown = all.slice(0, MAX_BARS);
  const rows: Array<{ label: string; cur: number; ref: number }> = shown.map((k) => ({
    label: k,
    cur: curTotal === 0 ? 0 : (cm.get(k) ?? 0) / curTotal,
    ref: refTotal === 0 ? 0 : (rm.get(k) ?? 0) / refTotal,
  }));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const curRest = 1 - sum(rows.map((r) => r.cur));
  const refRest = 1 - sum(rows.map((r) => r.ref));
  if ((curTotal > 0 && curRest > 1e-9) || (refTotal > 0 && refRest > 1e-9)) {
    rows.push({
      label: "(other)",
      cur: curTotal > 0 ? Math.max(0, curRest) : 0,
      ref: refTotal > 0 ? Math.max(0, refRest) : 0,
    });
  }
  const rowH = 22;
  const labelW = 170;
  const height = PAD_T + 6 + rows.length * rowH + 6;
  const plotW = W - labelW - 70;
  const maxShare = Math.max(1e-12, ...rows.map((r) => Math.max(r.cur, r.ref)));
  const hasPrior = ref !== null;
  let body = "";
  rows.forEach((r, i) => {
    const y = PAD_T + 6 + i * rowH;
    const label = r.label.length > 24 ? r.label.slice(0, 23) + "…" : r.label;
    body += `<text x="${labelW - 6}" y="${y + 14}" class="ax" text-anchor="end">${
      esc(label)
    }<title>${esc(r.label)}</title></text>`;
    if (hasPrior) {
      body += `<rect class="bar prior" x="${labelW}" y="${y + 2}" width="${
        c2((r.ref / maxShare) * plotW)
      }" height="8" fill="${PRIOR_FILL}" fill-opacity="0.8"><title>prior ${
        pct(r.ref)
      }</title></rect>`;
    }
    body += `<rect class="bar current" x="${labelW}" y="${y + (hasPrior ? 10 : 4)}" width="${
      c2((r.cur / maxShare) * plotW)
    }" height="${hasPrior ? 8 : 12}" fill="${CURRENT_FILL}" fill-opacity="0.85"><title>current ${
      pct(r.cur)
    }</title></rect><text x="${c2(labelW + (Math.max(r.cur, r.ref) / maxShare) * plotW + 4)}" y="${
      y + 14
    }" class="ax">${pct(r.cur)}</text>`;
  });
  return `<svg class="chart" data-column="${esc(name)}" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" ` +
    `aria-label="Category shares of ${esc(name)}">${body}${legend(W, hasPrior, priorLabel)}</svg>`;
}

/** One line describing what the schema declares for a column. */
function declared(c: ColumnSpec | undefined): string {
  if (c === undefined) return "";
  const bound = (v: number): string => valueLabel(c.type, v);
  const parts: string[] = [c.nullable ? "nullable" : "not null"];
  if (c.unique) parts.push("unique");
  if (c.min !== undefined) parts.push(`min ${bound(c.min)}`);
  if (c.max !== undefined) parts.push(`max ${bound(c.max)}`);
  if (c.allowed !== undefined) parts.push(`allowed: ${c.allowed.join(", ")}`);
  if (c.pattern !== undefined) parts.push(`pattern /${c.pattern}/`);
  if (c.maxLength !== undefined) parts.push(`max length ${c.maxLength}`);
  const desc = c.description ? `${c.description} — ` : "";
  return `<p class="muted">${esc(desc + "schema: " + parts.join("; "))}</p>`;
}

function row(cells: string[], header = false): string {
  const tag = header ? "th" : "td";
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
}

function metricCell(m: { value: number; status: MetricStatus } | null | undefined): string {
  if (m === null || m === undefined) return "–";
  // Informational metrics stay plain: a colour would suggest they decide the status.
  if (m.status === "info") return `<span class="info">${num(m.value)}</span>`;
  return `<span style="color:${COLORS[m.status]};font-weight:600">${num(m.value)}</span>`;
}

function bounded(m: { value: number; status: MetricStatus; bounds: [number, number] }): string {
  const [lo, hi] = m.bounds;
  return lo === m.value && hi === m.value
    ? metricCell(m)
    : `${metricCell(m)} <span class="muted">[${num(lo)}, ${num(hi)}]</span>`;
}

function profileTable(p: ColumnProfile, ref: ColumnProfile | null): string {
  const stat = (f: (c: ColumnProfile) => string): string[] => [f(p), ref === null ? "–" : f(ref)];
  const lines: string[][] = [
    ["rows", ...stat((c) => grouped(c.count))],
    ["nulls", ...stat((c) => `${grouped(c.nulls)} (${pct(c.count ? c.nulls / c.count : 0)})`)],
    ["distinct", ...stat((c) => `${c.distinct.exact ? "" : "≈"}${grouped(c.distinct.count)}`)],
  ];
  if (p.numeric !== null || ref?.numeric) {
    type N = NonNullable<ColumnProfile["numeric"]>;
    const n = (f: (x: N) => number) =>
      stat((c) => c.numeric === null ? "–" : valueLabel(c.type, f(c.numeric)));
    const spread = (f: (x: N) => number) =>
      stat((c) => c.numeric === null ? "–" : spreadLabel(c.type, f(c.numeric)));
    lines.push(["min", ...n((x) => x.min)]);
    lines.push(["p5", ...n((x) => x.quantiles.values[5])]);
    lines.push(["median", ...n((x) => x.quantiles.values[50])]);
    lines.push(["p95", ...n((x) => x.quantiles.values[95])]);
    lines.push(["max", ...n((x) => x.max)]);
    lines.push([
      "mean",
      ...stat((c) =>
        c.numeric === null
          ? "–"
          : c.type === "datetime"
          ? dateLabel(c.numeric.mean)
          : valueLabel("float", c.numeric.mean)
      ),
    ]);
    lines.push(["std", ...spread((x) => x.std)]);
    lines.push([
      "IQR (p75 − p25)",
      ...spread((x) => x.quantiles.values[75] - x.quantiles.values[25]),
    ]);
  } else {
    lines.push([
      "top",
      ...stat((c) =>
        esc(
          (c.categorical?.top ?? []).slice(0, 3).map((t) => `${t.value} (${grouped(t.count)})`)
            .join(
              ", ",
            ),
        )
      ),
    ]);
  }
  return `<table class="kv">${row(["", "current", "prior"], true)}${
    lines.map((l) => row([esc(l[0]), l[1], l[2]])).join("")
  }</table>`;
}

function driftTable(d: ColumnDrift | undefined): string {
  if (d === undefined) return '<p class="muted">No drift metrics for this column.</p>';
  const lines = [
    row(["metric", "value", "threshold", "status"], true),
    row([
      "null rate",
      `${pct(d.null_rate.reference)} → ${pct(d.null_rate.current)}${
        d.null_rate.expected === d.null_rate.reference
          ? ""
          : ` (declared ${pct(d.null_rate.expected)})`
      }`,
      `± ${pct(d.null_rate.band)}`,
      badge(d.null_rate.status),
    ]),
  ];
  const id = d.identifier;
  if (id) {
    const ratio = (x: number | null) => (x === null ? "–" : num(x));
    lines.push(row([
      "distinct per value",
      `${ratio(id.uniqueness.reference)} → ${ratio(id.uniqueness.current)}`,
      "unique kept",
      badge(id.uniqueness.status),
    ]));
    if (id.format) {
      lines.push(row([
        "format (shapes)",
        esc(id.format.current.slice(0, 5).join(" ")),
        "no new shape",
        badge(id.format.status),
      ]));
    }
    if (id.range) {
      lines.push(row([
        "range",
        `${num(id.range.reference[0])}..${num(id.range.reference[1])} → ${
          num(id.range.current[0])
        }..${num(id.range.current[1])}`,
        "",
        badge("info"),
      ]));
    }
  }
  if (d.psi) lines.push(row(["PSI", bounded(d.psi), num(d.psi.threshold), badge(d.psi.status)]));
  if (d.wasserstein) {
    lines.push(row([
      "Wasserstein / ref std",
      bounded(d.wasserstein.normalized),
      num(d.wasserstein.normalized.threshold),
      badge(d.wasserstein.normalized.status),
    ]));
    lines.push(row([
      "Wasserstein-1",
      `${num(d.wasserstein.distance)}${
        d.wasserstein.error_bound > 0 ? ` ± ${num(d.wasserstein.error_bound)}` : ""
      }`,
      "",
      badge("info"),
    ]));
  }
  if (d.ks) {
    lines.push(row([
      "KS statistic (p-value)",
      `${num(d.ks.statistic)} (p = ${num(d.ks.p_value)})`,
      "",
      badge("info"),
    ]));
  }
  if (d.jensen_shannon) {
    lines.push(row([
      "Jensen-Shannon distance",
      metricCell(d.jensen_shannon),
      num(d.jensen_shannon.threshold),
      badge(d.jensen_shannon.status),
    ]));
  }
  if (d.mean) {
    lines.push(row([
      "mean shift",
      `${num(d.mean.shift)}${
        d.mean.shift_in_std === null ? "" : ` (${num(d.mean.shift_in_std)} σ)`
      }`,
      "",
      badge("info"),
    ]));
  }
  if (d.std) lines.push(row(["std shift", num(d.std.shift), "", badge("info")]));
  const r = d.declared?.residual;
  if (r?.psi) {
    lines.push(row(["residual PSI", metricCell(r.psi), num(r.psi.threshold), badge(r.psi.status)]));
  }
  if (r?.wasserstein) {
    const w = r.wasserstein.normalized;
    lines.push(row(["residual W / std", metricCell(w), num(w.threshold), badge(w.status)]));
  }
  if (r?.jensen_shannon) {
    const j = r.jensen_shannon;
    lines.push(row(["residual JS", metricCell(j), num(j.threshold), badge(j.status)]));
  }
  const declared = d.declared && d.declared.changes.length > 0
    ? `<table class="kv declared">${
      row(["declared change", "prior", "declared", "realised"], true)
    }${
      d.declared.changes.slice(0, 12).map((c) =>
        row([esc(c.quantity), num(c.reference), num(c.declared), num(c.realised)])
      ).join("")
    }</table>`
    : "";
  const notes = [...d.reasons, ...d.notes].map((n) => `<li>${esc(n)}</li>`).join("");
  return `<p class="why">${esc(d.explanation)}</p><table class="metrics">${
    lines.join("")
  }</table>${declared}${notes ? `<ul class="notes">${notes}</ul>` : ""}`;
}

const CSS =
  `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;` +
  `padding:0 24px;color:#212121;max-width:1600px}svg{max-width:100%;height:auto}` +
  `.columns{display:grid;grid-template-columns:repeat(auto-fill,minmax(680px,1fr));gap:16px 32px}` +
  `section.column{min-width:0;border:1px solid #eee;border-radius:6px;padding:4px 12px}` +
  `.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px 24px}` +
  `.card h4,.failing h4{margin:8px 0 2px}.maps{display:flex;gap:24px;flex-wrap:wrap}` +
  `.grid2{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}` +
  `.hbar{display:inline-block;height:10px;background:${CURRENT_FILL};opacity:.8}` +
  `.swatch{display:inline-block;width:12px;height:12px;border:1px solid #ccc;vertical-align:middle}` +
  `.scroll{overflow-x:auto}table.rows td,table.rows th{font-size:12px;white-space:nowrap}` +
  `.hl{background:#ffebee;font-weight:600}.hm-title{font-size:13px;font-weight:600}` +
  `.cv{font-size:9px;fill:#212121}td.val{max-width:360px;overflow:hidden;text-overflow:ellipsis}` +
  `.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:8px 32px}` +
  `@media (max-width:800px){.columns,.cards{grid-template-columns:1fr}}h1{margin-bottom:4px}h2{margin-top:32px;border-bottom:1px solid ` +
  `#ddd;padding-bottom:4px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid ` +
  `#ddd;padding:4px 8px;text-align:left;font-size:14px}th{background:#f5f5f5}.badge{color:#fff;` +
  `border-radius:4px;padding:1px 6px;font-size:12px;font-weight:600}.muted{color:#757575}` +
  `.notes{font-size:13px;color:#555}.info{color:#616161}.why{font-size:13px;margin:4px 0}` +
  `.ax{font-size:11px;fill:#424242}.lg{font-size:11px;fill:#424242}` +
  `.score{font-size:28px;font-weight:700}` +
  `.grid{display:flex;gap:24px;flex-wrap:wrap}`;

/** Render report.html (see module doc). */
export function renderReportHtml(input: {
  dataset: string;
  version: string;
  spec: DatasetSpec;
  profile: DatasetProfile;
  prior: { version: string; profile: DatasetProfile } | null;
  evaluation: EvaluationReport;
  /**
   * The validator's summary; any fields beyond {@link ValidationSummary} are
   * shown as "Validator details". Typed as the base interface so callers may
   * pass interface types without an index signature.
   */
  validation: ValidationSummary | (ValidationSummary & Record<string, unknown>);
  /** Failed checks with the values of their first offending rows (read back from the data). */
  failures?: readonly FailingCheck[];
}): string {
  const { dataset, version, spec, profile, prior, evaluation, validation } = input;
  const q = evaluation.quality;
  const drift = evaluation.drift;
  const priorLabel = prior?.version ?? "";
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${esc(dataset)} ${
        esc(version)
      } – sdp report</title><style>${CSS}</style></head><body>`,
  );
  parts.push(`<h1>${esc(dataset)} <span class="muted">${esc(version)}</span></h1>`);
  parts.push(
    `<p>${grouped(profile.rows)} rows, ${Object.keys(profile.columns).length} columns. ` +
      (prior === null
        ? "No prior version: drift was not computed."
        : `Compared with prior version <b>${esc(prior.version)}</b>.`) +
      `</p>`,
  );
  // Summary.
  parts.push(
    `<h2 id="summary">Summary</h2><div class="grid"><div><div>Quality score</div>` +
      `<div class="score" id="quality-score">${
        pct(q.score)
      }</div></div><div><div>Drift verdict</div>` +
      `<div class="score" id="drift-verdict">${badge(drift.verdict)}</div></div><div>` +
      `<div>Validation</div><div class="score">${
        badge(validation.passed ? "pass" : "fail")
      }</div></div></div>`,
  );
  parts.push(`<p class="muted">${esc(drift.message)}</p>`);
  const comp = q.components;
  parts.push(
    `<h2 id="quality">Quality</h2><table>${row(["component", "score"], true)}${
      [
        ["completeness", comp.completeness],
        ["validity", comp.validity],
        ["uniqueness", comp.uniqueness],
        ["rate conformance", comp.rate_conformance],
        ["column shapes", comp.column_shapes],
        ["column-pair trends", comp.column_pair_trends],
      ].map(([k, v]) => row([esc(String(k)), pct(v as number | null)])).join("")
    }${row(["× checks passed", pct(q.checks_passed)])}${
      row(["<b>score</b>", `<b>${pct(q.score)}</b>`])
    }</table><p class="muted">${esc(q.formula)}</p>${
      q.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join("")
    }`,
  );
  if (q.rates.length > 0) {
    parts.push(
      `<h3>Configured vs realised rates</h3><table>${
        row(["kind", "column", "configured", "realised", "tolerance", "3σ band", "result"], true)
      }${
        q.rates.map((r) =>
          row([
            esc(r.kind),
            esc(r.column),
            pct(r.configured),
            pct(r.realised),
            `± ${pct(r.tolerance)}`,
            `${pct(r.band.low)} – ${pct(r.band.high)}`,
            badge(r.passed ? "pass" : "fail") + (r.note ? ` ${esc(r.note)}` : ""),
          ])
        ).join("")
      }</table>`,
    );
  }
  // Validation.
  const colV = Object.keys(validation.columns).sort(compareNames);
  const chkV = Object.keys(validation.checks).sort(compareNames);
  parts.push(
    `<h2 id="validation">Validation</h2><p>${badge(validation.passed ? "pass" : "fail")} ${
      grouped(validation.rows)
    } rows checked.</p><table>${row(["column or check", "violations"], true)}${
      colV.map((c) => row([esc(c), grouped(validation.columns[c].violations)])).join("")
    }${
      chkV.map((c) => row([`check: ${esc(c)}`, grouped(validation.checks[c].violations)])).join("")
    }</table>`,
  );
  parts.push(failingRowsSection(input.failures ?? [], spec.columns.map((c) => c.name)));
  const record = validation as unknown as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) =>
    !["passed", "rows", "columns", "checks"].includes(k)
  ).sort(compareNames);
  if (extra.length > 0) {
    const o: Record<string, unknown> = {};
    for (const k of extra) o[k] = record[k];
    parts.push(
      `<details><summary>Validator details</summary><pre>${
        esc(JSON.stringify(o, null, 2))
      }</pre></details>`,
    );
  }
  // Drift overview.
  parts.push(`<h2 id="drift">Drift</h2>`);
  if (!drift.available) {
    parts.push(`<p id="no-prior"><b>${esc(drift.message)}</b></p>`);
  } else {
    const names = Object.keys(drift.columns).sort(compareNames);
    parts.push(
      `<table>${row(["column", "type", "PSI", "KS", "W/std", "JS", "status"], true)}${
        names.map((n) => {
          const d = drift.columns[n];
          return row([
            `<a href="#col-${esc(n)}">${esc(n)}</a>`,
            esc(d.type),
            metricCell(d.psi),
            num(d.ks?.statistic),
            metricCell(d.wasserstein?.normalized),
            metricCell(d.jensen_shannon),
            badge(d.status),
          ]);
        }).join("")
      }</table>`,
    );
    const s = drift.schema;
    for (
      const [label, list] of [["added", s.added], ["removed", s.removed], [
        "type changed",
        s.type_changed,
      ]] as const
    ) {
      if (list.length > 0) parts.push(`<p>Columns ${label}: ${list.map(esc).join(", ")}</p>`);
    }
  }
  parts.push(correlationSection(profile, prior));
  parts.push(labelSection(profile));
  // Per-column sections.
  parts.push(`<h2 id="columns">Columns</h2><div class="columns">`);
  for (const name of Object.keys(profile.columns).sort(compareNames)) {
    const cur = profile.columns[name];
    const ref = prior && Object.hasOwn(prior.profile.columns, name)
      ? prior.profile.columns[name]
      : null;
    const sameType = ref !== null && ref.type === cur.type ? ref : null;
    const d = Object.hasOwn(drift.columns, name) ? drift.columns[name] : undefined;
    const status = d?.status;
    const chart = isNumericType(cur.type)
      ? numericChart(name, cur, sameType, priorLabel)
      : isHighCardinality(cur)
      ? cardinalityBlock(name, cur, sameType)
      : categoricalChart(name, cur, sameType, priorLabel);
    parts.push(
      `<section class="column" id="col-${esc(name)}"><h3>${esc(name)} <span class="muted">${
        esc(cur.type)
      }</span> ${status ? badge(status) : ""}</h3>${
        declared(spec.columns.find((c) => c.name === name))
      }${chart}<div class="grid"><div>${profileTable(cur, sameType)}</div><div>${
        driftTable(d)
      }</div></div></section>`,
    );
  }
  parts.push(`</div>`);
  parts.push(`<p class="muted">Generated by sdp. Self-contained: no scripts or network.</p>`);
  parts.push(`</body></html>\n`);
  return parts.join("\n");
}
