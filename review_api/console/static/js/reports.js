// The last 30 days (Taiwan's calendar): a chart drawn here as SVG, the totals, the reviewers'
// decisions, and the same figures as CSV for a spreadsheet.
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { msg, t } from "./i18n.js";
import { explain, section } from "./ui.js";

const DAYS = 30;
const SVG = "http://www.w3.org/2000/svg";
const SERIES = [
  ["received", "#1f5fae"],
  ["approved", "#1d7a45"],
  ["rejected", "#b3261e"],
  ["needs_fix", "#b07d00"],
];

/** A Taiwan date (UTC+8, no daylight saving) `back` days before today, as YYYY-MM-DD. */
function taiwanDay(back = 0) {
  return new Date(Date.now() + 8 * 3600e3 - back * 86400e3).toISOString().slice(0, 10);
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const range = { from: taiwanDay(DAYS - 1), to: taiwanDay(0) };
  const result = await api("GET", "/reports", { query: range });
  const days = byDay(result.data, range);
  replace(main,
    h("div", { class: "row" }, h("h1", { text: t("reportsTitle", { from: range.from, to: range.to }) }),
      h("span", { class: "spacer" }),
      h("button", { type: "button", id: "report-csv", onclick: () => downloadCsv(range), text: t("downloadCsv") })),
    section(t("reportsChart"), chart(days), legend()),
    totals(result.data, ctx));
}

function byDay(rows, range) {
  const days = new Map();
  for (let back = DAYS - 1; back >= 0; back -= 1) {
    days.set(taiwanDay(back), { received: 0, approved: 0, rejected: 0, needs_fix: 0 });
  }
  for (const r of rows) {
    const d = days.get(r.date);
    if (!d) continue;
    for (const [key] of SERIES) d[key] += r[key] || 0;
  }
  return [...days.entries()];
}

function chart(days) {
  const width = 900;
  const height = 260;
  const pad = { left: 40, right: 10, top: 10, bottom: 40 };
  const max = Math.max(1, ...days.flatMap(([, d]) => SERIES.map(([k]) => d[k])));
  const step = (width - pad.left - pad.right) / days.length;
  const bar = Math.max(1, (step - 4) / SERIES.length);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", id: "report-chart", "aria-label": t("reportsChart") });
  for (const tick of new Set([0, Math.round(max / 2), max])) {
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), stroke: "#d8dde5" }),
      s("text", { x: pad.left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 11, fill: "#5d6878" }, tick));
  }
  days.forEach(([day, d], i) => {
    const x0 = pad.left + i * step + 2;
    SERIES.forEach(([key, colour], j) => {
      if (!d[key]) return;
      const rect = s("rect", { x: x0 + j * bar, y: y(d[key]), width: bar, height: y(0) - y(d[key]), fill: colour });
      rect.append(s("title", {}, `${day} ${t(`series_${key}`)}: ${d[key]}`));
      svg.append(rect);
    });
    if (i % 5 === 0 || i === days.length - 1) {
      svg.append(s("text", { x: x0 + step / 2, y: height - pad.bottom + 16, "text-anchor": "middle", "font-size": 11, fill: "#5d6878" }, day.slice(5)));
    }
  });
  return svg;
}

function legend() {
  return h("p", { class: "legend-row" }, SERIES.map(([key]) =>
    h("span", { class: `swatch swatch-${key}` }, t(`series_${key}`))));
}

function totals(rows, ctx) {
  const sum = (key) => rows.reduce((n, r) => n + (r[key] || 0), 0);
  const reviewers = new Map();
  const reasons = new Map();
  for (const r of rows) {
    for (const rc of r.decisions_by_reviewer || []) {
      reviewers.set(rc.name, (reviewers.get(rc.name) || 0) + rc.decisions);
    }
    for (const [code, n] of Object.entries(r.rejected_by_reason || {})) reasons.set(code, (reasons.get(code) || 0) + n);
  }
  const label = (code) => {
    const reason = ctx.reasons.find((x) => x.code === code);
    return reason ? msg(reason, "label", "label_en") : code;
  };
  const list = (map, name) => map.size
    ? h("table", { class: "prefill" }, h("tbody", {}, [...map.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) =>
      h("tr", {}, h("th", { scope: "row", text: name(k) }), h("td", { class: "num", text: n })))))
    : h("p", { class: "muted", text: "—" });
  return h("div", { class: "two report-totals" },
    section(t("reportsTotals"), h("dl", { class: "kv", id: "report-totals" },
      SERIES.map(([key]) => [h("dt", { text: t(`series_${key}`) }), h("dd", { text: sum(key) })]))),
    section(t("reportsReviewers"), list(reviewers, (k) => k)),
    section(t("reportsReasons"), list(reasons, label)));
}

async function downloadCsv(range) {
  try {
    const result = await api("GET", "/reports", { query: { ...range, format: "csv" }, blob: true });
    const link = h("a", { href: URL.createObjectURL(result.data), download: `familybook-report-${range.from}-${range.to}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    toast(explain(error), "error");
  }
}
