/**
 * Stable error codes. Clients branch on the code, people read the message. A code never changes
 * meaning once released; new failure kinds get new codes.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'The request does not match the expected shape; see details for each field.',
  NOT_FOUND: 'No such item.',
  ILLEGAL_TRANSITION: 'That step is not allowed from the incident’s current stage.',
  VERSION_CONFLICT: 'The incident changed since you last saw it; reload it and try again.',
  STALE_STATE: 'This case was changed elsewhere a moment ago; nothing was done — look again and retry.',
  SEPARATION_OF_DUTIES: 'The handler of a case may not verify it: verification must be done by someone else.',
  IDEMPOTENCY_KEY_REUSED: 'This idempotency key was already used for a different request.',
  OUT_OF_AREA: 'The location is outside every grid this hub manages.',
  UNKNOWN_REGION: 'No region has that code.',
  UNKNOWN_CATEGORY: 'That category is not in the category table.',
  UNKNOWN_PATROL: 'No patrol has that id.',
  UNKNOWN_CAMERA: 'No camera has that id.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Send JSON (Content-Type: application/json) or, for Open311, form data.',
  PROTOCOL_MISMATCH: 'The client speaks another protocol version than this hub.',
  NOT_SUBSCRIBED: 'Subscribe to a region first.',
  STORE_UNAVAILABLE: 'The database cannot be reached; nothing was stored.',
  AUTH_REQUIRED: 'Sign in first: this needs a signed-in user.',
  BAD_CREDENTIALS: 'The user name or the password is wrong.',
  SESSION_EXPIRED: 'Your session has ended; sign in again.',
  ACCOUNT_DISABLED: 'This account is disabled; ask an administrator.',
  FORBIDDEN_ROLE: 'Your role does not allow this.',
  FORBIDDEN_REGION: 'This is outside the region you may act in.',
  TOO_MANY_ATTEMPTS: 'Too many attempts; wait a moment and try again.',
  USER_EXISTS: 'A user with that name exists already.',
  IMPORT_BUSY: 'Another import is running on this hub; wait for it to finish and try again.',
  GEOGRAPHY_IN_USE: 'The store holds cases written for the current geography; a new one would mix grid codes.',
  WINDOW_NOT_HELD: 'That window reaches further back than the figures this hub holds; ask for a later one.',
  HUB_BUSY: 'The hub has too many changes waiting for the store; nothing was done. Try again in a moment.',
  SUPERSEDED: 'A newer subscription from this connection replaced this one; its answer follows.',
  STATS_BUSY: 'The hub cannot give that window just now (history is being imported, or other past windows are being read); try again in a moment.',
  FORBIDDEN_ORIGIN: 'This hub does not accept requests from that web page (another origin).',
  RATE_LIMITED: 'Too many requests from this connection or client; nothing was done. Slow down and try again in a moment.',
  TOO_MANY_CONNECTIONS: 'Too many live connections from this address or this user are open already; close one (another tab or screen) or try again later.',
  UNKNOWN_FOCUS: 'No focus with that id stands now (it may have ended).',
  UNKNOWN_ALERT: 'No alert has that id.',
  API_KEY_REQUIRED: 'This feed needs the key your centre issued to this source (X-Api-Key header, or api_key for Open311).',
  API_KEY_INVALID: 'That key is unknown, revoked or expired; ask the centre for a new one.',
  FORBIDDEN_SCOPE: 'That key may not send this kind of data.',
  LINK_INVALID: 'This wall link is not valid (altered, expired or revoked); ask the centre for a new one.',
  INTERNAL: 'Something went wrong inside the hub; nothing was stored. The operators have the details in the log.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: unknown;
}

/** A failure the hub reports to a client: thrown by the domain and transport, never a stack trace. */
export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HubError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, details: this.details };
  }
}

/** The HTTP status each code maps to. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  STALE_STATE: 409,
  SEPARATION_OF_DUTIES: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  OUT_OF_AREA: 422,
  UNKNOWN_REGION: 404,
  UNKNOWN_CATEGORY: 422,
  UNKNOWN_PATROL: 422,
  UNKNOWN_CAMERA: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PROTOCOL_MISMATCH: 400,
  FORBIDDEN_ORIGIN: 403,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  UNKNOWN_FOCUS: 404,
  UNKNOWN_ALERT: 404,
  API_KEY_REQUIRED: 401,
  API_KEY_INVALID: 401,
  FORBIDDEN_SCOPE: 403,
  LINK_INVALID: 401,
  NOT_SUBSCRIBED: 400,
  STORE_UNAVAILABLE: 503,
  AUTH_REQUIRED: 401,
  BAD_CREDENTIALS: 401,
  SESSION_EXPIRED: 401,
  ACCOUNT_DISABLED: 403,
  FORBIDDEN_ROLE: 403,
  FORBIDDEN_REGION: 403,
  TOO_MANY_ATTEMPTS: 429,
  USER_EXISTS: 409,
  IMPORT_BUSY: 409,
  GEOGRAPHY_IN_USE: 409,
  WINDOW_NOT_HELD: 400,
  HUB_BUSY: 503,
  SUPERSEDED: 409,
  STATS_BUSY: 503,
  INTERNAL: 500,
};
