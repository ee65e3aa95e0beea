// Administrators: staff of their institutions; add, rotate a token, disable. A token is shown
// once, in a dialog, and never kept by the console.
import { api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { t, tCode, when } from "./i18n.js";
import { closeModal, explain, modal } from "./ui.js";

export async function render(ctx, main) {
  replace(main, h("p", { class: "muted", text: t("loading") }));
  const result = await api("GET", "/staff");
  const reload = () => render(ctx, main);
  const rows = result.data.map((s) => h("tr", { class: s.disabled_at ? "disabled" : "" },
    h("td", { text: s.name }), h("td", { text: s.email }), h("td", { text: tCode("role_", s.role) }),
    h("td", { text: (s.institutions || []).join("、") }),
    h("td", { text: s.disabled_at ? t("staffDisabled") : when(s.token_expires_at) }),
    h("td", { class: "row" }, s.disabled_at ? null : [
      h("button", { type: "button", class: "rotate", onclick: () => rotate(s, reload), text: t("rotateToken") }),
      h("button", { type: "button", class: "bad disable", onclick: () => disable(s, reload), text: t("disableStaff") }),
    ])));
  replace(main,
    h("div", { class: "row" }, h("h1", { text: t("navStaff") }), h("span", { class: "spacer" }),
      h("button", { type: "button", class: "primary", id: "add-staff", onclick: () => add(codesOf(ctx, result.data), reload), text: t("addStaff") })),
    h("table", { class: "queue staff", id: "staff" },
      h("thead", {}, h("tr", {}, [t("staffName"), "Email", t("staffRole"), t("institution"), t("tokenExpires"), ""].map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, rows)));
}

function showToken(token) {
  modal(t("tokenOnce"), (close) => h("div", {},
    h("p", { text: t("tokenOnceHelp") }),
    h("input", { id: "new-token", readonly: true, value: token, class: "token", onfocus: (e) => e.target.select() }),
    h("div", { class: "row end" }, h("button", { type: "button", onclick: close, text: t("close") }))));
}

/** The institutions this administrator serves: those the staff list shows them (it lists only
 * theirs), with any the queue figures named. */
function codesOf(ctx, rows) {
  return [...new Set([...ctx.institutions, ...rows.flatMap((s) => s.institutions || [])])].sort();
}

function add(codes, reload) {
  modal(t("addStaff"), () => {
    const problem = h("p", { class: "error", role: "alert" });
    const boxes = codes.map((code) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "institutions", value: code, checked: codes.length === 1 }), ` ${code}`));
    const submit = async (e) => {
      e.preventDefault();
      const data = new FormData(e.target);
      const body = { email: data.get("email"), name: data.get("name"), role: data.get("role"), institutions: data.getAll("institutions") };
      try {
        const created = await api("POST", "/staff", { body });
        closeModal();
        await reload();
        showToken(created.data.token);
      } catch (error) {
        problem.textContent = explain(error);
      }
    };
    return h("form", { class: "reject", onsubmit: submit },
      h("label", { for: "staff-name", text: t("staffName") }), h("input", { id: "staff-name", name: "name", required: true, maxlength: 100 }),
      h("label", { for: "staff-email", text: "Email" }), h("input", { id: "staff-email", name: "email", type: "email", required: true }),
      h("label", { for: "staff-role", text: t("staffRole") }),
      h("select", { id: "staff-role", name: "role" }, ["reviewer", "admin"].map((r) => h("option", { value: r, text: tCode("role_", r) }))),
      h("span", { text: t("institution") }), h("div", { class: "row" }, boxes),
      problem,
      h("div", { class: "row end" }, h("button", { type: "button", onclick: closeModal, text: t("cancel") }),
        h("button", { type: "submit", class: "primary", id: "save-staff", text: t("addStaff") })));
  });
}

async function rotate(s, reload) {
  try {
    const result = await api("POST", `/staff/${encodeURIComponent(s.id)}/token`);
    await reload();
    showToken(result.data.token);
  } catch (error) {
    toast(explain(error), "error");
  }
}

function disable(s, reload) {
  modal(t("disableStaff"), () => h("div", {},
    h("p", { text: t("disableConfirm", { name: s.name }) }),
    h("div", { class: "row end" }, h("button", { type: "button", onclick: closeModal, text: t("cancel") }),
      h("button", {
        type: "button", class: "bad", id: "confirm-disable",
        onclick: async () => {
          try {
            await api("DELETE", `/staff/${encodeURIComponent(s.id)}`);
            closeModal();
            toast(t("staffDisabled"));
            await reload();
          } catch (error) {
            toast(explain(error), "error");
          }
        },
        text: t("disableStaff"),
      }))));
}
