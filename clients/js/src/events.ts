// The client's lifecycle events (sessions, resume, kicks: wire.md "Sessions").

export interface ClientEvents {
  /** A connection (the first or a later one) is open and ready for requests. */
  open: { url: string; reconnect: boolean };
  /** The connection dropped; a reconnect follows unless reconnecting is off. */
  disconnected: { code: number; reason: string };
  /** A reconnect attempt is scheduled. */
  reconnecting: { attempt: number; delayMs: number };
  /** The session survived the drop: missed pushes (seq > lastSeq) follow. */
  resumed: { userid?: number | bigint; replayed: number };
  /** The server will not resume the session (RESUME_EXPIRED, or any other error reply); `login` is called next. */
  resume_expired: { code: string };
  /** Another login of the same user (4001) or the server (4002) ended this session. No reconnect. */
  kicked: { code: number; reason: string };
  /** No traffic for `deadAfterMs`: the connection is treated as dropped. */
  dead: { silentMs: number };
  /** The client is closed for good: close() was called, it was kicked, or it gave up. */
  close: { code: number; reason: string };
  /** An error with no request to report it to (bad packet, failing handler, failed login callback). */
  error: { error: unknown };
}

export type EventName = keyof ClientEvents;
