// One logical connection to a stratus server: requests matched to replies by session, pushes
// to handlers, and the session machinery of wire.md ("Sessions"): push seq, reconnect with
// backoff, resume, login fallback, kicks, drain, heartbeat.
import { backoffDelay, BackoffOptions } from "./backoff.js";
import { Incoming, WireCodec } from "./codec.js";
import { StratusError } from "./errors.js";
import { ClientEvents, EventName } from "./events.js";
import { Heartbeat, HeartbeatOptions } from "./heartbeat.js";
import { openWebSocket, WebSocketConstructor, WebSocketLike } from "./socket.js";

export type { WebSocketConstructor, WebSocketLike } from "./socket.js";
export type { HeartbeatOptions } from "./heartbeat.js";

export interface ClientOptions {
  /** WebSocket constructor; default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Default reply timeout of request() in ms (default 10000). */
  timeoutMs?: number;
  /** Time allowed to open a WebSocket, in ms (default 10000). */
  connectTimeoutMs?: number;
  /** Reconnect after a drop (default on); false: a drop closes the client. */
  reconnect?: false | (BackoffOptions & { maxAttempts?: number });
  /** Dead-connection detection (default on); false: off. */
  heartbeat?: false | HeartbeatOptions;
  /** Called after RESUME_EXPIRED (and when resuming is refused): log in again here. */
  login?: (client: Client) => Promise<unknown> | void;
}

export interface RequestOptions {
  timeoutMs?: number;
}

type Waiter = { resolve(v: any): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout>; type: string };
type State = "connecting" | "open" | "resuming" | "reconnecting" | "closed";

const KICK_CODES = new Set([4001, 4002]);
/** WebSocket.OPEN (not every implementation has the static). */
const OPEN = 1;
/** Close code the client sends when it drops a silent connection (not 1000/1001: resumable). */
export const CLOSE_DEAD = 4000;

/** The request fields of an entry `[fields, reply]` of a generated `Requests` map. */
export type RequestFields<E> = E extends [infer F, unknown] ? F : object;
/** The reply of an entry `[fields, reply]` of a generated `Requests` map. */
export type ReplyOf<E> = E extends [unknown, infer R] ? R : any;

/**
 * A connection. `R` and `P` are the `Requests` and `Pushes` maps that `npm run gen-types`
 * generates; without them requests and pushes are untyped.
 */
export class Client<R = any, P = any> {
  /** The auth token of the session (from the last login reply); "" before login. */
  token = "";
  /** The `seq` of the last push of this session (0: none yet). */
  lastSeq = 0;
  private state: State = "connecting";
  private ws: WebSocketLike | null = null;
  private readonly urls: string[];
  private urlIndex = 0;
  private nextSession = 1;
  private readonly waiting = new Map<number, Waiter>();
  private readonly pushHandlers = new Map<string, Set<(value: any, type: string) => void>>();
  private readonly eventHandlers = new Map<string, Set<(e: any) => void>>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: Heartbeat | null = null;
  private lastReceived = 0;
  private kickReason: string | null = null;
  private readonly WS: WebSocketConstructor;

  constructor(url: string | string[], readonly codec: WireCodec, private readonly options: ClientOptions = {}) {
    this.urls = Array.isArray(url) ? [...url] : [url];
    if (this.urls.length === 0) throw new Error("no server URL");
    const ctor = options.WebSocket ?? (globalThis as any).WebSocket;
    if (!ctor) {
      throw new Error("no WebSocket implementation: pass options.WebSocket (Node 20: run with --experimental-websocket)");
    }
    this.WS = ctor;
  }

  /** The current state: connecting, open, resuming, reconnecting or closed. */
  get status(): State {
    return this.state;
  }

  private get closed(): boolean {
    return this.state === "closed";
  }

  /** Opens the first connection; rejects with CONNECT_FAILED when it cannot be opened. */
  async open(): Promise<this> {
    await this.openSocket(this.urls[0]);
    this.state = "open";
    this.startHeartbeat();
    this.emit("open", { url: this.urls[0], reconnect: false });
    return this;
  }

  /**
   * Sends a request and resolves with its reply (a plain object; null for a sproto protocol
   * without a response). Rejects with a StratusError: the server's code, or TIMEOUT,
   * DISCONNECTED, CLOSED, ENCODE_FAILED.
   */
  request<K extends string, T = K extends keyof R ? ReplyOf<R[K]> : any>(
    type: K,
    fields: K extends keyof R ? RequestFields<R[K]> : object = {} as any,
    options: RequestOptions = {},
  ): Promise<T> {
    if (this.state !== "open") {
      const code = this.state === "closed" ? "CLOSED" : "DISCONNECTED";
      return Promise.reject(new StratusError(code, `cannot send ${type}: the client is ${this.state}`, type));
    }
    return this.send<T>(type, fields as object, options.timeoutMs ?? this.options.timeoutMs ?? 10_000);
  }

