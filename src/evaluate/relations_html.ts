/**
 * report.html of a multi-table version: a table-level summary (rows,
 * validation, quality, drift, each table's own report), the relations
 * (keys, orphans, children per parent against the declaration, cross-table
 * checks) and a small entity-relationship diagram as inline SVG. One
 * self-contained file; deterministic (no times or paths).
 *
 * @module
 */
import type { DatasetSpec, ForeignKeySpec, TableSpec } from "../model/mod.ts";
import type { RelationsReport } from "../validate/relations.ts";

/** What the page shows about one table. */
export interface TableSummary {
  table: string;
  rows: number;
  validation_passed: boolean;
  quality_score: number;
  drift_verdict: string;
}

/** 1234567 -> "1,234,567" (no locale reaches the report). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** How a foreign key is filled, in a few words. */
export function describeForeignKey(fk: ForeignKeySpec): string {
  switch (fk.mode.kind) {
    case "per_parent": {
      const c = fk.mode.count;
      const shape = c.kind === "poisson"
        ? `poisson λ=${c.lambda}`
        : c.kind === "uniform"
        ? "uniform"
        : "categorical";
      return `1:N, ${shape}, ${c.min}–${c.max} per parent`;
    }
    case "pick": {
      const p = fk.mode.pick;
      const how = p.kind === "zipf" ? `zipf s=${p.s}` : "uniform";
      const nulls = fk.mode.nullRate > 0
        ? `, ${Math.round(fk.mode.nullRate * 1000) / 10}% null`
        : "";
      return `${fk.self ? "self, earlier rows" : "N:1 lookup"}, ${how}${nulls}`;
    }
  }
}

/** The entity-relationship diagram: tables in columns by depth, arrows child -> parent. */
export function erDiagramSvg(tables: TableSpec[], rows: Map<string, number>): string {
  const depth = new Map<string, number>();
  for (const t of tables) {
    const parents = t.foreignKeys.filter((f) => !f.self).map((f) => depth.get(f.table) ?? 0);
    depth.set(t.name, parents.length === 0 ? 0 : Math.max(...parents) + 1);
  }
  const boxW = 190;
  const lineH = 16;
  const gapX = 210;
  const gapY = 28;
  const pos = new Map<string, { x: number; y: number; h: number }>();
  const colY = new Map<number, number>();
  for (const t of tables) {
    const d = depth.get(t.name)!;
    const cols = t.spec.columns.map((c) => c.name);
    const h = 24 + lineH * (cols.length + 1) + 6;
    const y = colY.get(d) ?? 10;
    pos.set(t.name, { x: 10 + d * (boxW + gapX), y, h });
    colY.set(d, y + h + gapY);
  }
  const width = 20 + (Math.max(...depth.values()) + 1) * (boxW + gapX) - gapX;
  const height = Math.max(...colY.values()) + 10;
  // Lines first, boxes over them, labels last (with a white halo) so none hides another.
  const lines: string[] = [];
  const boxes: string[] = [];
  const labels: string[] = [];
  const label = (x: number, y: number, text: string, color: string, anchor = "end") =>
    labels.push(
      `<text x="${x}" y="${y}" font-size="10" text-anchor="${anchor}" fill="${color}" ` +
        `stroke="#fff" stroke-width="3" paint-order="stroke">${esc(text)}</text>`,
    );
  for (const t of tables) {
    const p = pos.get(t.name)!;
    const keys = new Set(t.primaryKey);
    const fkCols = new Set(t.foreignKeys.flatMap((f) => f.columns));
    boxes.push(
      `<g><rect x="${p.x}" y="${p.y}" width="${boxW}" height="${p.h}" rx="6" fill="#f7f9fc" stroke="#4a6fa5"/>` +
        `<rect x="${p.x}" y="${p.y}" width="${boxW}" height="22" rx="6" fill="#4a6fa5"/>` +
        `<text x="${p.x + 8}" y="${p.y + 16}" fill="#fff" font-weight="bold">${
          esc(t.name)
        }</text>` +
        `<text x="${p.x + boxW - 8}" y="${p.y + 16}" fill="#fff" text-anchor="end">${
          esc(thousands(rows.get(t.name) ?? 0))
        }</text>`,
    );
    t.spec.columns.forEach((c, i) => {
      const mark = keys.has(c.name) ? "🔑 " : fkCols.has(c.name) ? "→ " : "";
      boxes.push(
        `<text x="${p.x + 8}" y="${p.y + 38 + i * lineH}"${
          keys.has(c.name) ? ' font-weight="bold"' : ""
        }>${esc(mark + c.name)}<tspan fill="#888"> ${esc(c.type)}</tspan></text>`,
      );
    });
    boxes.push("</g>");
  }
  for (const t of tables) {
    const c = pos.get(t.name)!;
    t.foreignKeys.forEach((fk, k) => {
      const p = pos.get(fk.table);
      if (!p) return;
      const text = `${fk.columns.join(", ")}: ${describeForeignKey(fk)}`;
      if (fk.self) {
        const x = c.x + boxW;
        const y = c.y + 34;
        lines.push(
          `<path d="M${x} ${y} c40 0 40 30 0 30" fill="none" stroke="#c0504d" marker-end="url(#arrow)"/>`,
        );
        // Under the box, in the gap before the next one.
        label(c.x + 4, c.y + c.h + 13, text, "#c0504d", "start");
        return;
      }
      // Each key leaves its child at its own height, so several keys stay apart.
      const x1 = c.x;
      const y1 = c.y + 30 + 14 * k;
      const x2 = p.x + boxW;
      const y2 = p.y + 11;
      const color = fk.mode.kind === "per_parent" ? "#4a6fa5" : "#9b7bb8";
      lines.push(
        `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${color}" stroke-width="1.5" marker-end="url(#arrow)"/>`,
      );
      label(x1 - 6, y1 - 4, text, color);
    });
  }
  const parts = [...lines, ...boxes, ...labels];
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="entity-relationship diagram" ` +
    `width="${width + 60}" height="${height}" viewBox="0 0 ${
      width + 60
    } ${height}" font-family="sans-serif" font-size="12">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>${parts.join("")}</svg>`;
}

