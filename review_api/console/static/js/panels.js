// The facts beside the documents: who, the OCR pre-fill, checks, history, strikes, duplicates.
import { h } from "./dom.js";
import { language, msg, t, tCode, when } from "./i18n.js";
import { badge, kv, section } from "./ui.js";

const STATUS_KIND = { match: "good", mismatch: "bad", not_found: "plain" };

function relationshipLabel(item) {
  if (!item.relationship) return null;
  // The API's label is Chinese and names a relative's degree; English has the code's word.
  if (language() === "zh" && item.relationship_label) return item.relationship_label;
  return tCode("rel_", item.relationship);
}

export function people(item) {
  const f = item.family || {};
  const inmate = item.inmate || {};
  const family = kv([
    [t("family"), f.name],
    [t("nationalId"), f.national_id],
    [t("birthDate"), f.birth_date],
    [t("relationship"), relationshipLabel(item)],
    [t("rejections"), f.rejection_count],
    [t("strikes"), f.strike_count !== undefined ? t("strikeCount", { n: f.strike_count }) : null],
    [t("status"), f.suspended_until ? badge(t("suspendedUntil", { d: when(f.suspended_until) }), "bad") : null],
  ]);
  const held = kv([
    [t("inmate"), inmate.callsign ? `${inmate.callsign} ${inmate.name || ""}` : null],
    [t("institution"), item.institution ? `${item.institution.name} (${item.institution.code})` : null],
    [t("youngestChild"), inmate.youngest_child_birth_date],
    [t("status"), inmate.restricted_until ? badge(t("restrictedUntil", { d: inmate.restricted_until }), "bad") : null],
  ]);
  return section(t("family"), h("div", { class: "two" }, family, held));
}

export function post(item) {
  if (item.kind !== "post") return null;
  return section(t("postContent"),
    h("h3", { class: "post-title", text: item.title || "" }),
    h("p", { class: "post-body", text: item.body || "" }));
}

export function flags(item) {
  if (!item.flags || !item.flags.length) return null;
  return h("div", { class: "flags" }, item.flags.map((f) => badge(msg(f), "warn", f.code)));
}

const RELATIONSHIP_FIELDS = new Set(["relationship"]);

function shownValue(field, value, item) {
  if (value === null || value === undefined || value === "") return "—";
  // The declared relationship is a code; the reviewer reads its label.
  if (RELATIONSHIP_FIELDS.has(field) && value === item.relationship) return relationshipLabel(item);
  return value;
}

/** What OCR read against what was declared, one table a document. */
export function prefill(item) {
  const rows = item.prefill || [];
  if (!rows.length) {
    if (item.kind === "post") return null; // a post's photos are read for text: flags say so
    const state = item.ocr && item.ocr.state;
    return section(t("prefill"), h("p", { class: "muted", text: state && state !== "done" ? `${t("ocrState")}: ${tCode("ocr_", state)}` : t("prefillNone") }));
  }
  const files = (item.files || []).filter((f) => rows.some((p) => p.file_id === f.id));
  const head = h("thead", {}, h("tr", {}, [t("field"), t("declared"), t("read"), t("status"), t("confidence"), t("sourceText")]
    .map((label) => h("th", { scope: "col", text: label }))));
  const body = (file) => h("tbody", {},
    h("tr", { class: "pf-file" }, h("th", { colspan: 6, scope: "rowgroup" },
      tCode("category_", file.category), " · ", h("span", { class: "muted", text: file.original_name }))),
    rows.filter((p) => p.file_id === file.id).map((p) => h("tr", { class: `pf-${p.status}` },
      h("th", { scope: "row", text: tCode("field_", p.field) }),
      h("td", { text: shownValue(p.field, p.expected, item) }),
      h("td", { text: shownValue(p.field, p.value, item) }),
      h("td", {}, badge(tCode("", p.status), STATUS_KIND[p.status] || "plain")),
      h("td", { class: "num", text: p.value === null ? "—" : `${Math.round((p.confidence || 0) * 100)}%` }),
      h("td", {}, h("span", { class: "source", text: p.source_text || "" })))));
  return section(t("prefill"),
    h("table", { class: "prefill", id: "prefill" }, head, files.map(body)),
    h("p", { class: "muted", text: t("prefillHelp") }));
}

