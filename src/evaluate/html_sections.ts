/**
 * Sections of report.html beyond the per-column charts: the cardinality
 * summary of high-cardinality strings, the correlation heatmaps (current vs
 * prior), per-label distributions of a boolean label column, and example
 * failing rows of failed checks. Each renders to a string of inline HTML/SVG.
 *
 * @module
 */
import { compareNames } from "../data/mod.ts";
import type {
  ColumnProfile,
  CorrelationProfile,
  DatasetProfile,
  LabelProfile,
} from "../profile/mod.ts";
import { esc, grouped, pct, valueLabel } from "./html_format.ts";
import {
  chooseBins,
  histogramSvg,
  PRIOR_FILL,
  type Series,
  supportShares,
} from "./html_numeric.ts";

/** Categories drawn per categorical chart. */
export const MAX_BARS = 20;

/** Top values listed for a high-cardinality string column. */
export const TOP_VALUES = 10;

/**
 * Whether a string column is shown as a cardinality summary and top values
 * rather than bars: more than {@link MAX_BARS} distinct values and the
 * {@link MAX_BARS} most frequent hold less than half of the values.
 */
export function isHighCardinality(p: ColumnProfile): boolean {
  if (p.type !== "string" || p.categorical === null) return false;
  const n = p.count - p.nulls;
  if (n === 0 || p.distinct.count <= MAX_BARS) return false;
  const top = p.categorical.top.slice(0, MAX_BARS).reduce((a, c) => a + c.count, 0);
  return top / n < 0.5;
}

/** Cardinality summary and top values of a high-cardinality string column. */
export function cardinalityBlock(
  name: string,
  cur: ColumnProfile,
  ref: ColumnProfile | null,
): string {
  const side = (p: ColumnProfile): { n: number; top: string; inTop: number } => {
    const n = p.count - p.nulls;
    const top = (p.categorical?.top ?? []).slice(0, TOP_VALUES);
    return { n, top: "", inTop: top.reduce((a, c) => a + c.count, 0) };
  };
  const c = side(cur);
  const distinct = (p: ColumnProfile): string =>
    `${p.distinct.exact ? "" : "≈"}${grouped(p.distinct.count)}`;
  const ratio = (p: ColumnProfile): string => {
    const n = p.count - p.nulls;
    return n === 0 ? "–" : pct(Math.min(1, p.distinct.count / n));
  };
  const summary = `<table class="kv cardinality" data-column="${esc(name)}">` +
    `<tr><th></th><th>current</th><th>prior</th></tr>` +
    `<tr><td>distinct values</td><td>${distinct(cur)}</td><td>${
      ref ? distinct(ref) : "–"
    }</td></tr>` +
    `<tr><td>distinct / non-null</td><td>${ratio(cur)}</td><td>${
      ref ? ratio(ref) : "–"
    }</td></tr>` +
    `<tr><td>share of the top ${TOP_VALUES}</td><td>${pct(c.n === 0 ? 0 : c.inTop / c.n)}</td><td>${
      ref ? pct(side(ref).n === 0 ? 0 : side(ref).inTop / side(ref).n) : "–"
    }</td></tr>` +
    `<tr><td>counting</td><td colspan="2">${
      esc(
        cur.categorical?.method === "exact"
          ? "exact"
          : `Misra-Gries: counts may be low by up to ${
            grouped(cur.categorical?.max_undercount ?? 0)
          }`,
      )
    }</td></tr></table>`;
  const refCounts = new Map((ref?.categorical?.top ?? []).map((t) => [t.value, t.count]));
  const refN = ref === null ? 0 : ref.count - ref.nulls;
  const maxShare = Math.max(
    1e-12,
    ...(cur.categorical?.top ?? []).slice(0, TOP_VALUES).map((t) => t.count / Math.max(1, c.n)),
  );
  const rows = (cur.categorical?.top ?? []).slice(0, TOP_VALUES).map((t) => {
    const share = c.n === 0 ? 0 : t.count / c.n;
    const prior = ref === null ? "–" : pct(refN === 0 ? 0 : (refCounts.get(t.value) ?? 0) / refN);
    const label = t.value.length > 60 ? t.value.slice(0, 59) + "…" : t.value;
    return `<tr><td class="val" title="${esc(t.value)}">${esc(label)}</td><td>${
      grouped(t.count)
    }</td><td><span class="hbar" style="width:${(80 * share / maxShare).toFixed(1)}px"></span> ${
      pct(share)
    }</td><td>${prior}</td></tr>`;
  }).join("");
  return `<div class="highcard" data-column="${esc(name)}"><p class="muted">High cardinality: ` +
    `the ${TOP_VALUES} most frequent values instead of a bar per value.</p><div class="grid2">` +
    `${summary}<table class="kv topvalues"><tr><th>top value</th><th>count</th><th>share</th>` +
    `<th>prior share</th></tr>${rows}</table></div></div>`;
}

