/**
 * Renders report.html in headless Chromium (Debian's `chromium` package) and
 * checks that every column's chart is in the parsed DOM and laid out with a
 * non-zero size, that the correlation heatmaps, per-label charts, the
 * high-cardinality summary and the failing rows are laid out too, and takes
 * screenshots at desktop (1600 px) and laptop (1280 px) widths
 * (SDP_KEEP_SCREENSHOTS=DIR keeps them for a look). Skipped, with a message, when /usr/bin/chromium is absent.
 */
import assert from "node:assert/strict";
import type { PlainColumn } from "../../tests/helpers/profile.ts";
import { evaluate, renderReportHtml, type ValidationSummary } from "./mod.ts";
import { profileOf, specFor } from "../../tests/helpers/evaluate.ts";

const CHROMIUM = "/usr/bin/chromium";

function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const available = hasChromium();
if (!available) {
  console.warn(`SKIP report.html Chromium test: ${CHROMIUM} not found (apt-get install chromium)`);
}

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

function reportHtml(): { html: string; columns: number } {
  const spec = specFor([
    { name: "amount", type: "float" },
    { name: "flag", type: "boolean" },
    { name: "kind", type: "string" },
    { name: "nothing", type: "integer" },
    { name: "ts", type: "datetime" },
    { name: "user", type: "string" },
  ], { labelRates: { flag: 0.3 } });
  const cols = (shift: number): Record<string, PlainColumn> => ({
    amount: { type: "float", values: range(800, (i) => ((i * 37) % 800) / 8 + shift) },
    flag: { type: "boolean", values: range(800, (i) => i % (3 + shift) === 0) },
    kind: { type: "string", values: range(800, (i) => `k${(i + shift) % 6}`) },
    nothing: { type: "integer", values: range(800, () => null) },
    ts: { type: "datetime", values: range(800, (i) => 1_700_000_000_000 + i * 3_600_000) },
    user: { type: "string", values: range(800, (i) => `user-${(i * 7 + shift) % 700}`) },
  });
  const labels = { labels: ["flag"] };
  const prior = profileOf(cols(0), 1000, labels);
  const profile = profileOf(cols(2), 1000, labels);
  const validation: ValidationSummary = {
    passed: false,
    rows: 800,
    columns: { amount: { violations: 1 } },
    checks: {},
  };
  const evaluation = evaluate({
    versionIndex: 1,
    spec,
    profile,
    prior: { version: "v1", profile: prior, versionIndex: 0 },
    validation,
  });
  const html = renderReportHtml({
    dataset: "chromium_demo",
    version: "v2",
    spec,
    profile,
    prior: { version: "v1", profile: prior },
    evaluation,
    validation,
    failures: [{
      check: "amount.max",
      column: "amount",
      violations: 1,
      rows: [{ row: 3, values: { amount: "1e9", kind: "k3", ts: "2023-11-14T22:13:20.000Z" } }],
    }],
  });
  // `user` is high-cardinality: a summary table, not a chart.
  return { html, columns: 5 };
}

async function dumpDom(file: string, profileDir: string): Promise<string> {
  const cmd = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profileDir}`,
      "--dump-dom",
      `file://${file}`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  });
  const out = await cmd.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

async function screenshot(file: string, png: string, width: number, profileDir: string) {
  const out = await new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profileDir}`,
      `--window-size=${width},6000`,
      `--screenshot=${png}`,
      `file://${file}`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test({
  name: "report.html renders in headless Chromium with every chart laid out",
  ignore: !available,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { html, columns } = reportHtml();
    const dir = await Deno.makeTempDir({ prefix: "sdp_html_" });
    try {
      // 1. The report as written: Chromium parses the inline SVG charts.
      const file = `${dir}/report.html`;
      await Deno.writeTextFile(file, html);
      const dom = await dumpDom(file, `${dir}/profile1`);
      assert.equal((dom.match(/<svg class="chart(?: empty)?" /g) ?? []).length, columns);
      assert.ok((dom.match(/<rect class="bar current"/g) ?? []).length >= 20);
      assert.ok((dom.match(/<rect class="bar prior"/g) ?? []).length >= 20);
      assert.match(dom, /id="quality-score"/);
      // 2. A copy with a test-only probe script measures the rendered layout.
      const probe = `<script>addEventListener("load",()=>{const r=[...document.querySelectorAll(` +
        `"svg.chart:not(.label-chart)")].map(s=>{const b=s.getBoundingClientRect();const bars=[...s.querySelectorAll(` +
        `"rect.bar")].filter(x=>x.getBoundingClientRect().width>0).length;return [s.dataset.column,` +
        `Math.round(b.width),Math.round(b.height),bars].join(":")});const p=document.createElement(` +
        `"pre");p.id="probe";p.textContent=r.join("|");document.body.appendChild(p)});</script>`;
      const probed = `${dir}/probed.html`;
      await Deno.writeTextFile(probed, html.replace("</body>", `${probe}</body>`));
      const pdom = await dumpDom(probed, `${dir}/profile2`);
      const m = pdom.match(/<pre id="probe">([^<]*)<\/pre>/);
      // 3. The new sections are laid out with a non-zero size.
      const sections = `<script>addEventListener("load",()=>{const r=[["heatmap","svg.heatmap"],` +
        `["label","svg.label-chart"],["highcard","div.highcard"],["failing","div.failing"]].map(` +
        `([k,q])=>{const e=[...document.querySelectorAll(q)];return [k,e.length,Math.min(...e.map(` +
        `x=>x.getBoundingClientRect().width)),Math.min(...e.map(x=>x.getBoundingClientRect().height` +
        `))].join(":")});const p=document.createElement("pre");p.id="sections";p.textContent=` +
        `r.join("|");document.body.appendChild(p)});</script>`;
      const sfile = `${dir}/sections.html`;
      await Deno.writeTextFile(sfile, html.replace("</body>", `${sections}</body>`));
      const sdom = await dumpDom(sfile, `${dir}/profile3`);
      const sm = sdom.match(/<pre id="sections">([^<]*)<\/pre>/);
      assert.ok(sm, "sections probe output missing");
      const want: Record<string, number> = { heatmap: 2, label: 4, highcard: 1, failing: 1 };
      for (const [kind, count, w, h] of sm[1].split("|").map((x) => x.split(":"))) {
        assert.equal(Number(count), want[kind], `${kind} elements`);
        assert.ok(Number(w) > 100 && Number(h) > 40, `${kind} is ${w}x${h}`);
      }
      // 4. Screenshots of the report at desktop and laptop widths: real pixels.
      for (const width of [1600, 1280]) {
        const png = `${dir}/report-${width}.png`;
        await screenshot(file, png, width, `${dir}/profile-shot-${width}`);
        const bytes = await Deno.readFile(png);
        assert.deepEqual([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
        assert.ok(bytes.length > 50_000, `screenshot ${width} has ${bytes.length} bytes`);
        const keep = Deno.env.get("SDP_KEEP_SCREENSHOTS");
        if (keep) await Deno.copyFile(png, `${keep}/report-${width}.png`);
      }
      assert.ok(m, "probe output missing");
      const charts = m[1].split("|").map((s) => s.split(":"));
      assert.equal(charts.length, columns);
      for (const [name, w, h, bars] of charts) {
        assert.ok(Number(w) > 100 && Number(h) > 40, `chart ${name} is ${w}x${h}`);
        if (name !== "nothing") assert.ok(Number(bars) > 0, `chart ${name} has no visible bars`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
