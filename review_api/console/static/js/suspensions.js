// Administrators: suspensions of their institutions' families, paged by the Link header. A
// proposed one (policy suspension_mode: proposed) waits for a decision: confirm it (the family
// is emailed and cannot post to the institution for a calendar month) or dismiss it; a running
// one can be lifted (DELETE /accounts/{id}/suspension, the family is emailed).
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { both, t, when } from "./i18n.js";
import { confirmAction } from "./ui.js";

const STATES = ["proposed", "active", "dismissed"];
/** The list shown, and the page of it (null: the first, else the Link target). */
let state = "proposed";
let cursor = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", cursor || "/suspensions", { query: cursor ? undefined : { state } });
  const reload = () => render(ctx, main);
  const done = () => { cursor = null; return reload(); };
  const picker = h("select", { id: "suspension-state", onchange: () => { state = picker.value; done(); } },
    STATES.map((s) => h("option", { value: s, text: t(`suspState_${s}`) })));
  picker.value = state;
  const heads = [t("family"), t("institution"), t("suspStrikes"), t(`suspFrom_${state}`), t(`suspUntil_${state}`), t("suspDecidedAt"), ""];
  const table = result.data.length
    ? h("table", { class: "queue admin-list", id: "suspensions" },
      h("thead", {}, h("tr", {}, heads.map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, result.data.map((s) => row(s, done))))
    : h("p", { class: "empty", text: t(`suspNone_${state}`) });
  const pager = cursor || result.next ? h("div", { class: "pager" },
    h("button", { type: "button", disabled: !cursor, onclick: done, text: t("firstPage") }),
    h("button", { type: "button", id: "next-page", disabled: !result.next, onclick: () => { cursor = result.next; reload(); }, text: t("nextPage") })) : null;
  replace(main,
    h("h1", { text: t("suspensionsTitle") }),
    h("p", { class: "muted", text: t("suspensionsHelp") }),
    h("div", { class: "toolbar" }, h("label", { class: "field" }, h("span", { text: t("status") }), picker)),
    table, pager);
}

function row(s, done) {
  // A confirmed suspension ends by itself at `until`, or earlier when lifted.
  const over = s.state === "active" && (Boolean(s.lifted_at) || new Date(s.until) <= new Date());
  return h("tr", { dataset: { id: s.id } },
    h("td", { class: "who", text: s.family_name || "—" }),
    h("td", { text: s.institution }),
    h("td", { class: "num", text: s.strikes }),
    h("td", { text: when(s.starts_at) }),
    h("td", {}, when(s.until), " ", over ? h("span", { class: "badge badge-other", text: t(s.lifted_at ? "suspLiftedBadge" : "suspOver") }) : null),
    h("td", { text: when(s.decided_at) }),
    h("td", {}, h("div", { class: "row nowrap" }, actions(s, over, done))));
}

function actions(s, over, done) {
  if (s.state === "proposed") {
    return [
      h("button", { type: "button", class: "bad confirm-suspension", onclick: () => confirmIt(s, done), text: t("suspConfirm") }),
      h("button", { type: "button", class: "dismiss-suspension", onclick: () => dismissIt(s, done), text: t("suspDismiss") }),
    ];
  }
  if (s.state === "active" && !over) {
    return h("button", { type: "button", class: "lift-suspension", onclick: () => liftIt(s, done), text: t("suspLift") });
  }
  return null;
}

function confirmIt(s, done) {
  confirmAction({
    title: t("suspConfirmTitle", { name: s.family_name }),
    say: [both("suspConfirmSays", { name: s.family_name, code: s.institution, n: s.strikes }), both("suspEmailed")],
    button: t("suspConfirm"), id: "send-confirm-suspension",
    run: async () => {
      await api("POST", `/suspensions/${encodeURIComponent(s.id)}/confirm`);
    },
    after: () => { toast(t("suspConfirmed")); done(); },
  });
}

function dismissIt(s, done) {
  confirmAction({
    title: t("suspDismissTitle", { name: s.family_name }),
    say: [both("suspDismissSays", { name: s.family_name }), both("suspNotEmailed")],
    button: t("suspDismiss"), id: "send-dismiss-suspension", kind: "primary",
    run: async () => {
      await api("POST", `/suspensions/${encodeURIComponent(s.id)}/dismiss`);
    },
    after: () => { toast(t("suspDismissed")); done(); },
  });
}

function liftIt(s, done) {
  confirmAction({
    title: t("suspLiftTitle", { name: s.family_name }),
    say: [both("suspLiftSays", { name: s.family_name }), both("suspEmailed")],
    button: t("suspLift"), id: "send-lift-suspension", kind: "primary",
    run: async () => {
      await api("DELETE", `/accounts/${encodeURIComponent(s.account_id)}/suspension`);
    },
    after: () => { toast(t("suspLifted")); done(); },
  });
}
