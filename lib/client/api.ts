// Typed fetch for /api/v1 from the browser: the session cookie authenticates; every non-2xx
// becomes an ApiError carrying the API's {code, message, details}. A 401 means the session has
// ended, and sends the operator to sign in again.

import { loginUrl } from "../auth/callback-url";

export type ApiErrorDetail = { field: string; issue: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
  }
}

export type Page<T> = { data: T[]; nextCursor: string | null };

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; query?: Query } = {},
): Promise<T> {
  const response = await fetch(withQuery(`/api/v1${path}`, init.query), {
    method: init.method ?? "GET",
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const text = await response.text();
  const payload = text ? safeJson(text) : undefined;
  if (response.status === 401 && sendToSignIn()) {
    throw new ApiError(
      401,
      "session_ended",
      "Your session has ended: taking you to the sign-in page",
    );
  }
  if (!response.ok) {
    const error = (
      payload as
        { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | undefined
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `Request failed with status ${response.status}`,
      error?.details ?? [],
    );
  }
  return payload as T;
}

/**
 * Every row of a list (apps, endpoints, event types, tokens) for pages and pickers that show them
 * all: follows the API's cursor, 250 rows (its largest page) at a time, so nothing past the first
 * page is silently left out.
 */
export async function apiAll<T>(path: string, query: Query = {}): Promise<Page<T>> {
  const data: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api<Page<T>>(path, { query: { ...query, limit: 250, cursor } });
    data.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return { data, nextCursor: null };
}

const SIGN_IN_SENT_KEY = "herald:sent-to-sign-in";
const SIGN_IN_LOOP_MS = 15_000;
let sentToSignIn = false;
let cameStraightBack = false;

/**
 * The browser sends no token, so a 401 means the session cookie is gone or expired: go to /login,
 * which brings the operator back here. Once per page (polling queries would ask again). A page
 * that gets a 401 within seconds of such a trip came straight back (the sign-in page saw a session
 * the API refuses): from then on this page shows the error instead, so nothing can loop. Storage
 * the browser blocks counts as a trip just made.
 */
function sendToSignIn(): boolean {
  if (typeof window === "undefined" || cameStraightBack) return false;
  if (sentToSignIn) return true;
  if (Date.now() - lastTripToSignIn() < SIGN_IN_LOOP_MS) {
    cameStraightBack = true;
    return false;
  }
  sentToSignIn = true;
  try {
    window.sessionStorage.setItem(SIGN_IN_SENT_KEY, String(Date.now()));
  } catch {
    // storage blocked: the trip still happens, once
  }
  window.location.assign(
    loginUrl(`${window.location.pathname}${window.location.search}${window.location.hash}`),
  );
  return true;
}

function lastTripToSignIn(): number {
  try {
    return Number(window.sessionStorage.getItem(SIGN_IN_SENT_KEY) ?? 0);
  } catch {
    return Date.now();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "bad_response", message: text.slice(0, 200) } };
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
