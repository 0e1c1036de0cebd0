/**
 * compare_report.html: one self-contained page (inline CSS and SVG, no
 * script, no network). Scores with their baselines, the privacy and utility
 * tables, correlation heatmaps (training, synthetic, baseline) side by side,
 * and per compared column an overlay of the training and synthetic shares:
 * {@link OVERLAY_BINS} equal-width bins over the union range for continuous
 * columns, the {@link OVERLAY_BARS} most frequent training categories (the
 * rest as "(other)") for discrete ones. Numbers are printed with fixed
 * precision and datetimes in UTC, so the page depends only on its inputs.
 *
 * @module
 */
import { compareNames, formatDatetime } from "../data/mod.ts";
import type { CompareReport } from "./report.ts";
import { type DiscreteColumn, isNumeric, type NumericColumn, type Table } from "./table.ts";

/** Bins of a continuous overlay. */
export const OVERLAY_BINS = 20;
/** Categories of a discrete overlay. */
export const OVERLAY_BARS = 15;

const REAL = "#1f77b4";
const SYN = "#ff7f0e";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function f3(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : x.toFixed(3);
}

function pc(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`;
}

function shortNum(v: number, datetime: boolean): string {
  if (datetime) return formatDatetime(Math.round(v)).slice(0, 10);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toFixed(3)).toString();
}

interface Bars {
  labels: string[];
  real: number[];
  synthetic: number[];
}

function continuousBars(r: NumericColumn, s: Float64Array): Bars {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of [r.values, s]) {
    for (const v of xs) {
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return { labels: [], real: [], synthetic: [] };
  const width = hi > lo ? (hi - lo) / OVERLAY_BINS : 1;
  const hist = (xs: Float64Array) => {
    const h = new Array<number>(OVERLAY_BINS).fill(0);
    let n = 0;
    for (const v of xs) {
      if (Number.isNaN(v)) continue;
      h[Math.min(OVERLAY_BINS - 1, Math.floor((v - lo) / width))]++;
      n++;
    }
    return h.map((c) => (n === 0 ? 0 : c / n));
  };
  const dt = r.kind === "datetime";
  const labels = Array.from({ length: OVERLAY_BINS }, (_, i) => shortNum(lo + i * width, dt));
  return { labels, real: hist(r.values), synthetic: hist(s) };
}

function discreteBars(r: DiscreteColumn, s: Int32Array): Bars {
  const k = r.dict.values.length;
  const count = (xs: Int32Array) => {
    const c = new Array<number>(k).fill(0);
    let n = 0;
    for (const x of xs) {
      if (x >= 0) {
        c[x]++;
        n++;
      }
    }
    return c.map((v) => (n === 0 ? 0 : v / n));
  };
  const pr = count(r.codes);
  const ps = count(s);
  const order = Array.from({ length: k }, (_, i) => i).filter((i) => pr[i] > 0 || ps[i] > 0)
    .sort((a, b) =>
      pr[b] - pr[a] || ps[b] - ps[a] || compareNames(r.dict.values[a], r.dict.values[b])
    );
  const top = order.slice(0, OVERLAY_BARS);
  const rest = order.slice(OVERLAY_BARS);
  const labels = top.map((i) => r.dict.values[i]);
  const real = top.map((i) => pr[i]);
  const synthetic = top.map((i) => ps[i]);
  if (rest.length > 0) {
    labels.push(`(other: ${rest.length})`);
    real.push(rest.reduce((a, i) => a + pr[i], 0));
    synthetic.push(rest.reduce((a, i) => a + ps[i], 0));
  }
  return { labels, real, synthetic };
}

function overlay(b: Bars): string {
  const W = 560;
  const H = 180;
  const padL = 40;
  const padB = 44;
  const n = b.labels.length;
  if (n === 0) return `<p class="note">no values</p>`;
  const max = Math.max(...b.real, ...b.synthetic, 1e-9);
  const slot = (W - padL) / n;
  const bw = Math.max(1, slot / 2 - 1);
  const y = (v: number) => (H - padB) * (1 - v / max);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" ` +
    `viewBox="0 0 ${W} ${H}" role="img">`;
  svg += `<line x1="${padL}" y1="${H - padB}" x2="${W}" y2="${H - padB}" stroke="#999"/>`;
  svg += `<text x="${padL - 4}" y="10" font-size="10" text-anchor="end">${
    (max * 100).toFixed(0)
  }%</text>`;
  for (let i = 0; i < n; i++) {
    const x = padL + i * slot;
    svg += `<rect x="${(x + 1).toFixed(1)}" y="${y(b.real[i]).toFixed(1)}" width="${
      bw.toFixed(1)
    }" height="${(H - padB - y(b.real[i])).toFixed(1)}" fill="${REAL}"><title>${
      esc(b.labels[i])
    }: real ${pc(b.real[i])}</title></rect>`;
    svg += `<rect x="${(x + 1 + bw).toFixed(1)}" y="${y(b.synthetic[i]).toFixed(1)}" width="${
      bw.toFixed(1)
    }" height="${(H - padB - y(b.synthetic[i])).toFixed(1)}" fill="${SYN}"><title>${
      esc(b.labels[i])
    }: synthetic ${pc(b.synthetic[i])}</title></rect>`;
    if (n <= 20 && (n <= 10 || i % 2 === 0)) {
      const label = b.labels[i].length > 12 ? `${b.labels[i].slice(0, 11)}…` : b.labels[i];
      svg += `<text x="${(x + slot / 2).toFixed(1)}" y="${H - padB + 12}" font-size="9" ` +
        `text-anchor="end" transform="rotate(-35 ${(x + slot / 2).toFixed(1)} ${H - padB + 12})">${
          esc(label)
        }</text>`;
    }
  }
  return svg + "</svg>";
}

