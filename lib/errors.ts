/**
 * Small typed errors thrown by lib and mapped to HTTP answers in one place (errorResponse), so
 * route handlers need no try/catch of their own.
 */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
    super(message);
  }
}
export class UnauthorizedError extends HttpError {
  /** `bearer`: the caller authenticates with a bearer token (the answer then says so in WWW-Authenticate). */
  constructor(message = 'missing or invalid bearer token', readonly bearer = true) {
    super(401, message);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limit: number) {
    super(413, `request body is over the ${limit}-byte limit; split the input into smaller requests`);
  }
}
export class ValidationError extends HttpError {
  constructor(message: string, details?: unknown) {
    super(400, message, details);
  }
}

/** A JSON error answer for a route; unexpected errors become 500 without leaking internals. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    const headers: Record<string, string> = error instanceof UnauthorizedError && error.bearer ? { 'www-authenticate': 'Bearer' } : {};
    return Response.json({ error: error.message, ...(error.details ? { details: error.details } : {}) }, { status: error.status, headers });
  }
  console.error(error);
  return Response.json({ error: 'internal error' }, { status: 500 });
}
