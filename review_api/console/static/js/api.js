// The review API as the console uses it: the bearer token of this tab, error bodies turned
// into ApiError, paging through RFC 8288 Link headers, and which endpoints the server offers.

export const BASE = "/review/v1";
const TOKEN_KEY = "fb.staffToken";
const ME_KEY = "fb.staffId";

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message_en || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || (status === 0 ? "network" : `http_${status}`);
    this.body = err;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(ME_KEY); }
  },
  /** The signed-in staff id, learnt from the first claim (the API names the holder). */
  get me() { return sessionStorage.getItem(ME_KEY); },
  set me(value) { if (value) sessionStorage.setItem(ME_KEY, value); },
};

function url(path, query) {
  const u = new URL(path.startsWith("/") && !path.startsWith(BASE) ? BASE + path : path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) u.searchParams.append(key, v);
  }
  return u;
}

/** Calls the API; answers {status, data, next} or throws ApiError (status 0: no connection). */
export async function api(method, path, { body, query, headers, blob } = {}) {
  const init = { method, headers: { Accept: "application/json", ...(headers || {}) } };
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path, query), init);
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    let payload = null;
    try { payload = await response.json(); } catch { /* not JSON: keep the status */ }
    if (response.status === 401) window.dispatchEvent(new CustomEvent("fb:unauthenticated"));
    throw new ApiError(response.status, payload);
  }
  const next = nextLink(response.headers.get("Link"));
  if (blob) return { status: response.status, data: await response.blob(), next };
  const text = response.status === 204 ? "" : await response.text();
  return { status: response.status, data: text ? JSON.parse(text) : null, next };
}

/** The rel="next" target of a Link header, kept on this origin. */
export function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(",")) {
    const match = part.match(/<([^>]*)>\s*;(.*)/);
    if (match && /rel="?next"?/.test(match[2])) {
      const target = new URL(match[1], location.origin + BASE + "/");
      return target.origin === location.origin ? target.pathname + target.search : null;
    }
  }
  return null;
}

/** A fresh Idempotency-Key; getRandomValues works on plain-http staff networks too. */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What this server offers, read from its published OpenAPI document: the console shows a
 * control only for an endpoint that exists. Without the document, the long-standing ones. */
export const features = {
  paths: new Set(),
  queueParams: new Set(),
  /** Named enums of the document (AuditAction…), for the filters that list their values. */
  enums: {},
  has(method, path) { return this.paths.has(`${method} ${path}`); },
};

export async function loadFeatures() {
  try {
    const response = await fetch(`${BASE}/openapi.json`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const doc = await response.json();
    for (const [path, ops] of Object.entries(doc.paths || {})) {
      for (const method of Object.keys(ops)) features.paths.add(`${method.toUpperCase()} ${path}`);
    }
    for (const [name, schema] of Object.entries((doc.components || {}).schemas || {})) {
      if (Array.isArray(schema.enum)) features.enums[name] = schema.enum;
    }
    const queue = (doc.paths || {})["/queue"];
    for (const p of (queue && queue.get && queue.get.parameters) || []) features.queueParams.add(p.name);
  } catch {
    /* no document: only the base endpoints */
  }
}