/** Diverging colour of a correlation in [-1, 1] (blue negative, red positive). */
function corrColor(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return "#e0e0e0";
  const t = Math.max(-1, Math.min(1, r));
  const mix = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
  const [R, G, B] = t >= 0 ? [178, 24, 43] : [33, 102, 172];
  const f = Math.abs(t);
  const hex = (v: number) => v.toString(16).padStart(2, "0");
  return `#${hex(mix(255, R, f))}${hex(mix(255, G, f))}${hex(mix(255, B, f))}`;
}

/** One correlation heatmap (inline SVG) over `columns`. */
function heatmap(id: string, title: string, cor: CorrelationProfile, columns: string[]): string {
  const index = new Map(cor.columns.map((c, i) => [c, i]));
  const n = columns.length;
  const cell = Math.max(14, Math.min(34, Math.floor(420 / Math.max(1, n))));
  const labelW = 130;
  const top = 110;
  const w = labelW + n * cell + 10;
  const h = top + n * cell + 10;
  let body = `<text x="${labelW}" y="14" class="hm-title">${esc(title)}</text>`;
  columns.forEach((c, j) => {
    const x = labelW + j * cell + cell / 2;
    const short = c.length > 18 ? c.slice(0, 17) + "…" : c;
    body += `<text class="ax" transform="translate(${x.toFixed(1)},${top - 4}) rotate(-55)">${
      esc(short)
    }<title>${esc(c)}</title></text>`;
  });
  columns.forEach((a, i) => {
    const short = a.length > 18 ? a.slice(0, 17) + "…" : a;
    body += `<text x="${labelW - 4}" y="${(top + i * cell + cell / 2 + 4).toFixed(1)}" ` +
      `class="ax" text-anchor="end">${esc(short)}<title>${esc(a)}</title></text>`;
    columns.forEach((b, j) => {
      const ia = index.get(a);
      const ib = index.get(b);
      const r = ia === undefined || ib === undefined ? null : i === j ? 1 : cor.matrix[ia][ib];
      body += `<rect class="cell" x="${labelW + j * cell}" y="${top + i * cell}" width="${
        cell - 1
      }" height="${cell - 1}" fill="${corrColor(r)}"><title>${esc(a)} × ${esc(b)}: ${
        r === null ? "n/a" : r.toFixed(3)
      }</title></rect>`;
      if (cell >= 26 && r !== null && i !== j) {
        body += `<text x="${labelW + j * cell + (cell - 1) / 2}" y="${
          top + i * cell + cell / 2 + 3
        }" class="cv" text-anchor="middle">${r.toFixed(2).replace(/^(-?)0\./, "$1.")}</text>`;
      }
    });
  });
  return `<svg class="heatmap" id="${id}" xmlns="http://www.w3.org/2000/svg" width="${w}" ` +
    `height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">${body}</svg>`;
}

