// The queue of the reviewer's institutions: filters, search, paging, claim next.
import { api, features, session } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { msg, t, tCode, waited } from "./i18n.js";
import { badge, explain } from "./ui.js";

/** Waiting longer than this is marked overdue (two days: a family waits for an answer). */
const OVERDUE_S = 48 * 3600;
const FLAG_CODES = [
  "contains_phone_number", "contains_link", "contains_contact_id", "photo_contains_text",
  "ocr_summary", "ocr_gave_up",
];

let filters = { kind: "", institution: "", q: "", flag: "", claimed: "", ocr_state: "", min_attempt: "", sort: "" };
/** Cursors of the pages before this one, for "previous page". */
let pages = [null];
let page = 0;
let list = null;

export async function render(ctx, main) {
  list = h("div", { class: "queue-list" }, h("p", { class: "muted", text: t("loading") }));
  replace(main, toolbar(ctx), list);
  await load(ctx);
}

function toolbar(ctx) {
  const field = (name, label, control) => h("label", { class: "field" }, h("span", { text: label }), control);
  const select = (name, options) => {
    const s = h("select", { name, id: `filter-${name}` }, options.map(([value, label]) => h("option", { value, text: label })));
    s.value = filters[name];
    return s;
  };
  const supported = (name) => features.queueParams.has(name);
  const controls = [
    field("kind", t("kind"), select("kind", [["", t("kindAll")], ["application", t("kind_application")], ["post", t("kind_post")]])),
    ctx.institutions.length > 1
      ? field("institution", t("institution"), select("institution", [["", t("allInstitutions")], ...ctx.institutions.map((c) => [c, c])]))
      : null,
    supported("q")
      ? field("q", t("search"), h("input", { type: "search", name: "q", id: "filter-q", value: filters.q, placeholder: t("searchPlaceholder") }))
      : null,
    supported("flag")
      ? field("flag", t("flag"), select("flag", [["", t("anyFlag")], ...FLAG_CODES.map((c) => [c, tCode("flag_", c)])]))
      : null,
    supported("claimed")
      ? field("claimed", t("claimedFilter"), select("claimed", ["any", "unclaimed", "mine", "others"].map((c) => [c === "any" ? "" : c, t(`claimed_${c}`)])))
      : null,
    supported("ocr_state")
      ? field("ocr_state", t("ocrState"), select("ocr_state", [["", t("anyFlag")], ...["pending", "running", "done", "gave_up"].map((c) => [c, t(`ocr_${c}`)])]))
      : null,
    supported("min_attempt")
      ? field("min_attempt", t("minAttempt"), h("input", { type: "number", min: 1, max: 20, name: "min_attempt", id: "filter-min_attempt", value: filters.min_attempt }))
      : null,
    supported("sort")
      ? field("sort", t("sort"), select("sort", [["", t("sort_oldest")], ["newest", t("sort_newest")]]))
      : null,
  ];
  const form = h("form", {
    class: "filters",
    onsubmit: (e) => {
      e.preventDefault();
      const data = new FormData(e.target);
      filters = { ...filters, ...Object.fromEntries(data.entries()) };
      pages = [null];
      page = 0;
      load(ctx);
    },
  }, controls, h("button", { type: "submit", text: t("apply") }));
  form.addEventListener("change", (e) => { if (e.target.tagName === "SELECT") form.requestSubmit(); });
  return h("div", { class: "toolbar" }, form, h("span", { class: "spacer" }),
    h("button", { type: "button", class: "primary", id: "claim-next", onclick: () => claimNext(ctx), text: `${t("claimNext")} (c)` }));
}

function query() {
  const q = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value && (key === "kind" || key === "institution" || features.queueParams.has(key))) q[key] = value;
  }
  return q;
}

async function load(ctx) {
  const cursor = pages[page];
  const result = await api("GET", cursor || "/queue", { query: cursor ? undefined : query() });
  ctx.queue = { rows: result.data, selected: Math.min(ctx.queue.selected || 0, Math.max(result.data.length - 1, 0)) };
  pages = pages.slice(0, page + 1);
  if (result.next) pages.push(result.next);
  draw(ctx);
}

function draw(ctx) {
  const rows = ctx.queue.rows;
  if (!rows.length) {
    replace(list, h("p", { class: "empty", text: t("empty") }), pager(ctx));
    return;
  }
  // Columns the server gives (rows gained family, inmate, OCR state in version 1.1).
  const has = (key) => rows.some((r) => key in r);
  const head = [t("kind"), t("age"), t("flags"), has("ocr_state") && t("ocrState"), t("attempt"),
    has("family_name") && t("family"), has("inmate") && t("inmate"), has("title") && t("titleCol"),
    ctx.institutions.length > 1 && t("institution"), t("claim")].filter(Boolean);
  const table = h("table", { class: "queue", id: "queue" },
    h("thead", {}, h("tr", {}, head.map((label) => h("th", { scope: "col", text: label })))),
    h("tbody", {}, rows.map((row, i) => rowFor(ctx, row, i, has))));
  replace(list, table, h("p", { class: "muted legend", text: t("overdueLegend") }), pager(ctx));
}

