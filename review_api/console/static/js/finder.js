// Any item of the reviewer's institutions, decided or not (GET /items): to find a family's
// earlier case, what one decided, or an item to reopen.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, tCode, when } from "./i18n.js";
import { badge } from "./ui.js";

const STATUSES = ["awaiting_review", "in_review", "approved", "rejected", "delivered"];
let filters = { q: "", status: "", decided_by: "" };
let cursor = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const result = await api("GET", cursor || "/items", { query: cursor ? undefined : query });
  const reload = () => render(ctx, main);
  const q = h("input", { type: "search", id: "find-q", name: "q", value: filters.q, placeholder: t("searchPlaceholder"), size: 30 });
  const status = h("select", { id: "find-status", name: "status" },
    h("option", { value: "", text: t("kindAll") }), STATUSES.map((s) => h("option", { value: s, text: t(`status_${s}`) })));
  status.value = filters.status;
  const mine = h("input", { type: "checkbox", id: "find-mine", checked: filters.decided_by === "me" });
  const form = h("form", {
    class: "filters",
    onsubmit: (e) => {
      e.preventDefault();
      filters = { q: q.value.trim(), status: status.value, decided_by: mine.checked ? "me" : "" };
      cursor = null;
      reload();
    },
  },
  h("label", { class: "field" }, h("span", { text: t("search") }), q),
  h("label", { class: "field" }, h("span", { text: t("status") }), status),
  h("label", { class: "check" }, mine, ` ${t("decidedByMe")}`),
  h("button", { type: "submit", text: t("apply") }));
  const rows = result.data.map((r) => h("tr", { onclick: () => ctx.go(`#/item/${encodeURIComponent(r.id)}`) },
    h("td", {}, h("a", { href: `#/item/${encodeURIComponent(r.id)}`, text: tCode("kind_", r.kind) })),
    h("td", {}, badge(tCode("status_", r.status), r.status === "rejected" ? "bad" : "plain")),
    h("td", { text: r.family_name || "—" }),
    h("td", { text: r.inmate ? `${r.inmate.callsign} ${r.inmate.name || ""}` : "—" }),
    h("td", { class: "title-cell", text: r.title || "" }),
    h("td", { text: when(r.submitted_at) }),
    h("td", { text: when(r.decided_at) })));
  const table = rows.length
    ? h("table", { class: "queue", id: "found" },
      h("thead", {}, h("tr", {}, [t("kind"), t("status"), t("family"), t("inmate"), t("titleCol"), t("submittedAt"), t("decidedAtAny")]
        .map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, rows))
    : h("p", { class: "empty", text: t("foundNone") });
  const pager = cursor || result.next ? h("div", { class: "pager" },
    h("button", { type: "button", disabled: !cursor, onclick: () => { cursor = null; reload(); }, text: t("firstPage") }),
    h("button", { type: "button", id: "next-page", disabled: !result.next, onclick: () => { cursor = result.next; reload(); }, text: t("nextPage") })) : null;
  replace(main, h("h1", { text: t("navFinder") }), h("div", { class: "toolbar" }, form), table, pager);
}
