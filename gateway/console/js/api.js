// The console's only way to the platform: /api/v1 on the same origin, JSON in and out, the token in
// the Authorization header. The token lives in sessionStorage: it ends with the tab, and it survives a
// reload. An expired token does not lose the page: the request waits for the officer to sign in again
// (onExpired), then runs again.

const BASE = "/api/v1";
const SESSION_KEY = "khuyenhoc.session";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message_en || body?.message || `HTTP ${status}`);
    this.isApiError = true;
    this.status = status;
    this.code = body?.code || `http_${status}`;
    this.message = body?.message || body?.message_en || `HTTP ${status}`;  // Vietnamese, as the API says it
    this.message_en = body?.message_en || this.message;
    this.fields = body?.fields || null;
    this.body = body;
  }
}

export const session = {
  load() {
    try { return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || null; } catch { return null; }
  },
  save(value) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(SESSION_KEY); },
  token() { return this.load()?.token || null; },
};

let onExpired = null;
export function whenExpired(handler) { onExpired = handler; }

// A random UUID v4 from getRandomValues: crypto.randomUUID only exists on secure origins, and the
// console is also opened as http://<address on the local network>:8000.
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function url(path, query) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== "") search.set(k, v);
  const qs = search.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ""}`;
}

// request("GET", "/members", {query}) -> the JSON body; throws ApiError for any non-2xx answer.
// `key` sends an Idempotency-Key; `upload` sends a FormData; `blob` returns {blob, filename}.
export async function request(method, path, { query, body, key, upload, blob, retried = false } = {}) {
  const headers = { Accept: "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  let payload;
  if (upload) payload = upload;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { code: "network", message: "Không kết nối được với máy chủ. Hãy thử lại.",
      message_en: "The server could not be reached. Try again." });
  }
  if (response.status === 401 && token && onExpired && !retried && path !== "/auth/login") {
    const data = await response.json().catch(() => ({}));
    await onExpired(data.code);  // resolves once the officer has signed in again
    return request(method, path, { query, body, key, upload, blob, retried: true });
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(response.status, data);
  }
  if (blob) {
    const disposition = response.headers.get("Content-Disposition") || "";
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] || "download";
    return { blob: await response.blob(), filename };
  }
  return response.status === 204 ? null : response.json();
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body, key) => request("POST", path, { body, key });

// One Idempotency-Key per form submission: the same body sent again (a retry after a timeout or a 503)
// reuses the key, so the server answers the first result instead of acting twice; a changed body is a
// new submission and gets a new key.
export class Submission {
  constructor() { this.key = null; this.body = null; }
  keyFor(body) {
    const text = JSON.stringify(body);
    if (this.key === null || text !== this.body) {
      this.key = newKey();
      this.body = text;
    }
    return this.key;
  }
  done() { this.key = null; this.body = null; }
}
