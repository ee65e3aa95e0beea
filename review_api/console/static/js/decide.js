// Deciding an item: approve after a confirmation, reject with a reason and advice previewed as
// the family will read it. One Idempotency-Key per decision intent: a double click or a retry
// of the same decision sends the same key, so the server decides once.
import { api, newKey } from "./api.js";
import { h, toast } from "./dom.js";
import { language, t } from "./i18n.js";
import { closeModal, explain, modal } from "./ui.js";

/** The last intent per item: {decision, reason_code, advice, key}. */
const intents = new Map();
let inFlight = false;

function keyFor(itemId, body) {
  const last = intents.get(itemId);
  if (last && last.decision === body.decision && last.reason_code === body.reason_code && last.advice === body.advice) {
    return last.key;
  }
  const intent = { ...body, key: newKey() };
  intents.set(itemId, intent);
  return intent.key;
}

async function send(item, body, problem, done) {
  if (inFlight) return;
  inFlight = true;
  problem.textContent = t("sending");
  try {
    await api("POST", `/items/${encodeURIComponent(item.id)}/decision`, {
      body, headers: { "Idempotency-Key": keyFor(item.id, body) },
    });
    intents.delete(item.id);
    closeModal();
    toast(body.decision === "approve" ? t("approved") : t("rejected"));
    done();
  } catch (error) {
    problem.textContent = error.status === 0 ? t("retrySafe") : explain(error);
  } finally {
    inFlight = false;
  }
}

export function approve(item, done) {
  modal(t("confirmApproveTitle"), () => {
    const problem = h("p", { class: "error", role: "alert" });
    const ok = h("button", { type: "button", class: "primary good", id: "confirm-approve", autofocus: true,
      onclick: () => send(item, { decision: "approve" }, problem, done), text: `${t("approve")} (Enter)` });
    return h("div", {},
      h("p", { text: t("confirmApproveHelp") }), problem,
      h("div", { class: "row end" }, h("button", { type: "button", onclick: closeModal, text: t("cancel") }), ok));
  });
}

export function reject(item, reasons, done) {
  modal(t("rejectTitle"), () => {
    const fitting = reasons.filter((r) => (r.applies_to || []).includes(item.kind));
    const reason = h("select", { id: "reject-reason", required: true },
      h("option", { value: "", text: t("chooseReason") }),
      fitting.map((r) => h("option", { value: r.code, text: language() === "en" ? r.label_en : r.label })));
    const advice = h("textarea", { id: "reject-advice", rows: 3, maxlength: 1000, placeholder: t("adviceHelp") });
    const preview = h("div", { class: "family-sees", id: "family-sees" });
    const problem = h("p", { class: "error", role: "alert" });
    const update = () => {
      const chosen = fitting.find((r) => r.code === reason.value);
      preview.replaceChildren(
        h("p", { class: "muted", text: t("familySees") }),
        h("p", { lang: "zh-Hant", text: chosen ? chosen.label : "…" }),
        advice.value.trim() ? h("p", { lang: "zh-Hant" }, h("strong", { text: "審核意見：" }), advice.value.trim()) : null);
    };
    reason.addEventListener("change", update);
    advice.addEventListener("input", update);
    update();
    const submit = (e) => {
      e.preventDefault();
      if (!reason.value) { problem.textContent = t("chooseReason"); reason.focus(); return; }
      const body = { decision: "reject", reason_code: reason.value, advice: advice.value.trim() || null };
      send(item, body, problem, done);
    };
    setTimeout(() => reason.focus(), 0);
    return h("form", { class: "reject", onsubmit: submit },
      h("label", { for: "reject-reason", text: t("reason") }), reason,
      h("label", { for: "reject-advice", text: t("advice") }), advice,
      preview, problem,
      h("div", { class: "row end" },
        h("button", { type: "button", onclick: closeModal, text: t("cancel") }),
        h("button", { type: "submit", class: "primary bad", id: "send-reject", text: t("sendReject") })));
  }, { wide: true });
}

/** An administrator sends a decided item back to the queue, saying why (audited). */
export function reopen(item, done) {
  modal(t("reopenTitle"), () => {
    const reason = h("textarea", { id: "reopen-reason", rows: 3, maxlength: 1000, required: true });
    const problem = h("p", { class: "error", role: "alert" });
    let sending = false;
    const submit = async (e) => {
      e.preventDefault();
      if (sending || !reason.value.trim()) return;
      sending = true;
      try {
        await api("POST", `/items/${encodeURIComponent(item.id)}/reopen`, { body: { reason: reason.value.trim() } });
        closeModal();
        toast(t("reopened"));
        done();
      } catch (error) {
        problem.textContent = explain(error);
      } finally {
        sending = false;
      }
    };
    setTimeout(() => reason.focus(), 0);
    return h("form", { class: "reject", onsubmit: submit },
      h("p", { text: t("reopenHelp") }),
      h("label", { for: "reopen-reason", text: t("reopenReason") }), reason, problem,
      h("div", { class: "row end" }, h("button", { type: "button", onclick: closeModal, text: t("cancel") }),
        h("button", { type: "submit", class: "primary", id: "send-reopen", text: t("reopen") })));
  }, { wide: true });
}
