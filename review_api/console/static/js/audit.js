// Administrators: the audit log of their institutions, newest first, filtered and paged.
import { api, features } from "./api.js";
import { h, replace } from "./dom.js";
import { t, tCode, when } from "./i18n.js";

let filters = { action: "", item_id: "" };
let cursor = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const result = await api("GET", cursor || "/audit", { query: cursor ? undefined : query });
  const reload = () => render(ctx, main);
  const actions = features.enums.AuditAction || [];
  const action = h("select", { id: "audit-action", name: "action" },
    h("option", { value: "", text: t("anyFlag") }), actions.map((a) => h("option", { value: a, text: tCode("action_", a) })));
  action.value = filters.action;
  const itemId = h("input", { id: "audit-item", name: "item_id", value: filters.item_id, placeholder: t("itemId"), size: 38 });
  const form = h("form", {
    class: "filters",
    onsubmit: (e) => { e.preventDefault(); filters = { action: action.value, item_id: itemId.value.trim() }; cursor = null; reload(); },
  },
  h("label", { class: "field" }, h("span", { text: t("auditAction") }), action),
  h("label", { class: "field" }, h("span", { text: t("itemId") }), itemId),
  h("button", { type: "submit", text: t("apply") }));
  const rows = result.data.map((e) => h("tr", {},
    h("td", { text: when(e.at) }),
    h("td", { text: e.actor_name || e.actor }),
    h("td", { text: tCode("action_", e.action) }),
    h("td", {}, e.item_id ? h("a", { href: `#/item/${encodeURIComponent(e.item_id)}`, text: e.item_id.slice(0, 8) }) : "—"),
    h("td", { class: "detail", text: detailText(e.detail) })));
  const table = rows.length
    ? h("table", { class: "queue audit", id: "audit" },
      h("thead", {}, h("tr", {}, [t("auditAt"), t("auditWho"), t("auditAction"), t("auditItem"), t("auditDetail")].map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, rows))
    : h("p", { class: "empty", text: t("auditNone") });
  const pager = cursor || result.next ? h("div", { class: "pager" },
    h("button", { type: "button", disabled: !cursor, onclick: () => { cursor = null; reload(); }, text: t("firstPage") }),
    h("button", { type: "button", id: "next-page", disabled: !result.next, onclick: () => { cursor = result.next; reload(); }, text: t("nextPage") })) : null;
  replace(main, h("h1", { text: t("navAudit") }), h("div", { class: "toolbar" }, form), table, pager);
}

/** An entry's detail as "key: value" pairs, nested values as compact JSON. */
function detailText(detail) {
  return Object.entries(detail || {})
    .map(([k, v]) => `${k}: ${v !== null && typeof v === "object" ? JSON.stringify(v) : v}`)
    .join(" · ");
}
