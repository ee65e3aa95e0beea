// Administrators: appeals against strikes, with the post appealed against one click away.
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { msg, t, when } from "./i18n.js";
import { explain } from "./ui.js";

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", "/appeals");
  const reasons = Object.fromEntries(ctx.reasons.map((r) => [r.code, r]));
  if (!result.data.length) {
    replace(main, h("h1", { text: t("appealsTitle") }), h("p", { class: "empty", text: t("appealsNone") }));
    return;
  }
  const decideAppeal = async (strikeId, outcome) => {
    try {
      await api("POST", `/strikes/${encodeURIComponent(strikeId)}/appeal-decision`, { body: { outcome } });
      toast(t("appealDecided"));
      await render(ctx, main);
    } catch (error) {
      toast(explain(error), "error");
    }
  };
  replace(main, h("h1", { text: t("appealsTitle") }), h("ul", { class: "appeals", id: "appeals" },
    result.data.map((a) => h("li", { class: "panel" },
      h("p", {}, h("span", { class: "muted", text: `${t("reason")}: ` }),
        h("strong", { text: reasons[a.reason_code] ? msg(reasons[a.reason_code], "label", "label_en") : a.reason_code })),
      h("p", { class: "muted", text: `${t("appealedAt")}: ${when(a.appealed_at)}` }),
      h("blockquote", { class: "appeal-text", text: a.appeal_text || "" }),
      h("div", { class: "row" },
        h("a", { href: `#/item/${encodeURIComponent(a.post_id)}`, text: t("seeAppealed") }),
        h("span", { class: "spacer" }),
        h("button", { type: "button", onclick: () => decideAppeal(a.strike_id, "uphold"), text: t("uphold") }),
        h("button", { type: "button", class: "primary", onclick: () => decideAppeal(a.strike_id, "overrule"), text: t("overrule") }))))));
}
