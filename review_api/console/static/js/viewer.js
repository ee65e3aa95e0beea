// The sanitized documents, fetched with the token into blob: URLs: zoom, rotate, PDFs by their
// first-page preview with the whole PDF one click away.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, tCode } from "./i18n.js";
import { explain } from "./ui.js";

/** blob: URLs of the open item, revoked when another opens. */
let urls = [];

export function releaseBlobs() {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
}

async function blobUrl(itemId, file, variant) {
  const path = `/items/${encodeURIComponent(itemId)}/files/${encodeURIComponent(file.id)}`;
  const result = await api("GET", path, { query: { variant }, blob: true });
  const u = URL.createObjectURL(result.data);
  urls.push(u);
  return u;
}

const isPdf = (file) => file.detected_type === "application/pdf";

export function viewer(item) {
  releaseBlobs();
  const files = item.files || [];
  const stage = h("div", { class: "stage", id: "doc-stage" });
  if (!files.length) return h("div", { class: "viewer" }, h("p", { class: "muted", text: t("noDocuments") }));
  const tabs = h("div", { class: "doc-tabs", role: "tablist" });
  const show = (index) => {
    tabs.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-selected", String(i === index)));
    showFile(item, files[index], stage);
  };
  const counts = {};
  files.forEach((file, i) => {
    counts[file.category] = (counts[file.category] || 0) + 1;
    const label = `${tCode("category_", file.category)} ${counts[file.category]}`;
    tabs.append(h("button", { type: "button", role: "tab", title: file.original_name, onclick: () => show(i), text: label }));
  });
  show(0);
  return h("div", { class: "viewer" }, tabs, stage);
}

async function showFile(item, file, stage) {
  const name = h("p", { class: "file-name", title: file.original_name, text: file.original_name });
  if (!file.sanitized && !file.preview) {
    replace(stage, name, h("p", { class: "muted", text: t("notSanitized") }));
    return;
  }
  replace(stage, name, h("p", { class: "muted", text: t("loading") }));
  try {
    if (isPdf(file)) await showPdf(item, file, stage, name);
    else await showImage(stage, name, await blobUrl(item.id, file, "sanitized"), file.original_name);
  } catch (error) {
    replace(stage, name, h("p", { class: "error", text: explain(error) }));
  }
}

/** The whole sanitized PDF in the browser's own viewer (pages, zoom, rotate), from a blob: URL
 * of bytes fetched with the token; the first-page preview and a new tab are the fallbacks. */
async function showPdf(item, file, stage, name) {
  const src = await blobUrl(item.id, file, "sanitized");
  const open = h("button", {
    type: "button", class: "open-pdf", onclick: () => window.open(src, "_blank", "noopener"), text: t("openPdf"),
  });
  const frame = h("iframe", { class: "pdf", src: `${src}#view=FitH`, title: file.original_name });
  replace(stage, h("div", { class: "doc-head" }, name, open), frame,
    h("p", { class: "muted", text: t("pdfPages", { n: file.pages || 1 }) }));
}

async function showImage(stage, name, src, alt, extra = []) {
  const img = h("img", { class: "doc", alt, src, draggable: "false" });
  const frame = h("div", { class: "frame" }, img);
  const pane = h("div", { class: "pane", tabindex: 0 }, frame);
  const view = { zoom: 0, rotate: 0 };
  const layout = () => {
    const turned = view.rotate % 180 !== 0;
    const natW = img.naturalWidth || 800;
    const natH = img.naturalHeight || 600;
    const fitWidth = (pane.clientWidth - 8) / (turned ? natH : natW);
    const scale = view.zoom || fitWidth;
    const w = natW * scale;
    const hgt = natH * scale;
    img.style.width = `${w}px`;
    img.style.height = `${hgt}px`;
    img.style.transform = `translate(-50%, -50%) rotate(${view.rotate}deg)`;
    frame.style.width = `${turned ? hgt : w}px`;
    frame.style.height = `${turned ? w : hgt}px`;
    view.current = scale;
  };
  const tool = (label, action, id) => h("button", { type: "button", id, title: label, "aria-label": label, onclick: () => { action(); layout(); } }, label);
  const tools = h("div", { class: "doc-tools" },
    tool(t("zoomOut"), () => { view.zoom = Math.max(0.1, (view.current || 1) / 1.25); }, "zoom-out"),
    tool(t("zoomIn"), () => { view.zoom = Math.min(8, (view.current || 1) * 1.25); }, "zoom-in"),
    tool(t("fit"), () => { view.zoom = 0; }, "zoom-fit"),
    tool(t("rotate"), () => { view.rotate = (view.rotate + 90) % 360; }, "rotate"));
  replace(stage, h("div", { class: "doc-head" }, name, tools), pane, ...extra);
  await img.decode().catch(() => {});
  layout();
  new ResizeObserver(() => { if (!view.zoom) layout(); }).observe(pane);
}