export function checks(item) {
  const all = item.checks || [];
  const failed = all.filter((c) => !c.ok);
  const names = Object.fromEntries((item.files || []).map((f) => [f.id, f.original_name]));
  const line = (c) => h("li", { class: c.ok ? "ok" : "bad" },
    badge(c.ok ? t("checkOk") : t("checkFailed"), c.ok ? "good" : "bad"), " ", msg(c),
    c.file_id ? h("span", { class: "muted", text: ` · ${names[c.file_id] || ""}` }) : null);
  const summary = failed.length ? null : h("p", {}, badge(t("checksAllOk"), "good"));
  const details = h("details", { open: failed.length > 0 },
    h("summary", { text: `${t("checks")} (${all.length})` }),
    h("ul", { class: "checks" }, [...failed, ...all.filter((c) => c.ok)].map(line)));
  return section(t("checks"), summary, details);
}

export function history(item) {
  const rows = item.history || [];
  if (!rows.length) return section(t("history"), h("p", { class: "muted", text: t("historyNone") }));
  return section(t("history"), h("ol", { class: "history" }, rows.map((a) => h("li", {},
    h("strong", { text: t("attemptN", { n: a.attempt }) }), " ",
    badge(tCode("status_", a.status), a.status === "rejected" ? "bad" : "plain"), " ",
    h("span", { class: "muted", text: when(a.decided_at || a.submitted_at) }),
    a.decided_by ? h("span", { class: "muted", text: ` · ${t("decidedBy")}: ${a.decided_by.name || a.decided_by.id}` }) : null,
    a.title ? h("p", { class: "post-title", text: a.title }) : null,
    a.body ? h("p", { class: "post-body", text: a.body }) : null,
    (a.files || []).length ? h("p", { class: "muted", text: a.files.map((f) => `${tCode("category_", f.category)}: ${f.original_name}`).join("、") }) : null,
    (a.reasons || []).map((r) => h("p", { text: msg(r) })),
    a.advice ? h("p", { class: "advice", text: `${t("advice")}: ${a.advice}` }) : null))));
}

export function strikes(item, reasons) {
  const list = (item.family && item.family.strikes) || [];
  if (!list.length) return null;
  const label = (code) => {
    const r = reasons.find((x) => x.code === code);
    return r ? msg(r, "label", "label_en") : code;
  };
  return section(t("strikes"), h("ul", { class: "strikes" }, list.map((s) => h("li", {},
    h("span", { class: "muted", text: `${when(s.at)} · ` }),
    s.item_id ? h("a", { href: `#/item/${encodeURIComponent(s.item_id)}`, text: label(s.reason_code) }) : label(s.reason_code),
    s.appeal ? [" ", badge(s.appeal.outcome ? tCode("appeal_", s.appeal.outcome) : t("appealed"), s.appeal.outcome === "overruled" ? "good" : "warn")] : null,
    s.appeal && s.appeal.text ? h("p", { class: "appeal-text", text: s.appeal.text }) : null))));
}

export function earlierPosts(item, go) {
  const list = item.earlier_posts || [];
  if (!list.length) return null;
  return section(t("earlierPosts"), h("ul", { class: "earlier" }, list.map((p) => h("li", {},
    h("a", { href: `#/item/${encodeURIComponent(p.id)}`, onclick: (e) => { e.preventDefault(); go(`#/item/${encodeURIComponent(p.id)}`); }, text: p.title || p.id }),
    " ", badge(tCode("status_", p.status), "plain"), " ", h("span", { class: "muted", text: when(p.submitted_at) })))));
}

export function duplicates(item) {
  const list = item.duplicates || [];
  if (!list.length) return null;
  const names = Object.fromEntries((item.files || []).map((f) => [f.id, f.original_name]));
  return section(t("duplicates"), h("ul", {}, list.map((d) => h("li", {},
    badge(d.match === "exact" ? t("dupExact") : t("dupSimilar"), "bad"), " ", names[d.file_id] || d.file_id, " → ",
    h("a", { href: `#/item/${encodeURIComponent(d.item_id)}`, text: d.item_id })))));
}
