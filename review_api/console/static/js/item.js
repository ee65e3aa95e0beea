// One item: documents beside the facts, the claim and the decision, staff notes.
import { api, features, session } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { t, tCode, when } from "./i18n.js";
import { badge, explain, section } from "./ui.js";
import { viewer } from "./viewer.js";
import * as panels from "./panels.js";
import * as decide from "./decide.js";

const OPEN = new Set(["awaiting_review", "in_review"]);
const REOPENABLE = new Set(["approved", "rejected"]);
let shown = null;

export async function render(ctx, main, [id]) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", `/items/${encodeURIComponent(id)}`);
  shown = result.data;
  const index = ctx.queue.rows.findIndex((r) => r.id === id);
  if (index >= 0) ctx.queue.selected = index;
  draw(ctx, main);
}

function draw(ctx, main) {
  const item = shown;
  const reload = () => render(ctx, main, [item.id]);
  const facts = h("div", { class: "facts" },
    panels.flags(item), panels.post(item), panels.prefill(item), panels.people(item),
    panels.checks(item), panels.history(item), panels.strikes(item, ctx.reasons),
    panels.earlierPosts(item, ctx.go), panels.duplicates(item), notes(item, reload));
  replace(main, actionBar(ctx, item, reload), h("div", { class: "item-grid" }, viewer(item), facts));
}

function mine(item) {
  return item.claimed_by && item.claimed_by === session.me;
}

function actionBar(ctx, item, reload) {
  const open = OPEN.has(item.status);
  let state;
  if (!open) state = t("alreadyDecidedState", { s: tCode("status_", item.status) });
  else if (mine(item)) state = t("claimedUntil", { t: when(item.lease_expires_at) });
  else if (item.claimed_by) {
    state = item.claimed_by_staff ? t("claimedByName", { name: item.claimed_by_staff.name }) : t("claimedElse");
  }
  else state = t("notClaimedYet");
  const button = (label, action, cls, id, enabled = true) =>
    h("button", { type: "button", class: cls, id, disabled: !enabled, onclick: action, text: label });
  return h("div", { class: "actions", id: "actions" },
    h("a", { href: "#/queue", class: "back", text: t("back") }),
    h("span", { class: "item-kind" },
      badge(tCode("kind_", item.kind), "plain"), " ",
      t("attemptN", { n: item.attempt }), " · ", when(item.submitted_at)),
    h("span", { class: "claim-state", id: "claim-state", text: state }),
    h("span", { class: "spacer" }),
    open && !mine(item) && !item.claimed_by ? button(`${t("claimThis")} (c)`, () => claim(item, reload), "", "claim") : null,
    open && mine(item) ? button(t("release"), () => release(ctx, item), "", "release") : null,
    open ? button(`${t("reject")} (r)`, () => decide.reject(item, ctx.reasons, () => ctx.go("#/queue")), "bad", "reject", mine(item)) : null,
    open ? button(`${t("approve")} (a)`, () => decide.approve(item, () => ctx.go("#/queue")), "good", "approve", mine(item)) : null,
    !open && ctx.isAdmin && REOPENABLE.has(item.status) && features.has("POST", "/items/{item_id}/reopen")
      ? button(t("reopen"), () => decide.reopen(item, reload), "", "reopen") : null);
}

async function claim(item, reload) {
  try {
    const result = await api("POST", `/items/${encodeURIComponent(item.id)}/claim`);
    session.me = result.data.claimed_by;
    toast(t("claimed"));
    reload();
  } catch (error) {
    toast(explain(error), "error");
  }
}

async function release(ctx, item) {
  try {
    await api("DELETE", `/items/${encodeURIComponent(item.id)}/claim`);
    toast(t("released"));
    ctx.go("#/queue");
  } catch (error) {
    toast(explain(error), "error");
  }
}

function notes(item, reload) {
  const canWrite = features.has("POST", "/items/{item_id}/notes");
  if (!("notes" in item) && !canWrite) return null;
  const list = (item.notes || []).map((n) => h("li", {},
    h("p", { class: "note-text", text: n.text }),
    h("p", { class: "muted", text: `${(n.by && n.by.name) || ""} · ${when(n.at)}` })));
  const text = h("textarea", { id: "note-text", rows: 2, maxlength: 2000, "aria-label": t("addNote"), placeholder: t("notePlaceholder") });
  let sending = false;
  const send = async () => {
    if (!text.value.trim() || sending) return;
    sending = true;
    try {
      await api("POST", `/items/${encodeURIComponent(item.id)}/notes`, { body: { text: text.value.trim() } });
      toast(t("noteSaved"));
      reload();
    } catch (error) {
      toast(explain(error), "error");
    } finally {
      sending = false;
    }
  };
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    if (e.key === "Escape") text.blur();
  });
  const form = canWrite ? h("form", { class: "note-form", onsubmit: (e) => { e.preventDefault(); send(); } },
    text, h("button", { type: "submit", id: "add-note", text: `${t("addNote")} (Ctrl+Enter)` })) : null;
  return section(t("notes"), h("p", { class: "muted", text: t("notesHelp") }),
    list.length ? h("ul", { class: "notes", id: "notes" }, list) : h("p", { class: "muted", text: t("notesNone") }), form);
}

function neighbour(ctx, delta) {
  const rows = ctx.queue.rows;
  const index = rows.findIndex((r) => r.id === (shown && shown.id));
  const next = rows[(index < 0 ? ctx.queue.selected : index) + delta];
  if (next) ctx.go(`#/item/${encodeURIComponent(next.id)}`);
}

export function key(ctx, k) {
  const item = shown;
  if (!item) return false;
  const open = OPEN.has(item.status);
  const click = (id) => { const b = document.getElementById(id); if (b && !b.disabled) b.click(); };
  if (k === "j") neighbour(ctx, 1);
  else if (k === "k") neighbour(ctx, -1);
  else if (k === "c" && open) click("claim");
  else if (k === "a" && open) click("approve");
  else if (k === "r" && open) click("reject");
  else if (k === "n") { const n = document.getElementById("note-text"); if (n) { n.focus(); n.scrollIntoView({ block: "center" }); } }
  else return false;
  return true;
}