  /** Subscribes to pushes of one type ("*" for all); returns the unsubscribe function. */
  on<K extends string>(pushType: K, handler: (value: K extends keyof P ? P[K] : any, type: string) => void): () => void {
    return subscribe(this.pushHandlers, pushType, handler as (value: any, type: string) => void);
  }

  /** Subscribes to a lifecycle event; returns the unsubscribe function. */
  onEvent<E extends EventName>(event: E, handler: (e: ClientEvents[E]) => void): () => void {
    return subscribe(this.eventHandlers, event, handler);
  }

  /** Closes the connection (code 1000: the server ends the session) and stops reconnecting. */
  close(code = 1000, reason = "client closed"): void {
    if (this.state === "closed") return;
    const ws = this.ws;
    this.finish(code, reason);
    if (ws) {
      try {
        ws.close(code, reason);
      } catch {
        // already closing
      }
    }
  }

  // --- requests and packets ---------------------------------------------------------------

  private send<T>(type: string, fields: object | null, timeoutMs: number): Promise<T> {
    // After the server's close frame the socket is CLOSING until its close event: a send
    // then is lost, and browsers log "WebSocket is already in CLOSING or CLOSED state.".
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) {
      return Promise.reject(new StratusError("DISCONNECTED", `cannot send ${type}: the connection is closing`, type));
    }
    const session = this.nextSession;
    this.nextSession = this.nextSession >= 0x7fffffff ? 1 : this.nextSession + 1;
    let packet: Uint8Array;
    try {
      packet = this.codec.encodeRequest(type, fields, session, this.token);
    } catch (e) {
      if (e instanceof StratusError) return Promise.reject(e);
      return Promise.reject(new StratusError("ENCODE_FAILED", `${type}: ${(e as Error).message}`, type));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(session);
        reject(new StratusError("TIMEOUT", `no reply to ${type} within ${timeoutMs} ms`, type));
      }, timeoutMs);
      this.waiting.set(session, { resolve, reject, timer, type });
      try {
        ws.send(packet);
      } catch (e) {
        clearTimeout(timer);
        this.waiting.delete(session);
        reject(new StratusError("DISCONNECTED", `${type}: ${(e as Error).message}`, type));
      }
    });
  }

  private onPacket(data: unknown): void {
    this.lastReceived = Date.now();
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      this.emit("error", { error: new StratusError("PROTOCOL_ERROR", "text message from the server") });
      return;
    }
    let msg: Incoming;
    try {
      msg = this.codec.decode(bytes);
    } catch (e) {
      this.emit("error", { error: new StratusError("PROTOCOL_ERROR", (e as Error).message) });
      return;
    }
    if (msg.kind === "reply") this.onReply(msg);
    else this.onPush(msg.type, msg.value, msg.seq);
  }

  private onReply(msg: Extract<Incoming, { kind: "reply" }>): void {
    const waiter = this.waiting.get(msg.session);
    if (!waiter) return; // timed out earlier
    this.waiting.delete(msg.session);
    clearTimeout(waiter.timer);
    if (msg.error) {
      waiter.reject(new StratusError(msg.error.code, msg.error.message, waiter.type));
      return;
    }
    const token = msg.value?.token;
    if (typeof token === "string" && token !== "" && token !== this.token) {
      this.token = token; // a login reply: a new session, whose pushes count from 1
      this.lastSeq = 0;
    }
    waiter.resolve(msg.value);
  }

  private onPush(type: string, value: any, seq: number): void {
    if (seq > 0) {
      if (seq <= this.lastSeq) return; // already seen (a replay overlapping what we had)
      this.lastSeq = seq;
    }
    if (type === this.codec.names.kicked) this.kickReason = String(value?.reason ?? "");
    for (const key of [type, "*"]) {
      for (const handler of this.pushHandlers.get(key) ?? []) {
        try {
          handler(value, type);
        } catch (error) {
          this.emit("error", { error });
        }
      }
    }
  }

  // --- connections ----------------------------------------------------------------------

  /** Opens a WebSocket to url and makes it the current connection. */
  private async openSocket(url: string): Promise<void> {
    const ws = await openWebSocket(this.WS, url, this.options.connectTimeoutMs ?? 10_000);
    this.ws = ws;
    this.lastReceived = Date.now();
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.onPacket(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.ws === ws) this.onDrop(ev.code, ev.reason);
    };
  }

  /** The current connection is gone (closed by the server, the network or the heartbeat). */
  private onDrop(code: number, reason: string): void {
    this.ws = null;
    this.stopHeartbeat();
    this.failWaiting("DISCONNECTED", `connection closed (${code} ${reason})`);
    this.codec.reset();
    if (this.state === "closed") return;
    if (KICK_CODES.has(code) || this.kickReason !== null) {
      const why = this.kickReason || reason;
      this.emit("kicked", { code, reason: why });
      this.finish(code, why);
      return;
    }
    this.emit("disconnected", { code, reason });
    if (this.options.reconnect === false) {
      this.finish(code, reason);
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const opts = this.options.reconnect || {};
    this.attempt++;
    if (this.attempt > (opts.maxAttempts ?? Infinity)) {
      this.finish(1006, `gave up after ${this.attempt - 1} reconnect attempts`);
      return;
    }
    this.state = "reconnecting";
    const delayMs = backoffDelay(this.attempt, opts);
    this.emit("reconnecting", { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delayMs);
  }

  private async reconnect(): Promise<void> {
    if (this.state === "closed") return;
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const url = this.urls[this.urlIndex];
    try {
      await this.openSocket(url);
    } catch {
      if (!this.closed) this.scheduleReconnect();
      return;
    }
    if (this.closed) {
      this.ws?.close(1000, "client closed");
      return;
    }
    this.startHeartbeat();
    if (this.token && !(await this.resume())) return;
    if (this.state !== "resuming" && this.state !== "reconnecting") return;
    this.state = "open";
    this.attempt = 0;
    this.emit("open", { url, reconnect: true });
  }

  /** Resumes the session on the new connection; false when the connection failed meanwhile. */
  private async resume(): Promise<boolean> {
    this.state = "resuming";
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const reply = await this.send<any>(this.codec.names.resume, this.codec.resumeFields(this.token, this.lastSeq), timeoutMs);
      this.emit("resumed", { userid: reply?.userid, replayed: Number(reply?.replayed ?? 0) });
      return true;
    } catch (e) {
      const code = e instanceof StratusError ? e.code : "";
      // Any error reply means this server will not resume the session (RESUME_EXPIRED, or a
      // server without resume: UNKNOWN_MESSAGE_TYPE): log in again. No reply at all means
      // the new connection failed too: drop it and retry.
      if (!(e instanceof StratusError && e.fromServer)) {
        if (this.ws && this.state === "resuming") this.dropSilently(`resume failed: ${code}`);
        return false;
      }
      this.token = "";
      this.lastSeq = 0;
      this.emit("resume_expired", { code });
      this.state = "open";
      this.attempt = 0;
      this.emit("open", { url: this.urls[this.urlIndex], reconnect: true });
      if (this.options.login) {
        try {
          await this.options.login(this);
        } catch (error) {
          this.emit("error", { error });
        }
      }
      return false;
    }
  }

  private finish(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.ws = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    this.failWaiting("CLOSED", reason);
    this.emit("close", { code, reason });
  }

  private failWaiting(code: "DISCONNECTED" | "CLOSED", why: string): void {
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new StratusError(code, `${w.type}: ${why}`, w.type));
    }
    this.waiting.clear();
  }

  /** Abandons the current socket without waiting for a closing handshake, then reconnects. */
  private dropSilently(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null; // its late close event is ignored
    try {
      ws.close(CLOSE_DEAD, reason);
    } catch {
      // already closing
    }
    this.onDrop(1006, reason);
  }

  // --- heartbeat ------------------------------------------------------------------------

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.options.heartbeat === false) return;
    this.heartbeat = new Heartbeat(this.options.heartbeat ?? {}, {
      silentMs: () => Date.now() - this.lastReceived,
      // Any reply (even UNAUTHORIZED before login) proves the connection is alive.
      ping: (timeoutMs) => this.send(this.codec.names.ping, {}, timeoutMs),
      dead: (silentMs) => {
        if (!this.ws) return;
        this.emit("dead", { silentMs });
        this.dropSilently(`no traffic for ${silentMs} ms`);
      },
    });
    this.heartbeat.start();
  }

  private stopHeartbeat(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
  }

  private emit<E extends EventName>(event: E, payload: ClientEvents[E]): void {
    for (const handler of this.eventHandlers.get(event) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        if (event !== "error") this.emit("error", { error });
      }
    }
  }
}

function subscribe<H>(map: Map<string, Set<H>>, key: string, handler: H): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(handler);
  return () => set!.delete(handler);
}