function rowFor(ctx, row, i, has) {
  const overdue = row.waiting_s > OVERDUE_S;
  const open = () => ctx.go(`#/item/${encodeURIComponent(row.id)}`);
  const holder = row.claimed_by_staff && row.claimed_by_staff.name;
  const claim = row.claimed_by
    ? row.claimed_by === session.me
      ? badge(t("claimedByMe"), "mine")
      : badge(holder ? t("claimedByName", { name: holder }) : t("claimedByOther"), "other")
    : badge(t("unclaimed"), "plain");
  const tr = h("tr", {
    class: [i === ctx.queue.selected ? "selected" : "", overdue ? "overdue" : ""].join(" ").trim(),
    dataset: { id: row.id }, tabindex: 0, onclick: open,
    onkeydown: (e) => { if (e.key === "Enter") open(); },
  },
  h("td", {}, h("a", { href: `#/item/${encodeURIComponent(row.id)}`, text: tCode("kind_", row.kind) })),
  h("td", {}, waited(row.waiting_s), overdue ? [" ", badge(t("overdue"), "bad")] : null),
  h("td", {}, (row.flags || []).map((f) => badge(msg(f), "warn", f.code))),
  has("ocr_state") ? h("td", { text: row.ocr_state ? tCode("ocr_", row.ocr_state) : "—" }) : null,
  h("td", { class: "num", text: row.attempt }),
  has("family_name") ? h("td", { text: row.family_name || "—" }) : null,
  has("inmate") ? h("td", { text: row.inmate ? `${row.inmate.callsign} ${row.inmate.name || ""}` : "—" }) : null,
  has("title") ? h("td", { class: "title-cell", text: row.title || "" }) : null,
  ctx.institutions.length > 1 ? h("td", { text: row.institution }) : null,
  h("td", {}, claim));
  return tr;
}

function pager(ctx) {
  if (page === 0 && pages.length === 1) return null;
  return h("div", { class: "pager" },
    h("button", { type: "button", disabled: page === 0, onclick: () => { page = 0; load(ctx); }, text: t("firstPage") }),
    h("button", { type: "button", disabled: page === 0, onclick: () => { page -= 1; load(ctx); }, text: t("prevPage") }),
    h("span", { text: t("pageN", { n: page + 1 }) }),
    h("button", { type: "button", id: "next-page", disabled: pages.length <= page + 1, onclick: () => { page += 1; load(ctx); }, text: t("nextPage") }));
}

/** Claims the oldest item nobody holds: through POST /queue/next where the server offers it,
 * else by claiming, oldest first, the unclaimed items of the loaded page. */
export async function claimNext(ctx) {
  const scope = { kind: filters.kind || undefined, institution: filters.institution || undefined };
  try {
    if (features.has("POST", "/queue/next")) {
      const result = await api("POST", "/queue/next", { query: scope });
      if (result.status === 204 || !result.data) { toast(t("nothingToClaim")); return; }
      session.me = result.data.claimed_by;
      ctx.go(`#/item/${encodeURIComponent(result.data.id)}`);
      return;
    }
    const fresh = await api("GET", "/queue", { query: scope });
    for (const row of fresh.data.filter((r) => !r.claimed_by)) {
      try {
        const claim = await api("POST", `/items/${encodeURIComponent(row.id)}/claim`);
        session.me = claim.data.claimed_by;
        ctx.go(`#/item/${encodeURIComponent(row.id)}`);
        return;
      } catch (error) {
        if (error.code !== "claimed_by_other" && error.code !== "already_decided") throw error;
      }
    }
    toast(t("nothingToClaim"));
  } catch (error) {
    toast(explain(error), "error");
  }
}

function select(ctx, delta) {
  const rows = document.querySelectorAll("#queue tbody tr");
  if (!rows.length) return;
  ctx.queue.selected = Math.max(0, Math.min(rows.length - 1, ctx.queue.selected + delta));
  rows.forEach((tr, i) => tr.classList.toggle("selected", i === ctx.queue.selected));
  rows[ctx.queue.selected].scrollIntoView({ block: "nearest" });
}

export function key(ctx, k) {
  if (k === "j") select(ctx, 1);
  else if (k === "k") select(ctx, -1);
  else if (k === "c") claimNext(ctx);
  else if (k === "Enter") {
    const row = ctx.queue.rows[ctx.queue.selected];
    if (!row) return false;
    ctx.go(`#/item/${encodeURIComponent(row.id)}`);
  } else return false;
  return true;
}
