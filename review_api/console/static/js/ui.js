// Shared pieces of the screens: errors in plain words, badges, sections, modal dialogs.
import { h, toast } from "./dom.js";
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

/** A dialog for an action that changes a family's standing: it says what will happen, each
 * sentence in Chinese with the English beside it (`say`: [zh, en] pairs), takes any `fields`,
 * and runs `run` once: the button stays disabled while the request is out, so a double click
 * sends one. `run` may answer a sentence: a problem to show instead of closing; once it has
 * done the action, the dialog closes and `after` runs (a message, the list again). */
export function confirmAction({ title, say, fields = null, button, id, kind = "bad", run, after }) {
  modal(title, () => {
    const problem = h("p", { class: "error", role: "alert" });
    const go = h("button", { type: "submit", class: kind, id, text: button });
    let sending = false;
    const submit = async (event) => {
      event.preventDefault();
      if (sending) return;
      sending = true;
      go.disabled = true;
      problem.textContent = t("sending");
      try {
        const refused = await run();
        if (!refused) {
          closeModal();
          Promise.resolve(after()).catch((error) => toast(explain(error), "error"));
          return;
        }
        problem.textContent = refused;
      } catch (error) {
        problem.textContent = explain(error);
      }
      sending = false;
      go.disabled = false;
    };
    // What was refused is cleared as soon as the form is changed: it no longer applies.
    const changed = () => { if (!sending) problem.textContent = ""; };
    return h("form", { class: "reject", onsubmit: submit, oninput: changed, onchange: changed },
      h("div", { class: "consequence" }, say.map(([zh, en]) => h("p", {},
        h("span", { lang: "zh-Hant", text: zh }), " ", h("span", { lang: "en", class: "en", text: en })))),
      fields, problem,
      h("div", { class: "row end" },
        h("button", { type: "button", onclick: closeModal, text: t("cancel") }), go));
  }, { wide: true });
}
