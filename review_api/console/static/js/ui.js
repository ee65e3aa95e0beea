// Shared pieces of the screens: errors in plain words, badges, sections, modal dialogs.
import { h } from "./dom.js";
import { msg, t } from "./i18n.js";

const PLAIN = new Set(["claimed_by_other", "not_claimed", "already_decided"]);

/** What went wrong, as a sentence for a person (never a status dump). */
export function explain(error) {
  if (!error || error.status === undefined) return String(error);
  if (PLAIN.has(error.code)) return t(`err_${error.code}`);
  if (error.status === 0) return t("err_network");
  if (error.status === 401) return t("badToken");
  const own = msg(error.body);
  if (own) {
    const fields = Object.values(error.body.fields || {}).join(" ");
    return fields ? `${own} ${fields}` : own;
  }
  if (error.status === 403) return t("err_forbidden");
  return `${t("err_network")} (${error.status})`;
}

export function badge(text, kind = "plain", title) {
  return h("span", { class: `badge badge-${kind}`, title }, text);
}

export function section(title, ...content) {
  return h("section", { class: "panel" }, h("h2", { text: title }), ...content);
}

export function kv(pairs) {
  return h(
    "dl",
    { class: "kv" },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => [
      h("dt", { text: k }),
      h("dd", {}, v),
    ]),
  );
}

let openDialog = null;

export function dialogOpen() {
  return openDialog !== null;
}

/** A modal dialog; `build(close)` gives its content. Esc closes it. */
export function modal(title, build, { wide = false } = {}) {
  closeModal();
  const dialog = h("dialog", { class: wide ? "dialog wide" : "dialog", "aria-label": title });
  const close = () => closeModal();
  dialog.append(h("h2", { text: title }), build(close));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (openDialog === dialog) openDialog = null;
  });
  document.body.append(dialog);
  openDialog = dialog;
  dialog.showModal();
  return dialog;
}

export function closeModal() {
  if (openDialog) {
    const d = openDialog;
    openDialog = null;
    d.close();
    d.remove();
  }
}