function heatColor(r: number | null): string {
  if (r === null) return "#eeeeee";
  const t = Math.max(-1, Math.min(1, r));
  // Blue for negative, red for positive, white at 0.
  const a = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
}

function heatmap(title: string, names: string[], m: (number | null)[][]): string {
  const cell = Math.max(8, Math.min(28, Math.floor(300 / Math.max(1, names.length))));
  const pad = 110;
  const size = pad + cell * names.length;
  let svg = `<figure><figcaption>${esc(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" role="img">`;
  names.forEach((name, i) => {
    const label = name.length > 16 ? `${name.slice(0, 15)}…` : name;
    svg += `<text x="${pad - 4}" y="${pad + i * cell + cell * 0.7}" font-size="9" ` +
      `text-anchor="end">${esc(label)}</text>`;
    svg += `<text x="${pad + i * cell + cell * 0.7}" y="${pad - 4}" font-size="9" ` +
      `transform="rotate(-60 ${pad + i * cell + cell * 0.7} ${pad - 4})">${esc(label)}</text>`;
    for (let j = 0; j < names.length; j++) {
      const v = m[i]?.[j] ?? null;
      svg += `<rect x="${pad + j * cell}" y="${pad + i * cell}" width="${cell}" height="${cell}" ` +
        `fill="${heatColor(v)}"><title>${esc(names[i])} × ${esc(names[j])}: ${
          v === null ? "undefined" : v.toFixed(3)
        }</title></rect>`;
    }
  });
  return svg + "</svg></figure>";
}

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")
  }</table>`;
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;` +
  `color:#222;max-width:1200px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px ` +
  `solid #ddd;padding:3px 8px;font-size:13px;text-align:right}th{background:#f5f5f5}` +
  `td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:13px}` +
  `.cols{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:13px;` +
  `font-weight:600}section.col{border-top:1px solid #eee;padding-top:8px}` +
  `.key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}`;

