// The console's shell: sign-in, the header, the screens by URL hash, the keyboard.
import { api, features, loadFeatures, session } from "./api.js";
import { h, replace, toast, typing } from "./dom.js";
import { language, setLanguage, t } from "./i18n.js";
import { closeModal, dialogOpen, explain, modal } from "./ui.js";
import * as queue from "./queue.js";
import * as item from "./item.js";
import * as deliveries from "./deliveries.js";
import * as appeals from "./appeals.js";
import * as reports from "./reports.js";
import * as audit from "./audit.js";
import * as staff from "./staff.js";
import * as finder from "./finder.js";
import * as suspensions from "./suspensions.js";
import * as services from "./services.js";

/** What the screens share: reference data, the loaded queue page, navigation. */
export const ctx = {
  reasons: [],
  institutions: [],
  isAdmin: false,
  queue: { rows: [], selected: 0 },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

const SCREENS = { queue, item, deliveries, appeals, reports, audit, staff, finder, suspensions, services };
let current = null;

function root() {
  return document.getElementById("app");
}

function signInScreen(problem) {
  const input = h("input", {
    id: "token", type: "password", autocomplete: "off", spellcheck: "false", "aria-describedby": "token-help",
  });
  const error = h("p", { class: "error", role: "alert", text: problem || "" });
  const form = h(
    "form",
    { class: "signin", onsubmit: (e) => { e.preventDefault(); signIn(input.value.trim(), error); } },
    h("h1", { text: t("appTitle") }),
    h("h2", { text: t("signInTitle") }),
    h("p", { id: "token-help", text: t("signInHelp") }),
    h("label", { for: "token", text: t("tokenLabel") }),
    input,
    error,
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary", id: "sign-in", text: t("signIn") }),
      languageButton()),
  );
  replace(root(), h("main", { class: "signin-page" }, form));
  input.focus();
}

async function signIn(token, errorEl) {
  if (!token) return;
  session.token = token;
  try {
    await start();
  } catch (error) {
    session.token = null;
    errorEl.textContent = explain(error);
  }
}

/** Loads what every screen needs; a 401 here means the token is wrong. */
async function start() {
  const [reasons, stats] = await Promise.all([api("GET", "/reasons"), api("GET", "/stats")]);
  ctx.reasons = reasons.data;
  ctx.institutions = [...new Set(stats.data.queues.map((q) => q.institution))].sort();
  await loadFeatures();
  // No "who am I" endpoint says the role: an administrators' list answers 403 to reviewers.
  // One row is enough to tell.
  try {
    await api("GET", "/appeals", { query: { limit: 1 } });
    ctx.isAdmin = true;
  } catch (error) {
    if (error.status !== 403) throw error;
    ctx.isAdmin = false;
  }
  await learnWhoIAm();
  if (!location.hash) location.hash = "#/queue";
  route();
}

/** The API names claims by staff id and has no "who am I": a claim of mine still held (from
 * another tab) tells it, so that claim shows as mine; otherwise the next claim will. */
async function learnWhoIAm() {
  if (session.me || !features.queueParams.has("claimed")) return;
  const mine = await api("GET", "/queue", { query: { claimed: "mine", limit: 1 } });
  if (mine.data.length && mine.data[0].claimed_by) session.me = mine.data[0].claimed_by;
}

function languageButton() {
  return h("button", {
    type: "button", class: "link", id: "lang", lang: language() === "en" ? "zh-Hant" : "en",
    text: t("language"),
    onclick: () => { setLanguage(language() === "en" ? "zh" : "en"); session.token ? route() : signInScreen(); },
  });
}

function header(active) {
  const tab = (name, hash, label) => h("a", {
    href: hash, class: active === name ? "tab active" : "tab", "aria-current": active === name ? "page" : null, text: label,
  });
  return h(
    "header", { class: "top" },
    h("span", { class: "brand", text: t("appTitle") }),
    h("nav", {},
      tab("queue", "#/queue", t("navQueue")),
      features.has("GET", "/items") ? tab("finder", "#/finder", t("navFinder")) : null,
      tab("deliveries", "#/deliveries", t("navDeliveries")),
      ctx.isAdmin ? tab("appeals", "#/appeals", t("navAppeals")) : null,
      ctx.isAdmin && features.has("GET", "/suspensions") ? tab("suspensions", "#/suspensions", t("navSuspensions")) : null,
      ctx.isAdmin && features.has("GET", "/services") ? tab("services", "#/services", t("navServices")) : null,
      features.has("GET", "/reports") ? tab("reports", "#/reports", t("navReports")) : null,
      ctx.isAdmin && features.has("GET", "/staff") ? tab("staff", "#/staff", t("navStaff")) : null,
      ctx.isAdmin && features.has("GET", "/audit") ? tab("audit", "#/audit", t("navAudit")) : null),
    h("span", { class: "spacer" }),
    h("button", { type: "button", class: "link", onclick: showHelp, title: "?", text: `${t("help")} (?)` }),
    languageButton(),
    h("button", { type: "button", class: "link", id: "sign-out", onclick: signOut, text: t("signOut") }),
  );
}

function route() {
  closeModal();
  if (!session.token) { signInScreen(); return; }
  const [, name = "queue", ...rest] = location.hash.replace(/^#/, "").split("/");
  const screenName = SCREENS[name] ? name : "queue";
  current = SCREENS[screenName];
  const main = h("main", { class: `screen screen-${screenName}`, id: "screen" });
  replace(root(), header(screenName === "item" ? "queue" : screenName), main);
  document.title = `${t("appTitle")} · ${t(`nav${screenName[0].toUpperCase()}${screenName.slice(1)}`)}`;
  current.render(ctx, main, rest.map(decodeURIComponent)).catch((error) => toast(explain(error), "error"));
}

function signOut() {
  session.token = null;
  ctx.queue = { rows: [], selected: 0 };
  history.replaceState(null, "", location.pathname);
  signInScreen();
}

function showHelp() {
  const rows = [
    ["j", "keyJ"], ["k", "keyK"], ["Enter", "keyEnter"], ["c", "keyC"], ["a", "keyA"],
    ["r", "keyR"], ["n", "keyN"], ["q", "keyQ"], ["?", "keyHelp"], ["Esc", "keyEsc"],
  ];
  modal(t("helpTitle"), (close) => h("div", {},
    h("table", { class: "keys" }, h("tbody", {}, rows.map(([key, word]) =>
      h("tr", {}, h("th", {}, h("kbd", { text: key })), h("td", { text: t(word) }))))),
    h("p", { class: "muted", text: t("helpTyping") }),
    h("div", { class: "row end" }, h("button", { type: "button", onclick: close, text: t("close") })),
  ));
}

document.addEventListener("keydown", (event) => {
  if (!session.token || event.ctrlKey || event.metaKey || event.altKey) return;
  if (dialogOpen() || typing(event)) return;
  if (event.key === "?") { event.preventDefault(); showHelp(); return; }
  if (event.key === "q") { event.preventDefault(); ctx.go("#/queue"); return; }
  if (current && current.key && current.key(ctx, event.key)) event.preventDefault();
});

window.addEventListener("hashchange", () => { if (session.token) route(); });
window.addEventListener("fb:unauthenticated", () => {
  if (!session.token) return;
  session.token = null;
  signInScreen(t("badToken"));
});

setLanguage(language());
if (session.token) start().catch((error) => signInScreen(explain(error)));
else signInScreen();
