// The one way the web app talks to the server: JSON over /api/v1 with the
// session cookie. Writes carry the session's CSRF token, which the server
// returns at sign-in and from GET /session (a cross-site page cannot read
// either response, so it cannot forge the header).

export interface FieldError {
  name: string;
  message: string;
}

export class ApiError extends Error {
  status: number;
  code: string;
  fields: FieldError[];
  body: any;
  constructor(status: number, code: string, message: string, fields: FieldError[], body: any) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }
  /** The message for one field, if the server named it. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.name === name)?.message;
  }
}

let csrf = "";

export function setCsrf(token: string | undefined) {
  csrf = token ?? "";
}

/** Called when any request comes back 401: the session ended. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

export interface RequestOptions {
  ifMatch?: string | number;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface Response<T> {
  data: T;
  etag: string | null;
}

async function send<T>(
  method: string,
  path: string,
  body: BodyInit | object | undefined,
  opts: RequestOptions = {},
): Promise<Response<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData || body instanceof Blob) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  if (opts.ifMatch !== undefined) headers["If-Match"] = `"${opts.ifMatch}"`;
  if (opts.idempotencyKey) headers["Idempotency-Key"] = opts.idempotencyKey;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: payload,
    credentials: "same-origin",
    signal: opts.signal,
  });
  const text = await res.text();
  let json: any = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const e = json?.error ?? {};
    if (res.status === 401 && path !== "/session") onUnauthorized();
    throw new ApiError(
      res.status,
      e.code ?? "http_" + res.status,
      e.message ?? res.statusText,
      Array.isArray(e.fields) ? e.fields : [],
      json,
    );
  }
  return { data: json as T, etag: res.headers.get("ETag") };
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => send<T>("GET", path, undefined, opts),
  post: <T>(path: string, body?: object | FormData | Blob, opts?: RequestOptions) =>
    send<T>("POST", path, body ?? {}, opts),
  patch: <T>(path: string, body: object, opts?: RequestOptions) => send<T>("PATCH", path, body, opts),
  put: <T>(path: string, body: object, opts?: RequestOptions) => send<T>("PUT", path, body, opts),
  del: <T>(path: string, opts?: RequestOptions) => send<T>("DELETE", path, undefined, opts),
};

/** Builds "?a=1&b=2" from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

/** A random key for Idempotency-Key: one per intended creation, reused on retry. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
