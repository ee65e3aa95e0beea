// Administrators: appeals against strikes, showing what was appealed (the rejected post's title
// and text, when the server gives them) with the whole post one click away.
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { msg, t, when } from "./i18n.js";
import { explain } from "./ui.js";

/** The page shown: null for the first, else the Link target the server gave. */
let cursor = null;

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", cursor || "/appeals");
  const reasons = Object.fromEntries(ctx.reasons.map((r) => [r.code, r]));
  const reload = () => render(ctx, main);
  if (!result.data.length) {
    cursor = null;
    replace(main, h("h1", { text: t("appealsTitle") }), h("p", { class: "empty", text: t("appealsNone") }));
    return;
  }
  const more = result.next
    ? h("div", { class: "pager" }, h("button", { type: "button", id: "next-page", onclick: () => { cursor = result.next; reload(); }, text: t("nextPage") }))
    : null;
  replace(main, h("h1", { text: t("appealsTitle") }),
    h("ul", { class: "appeals", id: "appeals" }, result.data.map((a) => card(a, reasons, reload))), more);
}

function card(a, reasons, reload) {
  const decideAppeal = async (outcome) => {
    try {
      await api("POST", `/strikes/${encodeURIComponent(a.strike_id)}/appeal-decision`, { body: { outcome } });
      toast(t("appealDecided"));
      cursor = null;
      await reload();
    } catch (error) {
      toast(explain(error), "error");
    }
  };
  const reason = reasons[a.reason_code];
  return h("li", { class: "panel" },
    h("p", {}, h("span", { class: "muted", text: `${t("reason")}: ` }),
      h("strong", { text: reason ? msg(reason, "label", "label_en") : a.reason_code })),
    h("p", { class: "muted", text: [a.family_name ? `${t("family")}: ${a.family_name}` : null, `${t("appealedAt")}: ${when(a.appealed_at)}`].filter(Boolean).join(" · ") }),
    "title" in a || "body" in a
      ? h("div", { class: "appealed-post" },
        h("p", { class: "muted", text: t("appealedPost") }),
        h("p", { class: "post-title", text: a.title || "" }),
        h("p", { class: "post-body", text: a.body || "" }))
      : null,
    h("p", { class: "muted", text: t("appealText") }),
    h("blockquote", { class: "appeal-text", text: a.appeal_text || "" }),
    h("div", { class: "row" },
      h("a", { href: `#/item/${encodeURIComponent(a.post_id)}`, text: t("seeAppealed") }),
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "uphold", onclick: () => decideAppeal("uphold"), text: t("uphold") }),
      h("button", { type: "button", class: "primary overrule", onclick: () => decideAppeal("overrule"), text: t("overrule") })));
}
