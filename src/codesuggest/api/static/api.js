// The API over fetch (no cookies, no cache), and what a failed call says in one sentence.

export async function request(method, path, { body, headers = {}, signal, key = null } = {}) {
  const sent = { Accept: "application/json", ...headers };
  if (key) sent.Authorization = `Bearer ${key}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    return { ok: false, status: 0, data: null, headers: new Headers() };
  }
  let data = null;
  if ((response.headers.get("content-type") || "").includes("json")) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { ok: response.ok, status: response.status, data, headers: response.headers };
}

// A sentence for the status line; never the raw body (role: the signed-in key's).
export function failure(res, action, role = null) {
  const detail = detailText(res.data);
  switch (res.status) {
    case 0:
      return `Could not ${action}: the codesuggest server cannot be reached.`;
    case 401:
      return "Your API key was not accepted. Sign in again.";
    case 403:
      return `Your role${role ? ` (${role})` : ""} may not ${action}.`;
    case 404:
      return `Could not ${action}: ${detail || "not found"}.`;
    case 413:
      return `Could not ${action}: the note is too large${detail ? ` (${detail})` : ""}.`;
    case 422:
      return `Could not ${action}: ${detail || "the request was not valid"}.`;
    case 429: {
      const wait = res.headers.get("retry-after");
      return `Too many requests: wait ${wait ? `${wait} s` : "a moment"} and try again.`;
    }
    case 503:
      return `Could not ${action}: the service is unavailable for the moment. Try again shortly.`;
    default:
      return res.status >= 500
        ? `Could not ${action}: the server failed (HTTP ${res.status}). Try again; if it persists, tell your administrator.`
        : `Could not ${action} (HTTP ${res.status})${detail ? `: ${detail}` : ""}.`;
  }
}

export function detailText(data) {
  const detail = data && data.detail;
  if (typeof detail === "string") return clip(detail.replace(/\.$/, ""), 240);
  if (Array.isArray(detail)) {
    const parts = detail.slice(0, 3).map((err) => {
      const loc = Array.isArray(err && err.loc) ? err.loc.filter((p) => p !== "body") : [];
      const field = loc.length ? `${loc.join(".")}: ` : "";
      return `${field}${String((err && err.msg) || "invalid value")}`.replace(/\.$/, "");
    });
    return clip(parts.join("; "), 240);
  }
  return "";
}

export const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

// crypto.randomUUID needs a secure context; a plain-http intranet host still has getRandomValues.
export function newUuid() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