/** Pearson correlations, current and prior heatmaps side by side, with the largest changes. */
export function correlationSection(
  profile: DatasetProfile,
  prior: { version: string; profile: DatasetProfile } | null,
): string {
  const cur = profile.correlations;
  if (cur.columns.length < 2) {
    return `<h2 id="correlations">Correlations</h2><p class="muted">Fewer than two numeric ` +
      `columns: no correlations.</p>`;
  }
  const columns = [...cur.columns];
  const maps = [heatmap("corr-current", "current", cur, columns)];
  const changes: Array<{ a: string; b: string; cur: number; ref: number }> = [];
  if (prior !== null) {
    const ref = prior.profile.correlations;
    maps.push(heatmap("corr-prior", `prior ${prior.version}`, ref, columns));
    const ri = new Map(ref.columns.map((c, i) => [c, i]));
    for (let i = 0; i < cur.columns.length; i++) {
      for (let j = i + 1; j < cur.columns.length; j++) {
        const a = ri.get(cur.columns[i]);
        const b = ri.get(cur.columns[j]);
        const rc = cur.matrix[i][j];
        if (a === undefined || b === undefined || rc === null) continue;
        const rr = ref.matrix[a][b];
        if (rr === null) continue;
        changes.push({ a: cur.columns[i], b: cur.columns[j], cur: rc, ref: rr });
      }
    }
    changes.sort((x, y) =>
      Math.abs(y.cur - y.ref) - Math.abs(x.cur - x.ref) || compareNames(x.a, y.a) ||
      compareNames(x.b, y.b)
    );
  }
  const table = changes.length === 0 ? "" : `<table class="kv"><tr><th>pair</th><th>prior</th>` +
    `<th>current</th><th>change</th></tr>${
      changes.slice(0, 8).map((c) =>
        `<tr><td>${esc(c.a)} × ${esc(c.b)}</td><td>${c.ref.toFixed(3)}</td><td>${
          c.cur.toFixed(3)
        }</td><td>${(c.cur - c.ref >= 0 ? "+" : "") + (c.cur - c.ref).toFixed(3)}</td></tr>`
      ).join("")
    }</table>`;
  const scale = `<p class="muted">Pearson r over pairwise-complete rows: ` +
    `<span class="swatch" style="background:${corrColor(-1)}"></span> −1 ` +
    `<span class="swatch" style="background:${corrColor(0)}"></span> 0 ` +
    `<span class="swatch" style="background:${corrColor(1)}"></span> +1; grey: not defined.` +
    `${changes.length > 0 ? " Largest changes against the prior below." : ""}</p>`;
  return `<h2 id="correlations">Correlations</h2>${scale}<div class="maps">${
    maps.join("")
  }</div>${table}`;
}

/** Per-class fill of a label's classes (false, true). */
const CLASS_FILL: Record<"false" | "true", string> = { false: PRIOR_FILL, true: "#d62728" };

/**
 * Distributions of the other columns per class of a boolean label column:
 * overlaid histograms (shares within each class) for numeric columns, and
 * the rate of `true` per category for categorical columns.
 */
export function labelSection(profile: DatasetProfile): string {
  const labels = profile.labels ?? [];
  if (labels.length === 0) return "";
  const parts: string[] = [`<h2 id="labels">Per-label distributions</h2>`];
  for (const l of labels) parts.push(labelBlock(profile, l));
  return parts.join("");
}

function labelBlock(profile: DatasetProfile, l: LabelProfile): string {
  const total = l.rows.false + l.rows.true;
  const rate = total === 0 ? 0 : l.rows.true / total;
  const out: string[] = [
    `<h3 id="label-${esc(l.column)}">by ${esc(l.column)}</h3><p class="muted">${
      grouped(l.rows.true)
    } rows true (${pct(rate)}), ${grouped(l.rows.false)} false; rows where ${
      esc(l.column)
    } is null are left out. Numeric columns: share of each class's values per bin; ` +
    `categorical columns: the rate of true per category.</p><div class="cards">`,
  ];
  for (const name of Object.keys(l.columns).sort(compareNames)) {
    const c = l.columns[name];
    const col = profile.columns[name];
    if (col === undefined) continue;
    if (c.kind === "numeric") {
      const profiles = [c.false, c.true].filter((p) => p !== null).map((p) => ({
        min: p!.min,
        max: p!.max,
        support: p!.support,
        quantiles: { values: p!.quantiles, method: "exact", rank_error_bound: 0 },
      }));
      if (profiles.length === 0) continue;
      // chooseBins only reads min, max, support and quantiles.
      const bins = chooseBins(col.type, profiles as unknown as Parameters<typeof chooseBins>[1]);
      const series: Series[] = [];
      for (const k of ["false", "true"] as const) {
        const p = c[k];
        if (p === null) continue;
        series.push({
          label: `${l.column} = ${k}`,
          shares: supportShares(p.support, bins.edges),
          fill: CLASS_FILL[k],
          opacity: k === "true" ? "0.55" : "0.6",
          cls: `bar label-${k}`,
        });
      }
      const legend = `<rect x="400" y="2" width="10" height="10" fill="${CLASS_FILL.false}"/>` +
        `<text x="414" y="11" class="lg">${esc(l.column)} = false</text>` +
        `<rect x="520" y="2" width="10" height="10" fill="${CLASS_FILL.true}" ` +
        `fill-opacity="0.55"/><text x="534" y="11" class="lg">true</text>`;
      const means = [c.false, c.true].map((p) => p === null ? "–" : valueLabel(col.type, p.mean));
      out.push(
        `<div class="card"><h4>${esc(name)} <span class="muted">mean ${means[0]} vs ${
          means[1]
        }</span></h4>${
          histogramSvg(name, col.type, bins, series, {
            legend,
            aria: `${name} by ${l.column}`,
          }).replace('class="chart"', 'class="chart label-chart"')
        }</div>`,
      );
    } else {
      out.push(`<div class="card"><h4>${esc(name)}</h4>${rateBars(name, l, c.categories)}</div>`);
    }
  }
  out.push("</div>");
  return out.join("");
}

