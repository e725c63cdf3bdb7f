// Errors a request can end with: the server's codes (wire.md "Error codes") and the client's own.

/** Codes the server sends (wire.md "Error codes"). */
export const ServerCodes = [
  "INVALID_MESSAGE", "UNKNOWN_MESSAGE_TYPE", "UNAUTHORIZED", "BAD_REQUEST", "RATE_LIMITED",
  "BACKEND_UNAVAILABLE", "INTERNAL", "RESUME_EXPIRED",
] as const;

/** Codes raised by the client itself. */
export const ClientCodes = [
  "TIMEOUT",        // no reply within timeoutMs
  "DISCONNECTED",   // the connection dropped (or was not open) before the reply came
  "CLOSED",         // close() was called, or the client gave up reconnecting, or it was kicked
  "CONNECT_FAILED", // the WebSocket could not be opened
  "ENCODE_FAILED",  // the request could not be encoded (unknown type, bad fields, too large)
  "PROTOCOL_ERROR", // the server sent something that does not follow wire.md
] as const;

export type ErrorCode = (typeof ServerCodes)[number] | (typeof ClientCodes)[number] | (string & {});

/** A failed request: `code` is one of wire.md's error codes or a client-side code. */
export class StratusError extends Error {
  override name = "StratusError";
  constructor(readonly code: ErrorCode, message?: string, readonly requestType?: string) {
    super(message ? `${code}: ${message}` : code);
  }

  /** True when the server sent this error in a reply (any code that is not a client code). */
  get fromServer(): boolean {
    return !(ClientCodes as readonly string[]).includes(this.code);
  }
}
