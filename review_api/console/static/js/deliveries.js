// Approved posts waiting to reach the inmate: select, print, mark delivered.
import { api, features } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { t, when } from "./i18n.js";
import { explain } from "./ui.js";

let rows = [];
/** The page shown (null: the first) and the next one's Link target, when the list is paged. */
let cursor = null;
let next = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", cursor || "/deliveries");
  rows = result.data;
  next = result.next;
  if (!rows.length && cursor) { cursor = null; await render(ctx, main); return; }
  draw(ctx, main);
}

function selected(main) {
  return [...main.querySelectorAll("input.pick:checked")].map((box) => box.value);
}

function draw(ctx, main) {
  if (!rows.length) {
    replace(main, h("h1", { text: t("deliveriesTitle") }), h("p", { class: "empty", text: t("deliveriesNone") }));
    return;
  }
  const all = h("input", { type: "checkbox", id: "pick-all", "aria-label": t("selectAll"),
    onchange: () => main.querySelectorAll("input.pick").forEach((box) => { box.checked = all.checked; }) });
  const table = h("table", { class: "queue deliveries", id: "deliveries" },
    h("thead", {}, h("tr", {},
      h("th", {}, all), [t("inmate"), t("titleCol"), t("decidedAt")].map((label) => h("th", { scope: "col", text: label })))),
    h("tbody", {}, rows.map((row) => h("tr", {},
      h("td", {}, h("input", { type: "checkbox", class: "pick", value: row.id, "aria-label": row.title || row.id })),
      h("td", { text: row.inmate ? `${row.inmate.callsign} ${row.inmate.name}` : "—" }),
      h("td", {}, h("a", { href: `#/item/${encodeURIComponent(row.id)}`, text: row.title || row.id })),
      h("td", { text: when(row.decided_at) })))));
  const canPrint = features.has("GET", "/deliveries/print");
  const actions = h("div", { class: "toolbar" },
    canPrint ? h("button", { type: "button", id: "print", onclick: () => print(main), text: t("printSelected") }) : null,
    h("button", { type: "button", class: "primary", id: "mark-delivered", onclick: () => markDelivered(ctx, main), text: t("markDelivered") }));
  const pager = cursor || next ? h("div", { class: "pager" },
    h("button", { type: "button", disabled: !cursor, onclick: () => { cursor = null; render(ctx, main); }, text: t("firstPage") }),
    h("button", { type: "button", id: "next-page", disabled: !next, onclick: () => { cursor = next; render(ctx, main); }, text: t("nextPage") })) : null;
  replace(main, h("h1", { text: t("deliveriesTitle") }), actions, table, pager);
}

/** The server's PDF (one A4 page a post), opened from a blob: URL for the browser to print. */
async function print(main) {
  const ids = selected(main);
  if (!ids.length) { toast(t("selectFirst"), "error"); return; }
  try {
    const result = await api("GET", "/deliveries/print", { query: { ids: ids.join(",") }, blob: true });
    window.open(URL.createObjectURL(result.data), "_blank", "noopener");
  } catch (error) {
    toast(explain(error), "error");
  }
}

async function markDelivered(ctx, main) {
  const ids = selected(main);
  if (!ids.length) { toast(t("selectFirst"), "error"); return; }
  try {
    if (features.has("POST", "/deliveries/delivered")) {
      await api("POST", "/deliveries/delivered", { body: { ids } });
    } else {
      for (const id of ids) await api("POST", `/items/${encodeURIComponent(id)}/delivered`);
    }
    toast(t("markedDelivered", { n: ids.length }));
    await render(ctx, main);
  } catch (error) {
    toast(explain(error), "error");
  }
}