/** Horizontal bars: rate of true per category (the top categories by rows). */
function rateBars(
  name: string,
  l: LabelProfile,
  cats: Array<{ value: string; false: number; true: number }>,
): string {
  const rows = cats.slice(0, 12);
  const w = 640;
  const labelW = 170;
  const rowH = 20;
  const h = 20 + rows.length * rowH + 6;
  const plotW = w - labelW - 120;
  const total = l.rows.false + l.rows.true;
  const base = total === 0 ? 0 : l.rows.true / total;
  const maxRate = Math.max(1e-12, base, ...rows.map((r) => r.true / Math.max(1, r.true + r.false)));
  let body = "";
  rows.forEach((r, i) => {
    const y = 20 + i * rowH;
    const n = r.true + r.false;
    const rate = n === 0 ? 0 : r.true / n;
    const label = r.value.length > 24 ? r.value.slice(0, 23) + "…" : r.value;
    body +=
      `<text x="${labelW - 6}" y="${y + 13}" class="ax" text-anchor="end">${esc(label)}<title>${
        esc(r.value)
      }</title></text><rect class="bar rate" x="${labelW}" y="${y + 3}" ` +
      `width="${
        (Math.max(0.5, (rate / maxRate) * plotW)).toFixed(2)
      }" height="12" fill="${CLASS_FILL.true}" fill-opacity="0.7"><title>${esc(r.value)}: ${
        pct(rate)
      } true of ${grouped(n)} rows</title></rect><text x="${
        (labelW + (rate / maxRate) * plotW + 4).toFixed(2)
      }" y="${y + 13}" class="ax">${pct(rate)} (n=${grouped(n)})</text>`;
  });
  const bx = labelW + (base / maxRate) * plotW;
  body += `<line x1="${bx.toFixed(2)}" y1="14" x2="${bx.toFixed(2)}" y2="${h - 4}" ` +
    `stroke="#333" stroke-dasharray="3,3"/><text x="${bx.toFixed(2)}" y="11" class="ax" ` +
    `text-anchor="middle">overall ${pct(base)}</text>`;
  return `<svg class="chart label-chart" data-column="${esc(name)}" ` +
    `xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `role="img" aria-label="Rate of ${esc(l.column)} by ${esc(name)}">${body}</svg>`;
}

/** One failed check or constraint with the values of its first offending rows. */
export interface FailingCheck {
  /** `column.constraint` for column constraints, the check's name for table checks. */
  check: string;
  /** The constrained column (highlighted), or null for a table check. */
  column: string | null;
  violations: number;
  /** First offending rows (0-based) and their values, by column in schema order. */
  rows: Array<{ row: number; values: Record<string, string> }>;
}

/** Example failing rows of each failed check. */
export function failingRowsSection(failures: readonly FailingCheck[], columns: string[]): string {
  if (failures.length === 0) return "";
  const parts = [
    `<h3 id="failing-rows">Failing rows</h3><p class="muted">The first offending rows ` +
    `(0-based) of each failed check, with their values; the checked column is highlighted.</p>`,
  ];
  for (const f of failures) {
    const cols = columns;
    parts.push(
      `<div class="failing" data-check="${esc(f.check)}"><h4>${esc(f.check)} <span class="muted">${
        grouped(f.violations)
      } violation${f.violations === 1 ? "" : "s"}</span></h4>` +
        `<div class="scroll"><table class="rows"><tr><th>row</th>${
          cols.map((c) => `<th${c === f.column ? ' class="hl"' : ""}>${esc(c)}</th>`).join("")
        }</tr>${
          f.rows.map((r) =>
            `<tr><td>${grouped(r.row)}</td>${
              cols.map((c) =>
                `<td${c === f.column ? ' class="hl"' : ""}>${
                  esc(Object.hasOwn(r.values, c) ? r.values[c] : "")
                }</td>`
              ).join("")
            }</tr>`
          ).join("")
        }</table></div></div>`,
    );
  }
  return parts.join("");
}
