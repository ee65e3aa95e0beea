// Administrators: the contact-book services of their institutions (approved applications),
// paged by the Link header, and ending one for a reason. Ending is serious and cannot be undone:
// the family is emailed, posts in flight are withdrawn, the inmate is free for another family.
// The dialog says so (Chinese, then English) and asks for the reason and a note for the record.
import { api, features } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { both, t, tCode, when } from "./i18n.js";
import { confirmAction } from "./ui.js";

const STATES = ["active", "ended"];
/** What the server had before EndReason was published in its OpenAPI document. */
const END_REASONS = ["family_request", "released", "transferred", "child_aged_out", "other"];
/** The note's limit on the server (usecases/services.py NOTE_MAX_CHARS). */
const NOTE_MAX = 500;
let state = "active";
let cursor = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", cursor || "/services", { query: cursor ? undefined : { status: state } });
  const reload = () => render(ctx, main);
  const done = () => { cursor = null; return reload(); };
  const picker = h("select", { id: "service-status", onchange: () => { state = picker.value; done(); } },
    STATES.map((s) => h("option", { value: s, text: t(`servState_${s}`) })));
  picker.value = state;
  const heads = state === "active"
    ? [t("family"), t("inmate"), t("relationship"), t("institution"), t("servApprovedAt"), ""]
    : [t("family"), t("inmate"), t("relationship"), t("institution"), t("servEndedAt"), t("servEndReason"), t("servEndNote")];
  const table = result.data.length
    ? h("table", { class: "queue admin-list", id: "services" },
      h("thead", {}, h("tr", {}, heads.map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, result.data.map((s) => row(s, done))))
    : h("p", { class: "empty", text: t(`servNone_${state}`) });
  const pager = cursor || result.next ? h("div", { class: "pager" },
    h("button", { type: "button", disabled: !cursor, onclick: done, text: t("firstPage") }),
    h("button", { type: "button", id: "next-page", disabled: !result.next, onclick: () => { cursor = result.next; reload(); }, text: t("nextPage") })) : null;
  replace(main,
    h("h1", { text: t("servicesTitle") }),
    h("p", { class: "muted", text: t("servicesHelp") }),
    h("div", { class: "toolbar" }, h("label", { class: "field" }, h("span", { text: t("status") }), picker)),
    table, pager);
}

function inmateOf(s) {
  return s.inmate ? `${s.inmate.callsign} ${s.inmate.name}` : "—";
}

function row(s, done) {
  const cells = [
    h("td", { class: "who", text: s.family_name || "—" }),
    h("td", { text: inmateOf(s) }),
    h("td", { text: tCode("rel_", s.relationship) }),
    h("td", { text: s.institution }),
  ];
  if (s.status === "ended") {
    cells.push(h("td", { text: when(s.ended_at) }), h("td", { text: tCode("end_", s.end_reason) }),
      h("td", { class: "note-cell", text: s.end_note || "—" }));
  } else {
    cells.push(h("td", { text: when(s.approved_at) }),
      h("td", {}, h("button", { type: "button", class: "bad end-service", onclick: () => endIt(s, done), text: t("servEnd") })));
  }
  return h("tr", { dataset: { id: s.id } }, cells);
}

function endIt(s, done) {
  const reasons = features.enums.EndReason || END_REASONS;
  const reason = h("select", { id: "end-reason", name: "reason", required: true },
    h("option", { value: "", text: t("chooseReason") }),
    reasons.map((r) => h("option", { value: r, text: tCode("end_", r) })));
  const note = h("textarea", { id: "end-note", name: "note", rows: 3, required: true, maxlength: NOTE_MAX, placeholder: t("servNotePlaceholder") });
  const vars = { name: s.family_name, inmate: inmateOf(s), code: s.institution };
  confirmAction({
    title: t("servEndTitle"),
    say: [both("servEndSays", vars), both("servEndEmail"), both("servEndPosts"), both("servEndInmate"), both("servEndFinal")],
    fields: [
      h("label", { for: "end-reason", text: t("servEndReason") }), reason,
      h("label", { for: "end-note", text: t("servEndNoteLabel") }), note,
    ],
    button: t("servEnd"), id: "send-end-service",
    run: async () => {
      if (!note.value.trim()) return t("servNoteNeeded");
      await api("POST", `/services/${encodeURIComponent(s.id)}/end`, { body: { reason: reason.value, note: note.value.trim() } });
    },
    after: () => { toast(t("servEnded")); done(); },
  });
}