/** The whole page. */
export function renderRelationsHtml(input: {
  spec: DatasetSpec;
  version: string;
  tables: TableSummary[];
  relations: RelationsReport;
}): string {
  const { spec, version, tables, relations } = input;
  const rows = new Map(tables.map((t) => [t.table, t.rows]));
  const ok = (
    b: boolean,
  ) => (b ? `<span class="ok">passed</span>` : `<span class="bad">failed</span>`);
  const summary = tables.map((t) =>
    `<tr><td><a href="tables/${esc(t.table)}/report.html">${esc(t.table)}</a></td>` +
    `<td class="n">${esc(thousands(t.rows))}</td><td>${ok(t.validation_passed)}</td>` +
    `<td class="n">${esc(t.quality_score.toFixed(1))}</td><td>${esc(t.drift_verdict)}</td></tr>`
  ).join("");
  const keyRows = relations.tables.flatMap((t) => {
    const out = [
      `<tr><td>${esc(t.table)}</td><td>primary key (${
        esc(t.primary_key.columns.join(", "))
      })</td>` +
      `<td>${esc(t.primary_key.duplicates)} duplicates, ${esc(t.primary_key.nulls)} nulls</td><td>${
        ok(t.primary_key.passed)
      }</td></tr>`,
    ];
    for (const f of t.foreign_keys) {
      const pp = f.per_parent;
      const dist = pp
        ? `; children per parent: mean ${pp.mean} (declared ${pp.expected_mean}), ${pp.min}–${pp.max}, ` +
          `χ²=${pp.chi2} df=${pp.df} p=${pp.p_value}${pp.matches ? "" : " (does not match)"}`
        : "";
      out.push(
        `<tr><td>${esc(t.table)}</td><td>(${esc(f.columns.join(", "))}) → ${
          esc(f.references.table)
        }</td>` +
          `<td>${esc(f.orphans)} orphans, ${esc(f.nulls)} nulls of ${esc(f.rows)}${
            esc(dist)
          }</td><td>${ok(f.passed)}</td></tr>`,
      );
    }
    for (const [name, c] of Object.entries(t.cross_checks)) {
      out.push(
        `<tr><td>${esc(t.table)}</td><td>${esc(name)}</td><td>${
          esc(c.violations)
        } violations</td><td>${ok(c.passed)}</td></tr>`,
      );
    }
    return out;
  }).join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${esc(spec.name)} ${esc(version)}</title><style>` +
    `body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}` +
    `td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right}` +
    `.ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}</style></head><body>` +
    `<h1>${esc(spec.name)} ${esc(version)}</h1><p>${esc(spec.description)}</p>` +
    `<p>Relations: ${ok(relations.passed)}</p>` +
    `<h2>Tables</h2><table><tr><th>table</th><th>rows</th><th>validation</th><th>quality</th><th>drift</th></tr>${summary}</table>` +
    `<h2>Entity-relationship diagram</h2>${erDiagramSvg(spec.tables ?? [], rows)}` +
    `<h2>Keys and cross-table checks</h2><table><tr><th>table</th><th>what</th><th>result</th><th></th></tr>${keyRows}</table>` +
    `</body></html>\n`;
}
