export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "app_disabled"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "rate_limited"
  | "service_unavailable"
  | "internal_error";

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  app_disabled: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  service_unavailable: 503,
  internal_error: 500,
};

export type ErrorDetail = { field: string; issue: string };

/** A failure the caller can act on; the API wrapper turns it into the matching HTTP status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.status = statusByCode[code];
  }
}

export const notFound = (what: string, id: string) =>
  new AppError("not_found", `${what} '${id}' was not found`);
export const validationError = (field: string, issue: string) =>
  new AppError("validation_failed", `${field}: ${issue}`, [{ field, issue }]);