/** The page of a comparison, drawn from its report and the sampled tables. */
export function renderCompareHtml(
  r: CompareReport,
  tables: { training: Table; synthetic: Table },
): string {
  const fid = r.fidelity;
  const base = fid.baseline;
  let html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${esc(`sdp compare ${r.dataset} ${r.version}`)}</title><style>${CSS}</style>` +
    `</head><body><h1>${esc(`${r.dataset} ${r.version}`)} vs ${esc(r.real.file_name)}</h1>`;
  html += `<p class="note">Real file sha256 ${esc(r.real.sha256)}, ${r.real.rows} rows: ` +
    `${r.rows.training} training, ${r.rows.holdout} holdout (fraction ${r.holdout_fraction}); ` +
    `synthetic ${r.rows.synthetic} rows. Measured on ${r.rows.training_sampled} training, ` +
    `${r.rows.holdout_sampled} holdout and ${r.rows.synthetic_sampled} synthetic rows. ` +
    `Fidelity is against the training rows. Baseline: the training rows with every column ` +
    `shuffled independently.</p>`;
  html += `<h2>Scores</h2>` + table(["", "synthetic", "baseline"], [
    ["Fidelity score", f3(fid.score), f3(base.score)],
    ["Column shapes", f3(fid.column_shapes), f3(base.column_shapes)],
    ["Column pair trends", f3(fid.column_pair_trends), f3(base.column_pair_trends)],
  ]);
  const p = r.privacy;
  html += `<h2>Privacy</h2>` + table(["", "synthetic", "baseline"], [
    ["Exact copies of a training row", String(p.exact_copies), String(p.baseline.exact_copies)],
    ["Exact-copy rate", pc(p.exact_copy_rate), pc(p.baseline.exact_copy_rate)],
    [
      "DCR: share closer to training than holdout (≈50% ideal)",
      pc(p.dcr.closer_to_training_share),
      pc(p.baseline.dcr.closer_to_training_share),
    ],
    [
      "DCR to training: median",
      f3(p.dcr.median_to_training),
      f3(p.baseline.dcr.median_to_training),
    ],
    ["DCR to holdout: median", f3(p.dcr.median_to_holdout), f3(p.baseline.dcr.median_to_holdout)],
    [
      "DCR to training: 5th percentile",
      f3(p.dcr.p05_to_training),
      f3(p.baseline.dcr.p05_to_training),
    ],
    ["DCR to holdout: 5th percentile", f3(p.dcr.p05_to_holdout), f3(p.baseline.dcr.p05_to_holdout)],
  ]) + `<p class="note">Distance: ${esc(p.distance)}. ${p.dcr.queries} synthetic rows ` +
    `against ${p.dcr.references} training and ${p.dcr.references} holdout rows.</p>`;
  if (r.utility !== null) {
    const u = r.utility;
    html += `<h2>Utility: ${esc(u.target)}</h2>` +
      table(["trained on", u.metric === "roc_auc" ? "ROC AUC" : "macro OvR ROC AUC", "accuracy"], [
        ["real training rows", f3(u.train_on_real.auc), f3(u.train_on_real.accuracy)],
        ["synthetic rows", f3(u.train_on_synthetic.auc), f3(u.train_on_synthetic.accuracy)],
        ["baseline", f3(u.baseline.auc), f3(u.baseline.accuracy)],
      ]) + `<p class="note">L2 logistic regression (C = 1), tested on ${u.holdout_rows} ` +
      `holdout rows; classes ${esc(u.classes.join(", "))}.</p>`;
  }
  const c = r.correlations;
  if (c.columns.length >= 2) {
    html += `<h2>Correlations (Pearson)</h2><div class="cols">` +
      heatmap("training", c.columns, c.training) + heatmap("synthetic", c.columns, c.synthetic) +
      heatmap("baseline", c.columns, c.baseline) + `</div>`;
  }
  html += `<h2>Columns</h2><p class="key"><span style="background:${REAL}"></span>training` +
    `<span style="background:${SYN}"></span>synthetic</p>`;
  for (const [i, tc] of tables.training.columns.entries()) {
    const sc = tables.synthetic.columns[i];
    const shape = fid.columns.find((x) => x.column === tc.name);
    const bars = isNumeric(tc)
      ? continuousBars(tc, (sc as typeof tc).values)
      : discreteBars(tc, (sc as DiscreteColumn).codes);
    html += `<section class="col"><h3>${esc(tc.name)} <small>(${tc.kind}; ${
      esc(shape?.metric ?? "")
    } ${f3(shape?.score)})</small></h3>${overlay(bars)}</section>`;
  }
  const skipped = r.columns.filter((x) => x.status === "skipped");
  if (skipped.length > 0) {
    html += `<h2>Skipped columns</h2>` +
      table(["column", "reason"], skipped.map((s) => [s.column, s.reason ?? ""]));
  }
  return html + `</body></html>\n`;
}
