// The demo game over the SDK, the same in both protocol modes: login, ping, echo, chat, and
// pushes normalised to one shape. The page (app.js) never names a wire message itself.
import { connect, StratusError } from "./sdk/index.js";

/** What the server speaks: /server-info.json, written by the gateway (protocol, ws_path). */
export async function serverInfo() {
  try {
    const r = await fetch("server-info.json", { cache: "no-store" });
    if (r.ok) return await r.json();
  } catch {
    // served by something else than stratus: assume the protobuf defaults
  }
  return { protocol: "protobuf", ws_path: "/" };
}

const text = (path) => fetch(path).then((r) => {
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.text();
});

// Request names per mode (wire.md: demo messages, "Direct messages and rooms").
const NAMES = {
  protobuf: { ping: "game.PingReq", echo: "game.EchoReq", join: "game.JoinReq", leave: "game.LeaveReq",
              roomSay: "game.RoomSayReq", say: "game.SayReq" },
  sproto: { ping: "ping", echo: "echo", join: "join", leave: "leave", roomSay: "room_say", say: "say" },
};

/** True when the server does not know a message (its handler is not there). */
export const isUnknownMessage = (e) => e instanceof StratusError && e.code === "UNKNOWN_MESSAGE_TYPE";

/** One player's connection: the SDK client plus the demo game's messages. */
export class Game {
  /**
   * Connects with the server's protocol. relogin(game) runs when the server could not resume
   * the session after a reconnect (RESUME_EXPIRED, e.g. after a restart).
   */
  static async open(info, { relogin } = {}) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}${info.ws_path || "/"}`;
    const options = {
      protocol: info.protocol,
      timeoutMs: 5000,
      reconnect: { initialMs: 250, factor: 2, maxMs: 4000, jitter: 0.5 },
    };
    if (info.protocol === "sproto") {
      const [c2s, s2c] = await Promise.all([text("proto/proto.c2s.sproto"), text("proto/proto.s2c.sproto")]);
      options.sproto = { c2s, s2c };
    } else {
      const texts = await Promise.all([text("proto/common.proto"), text("proto/game.proto")]);
      options.proto = { texts, protobuf: globalThis.protobuf };
    }
    let game = null;
    options.login = () => relogin?.(game);
    const client = await connect(url, options);
    game = new Game(client, info.protocol, url);
    return game;
  }

  constructor(client, protocol, url) {
    this.client = client;
    this.url = url;
    this.protocol = protocol;
    this.names = NAMES[protocol];
  }

  get status() {
    return this.client.status;
  }

  /** Logs in (protobuf: account + password; sproto: signin, the account is the userid). */
  async login(account, password) {
    if (this.protocol === "sproto") {
      await this.client.request("signin", { userid: account });
      return { userid: account };
    }
    const r = await this.client.request("game.LoginReq", { account, password });
    return { userid: String(r.userid), expiresIn: r.expires_in };
  }

  /** One ping; resolves with the round-trip time in ms. */
  async ping() {
    const start = performance.now();
    await this.client.request(this.names.ping, {}, { timeoutMs: 3000 });
    return performance.now() - start;
  }

  /** Echo of `data` (protobuf: bytes; sproto: a string). */
  echo(data) {
    return this.client.request(this.names.echo, { data });
  }

  /** Joins a room; resolves with its member count. */
  async join(room) {
    const r = await this.client.request(this.names.join, { room });
    return Number(r?.members ?? 0);
  }

  leave(room) {
    return this.client.request(this.names.leave, { room });
  }

  /** Says something to a room; resolves with the number of members reached. */
  async roomSay(room, text) {
    const r = await this.client.request(this.names.roomSay, { room, text });
    return Number(r?.delivered ?? 0);
  }

  /** Whispers to one user; resolves with whether it was delivered. */
  async whisper(to, text) {
    const fields = this.protocol === "sproto" ? { to: String(to), text } : { to_userid: Number(to), text };
    const r = await this.client.request(this.names.say, fields);
    return Boolean(r?.delivered);
  }

  /** Every push, normalised: { kind: notice | room | whisper | kicked | heartbeat | other, ... }. */
  onPush(handler) {
    return this.client.on("*", (v, type) => handler(normalise(type, v ?? {})));
  }

  onEvent(name, handler) {
    return this.client.onEvent(name, handler);
  }

  close() {
    this.client.close();
  }
}

function normalise(type, v) {
  switch (type) {
    case "game.Notice":
    case "push":
      return { kind: "notice", type, text: v.text };
    case "game.RoomNotice":
    case "room_notice":
      return { kind: "room", type, room: v.room, from: String(v.from_userid ?? v.from ?? ""), text: v.text };
    case "game.Whisper":
    case "whisper":
      return { kind: "whisper", type, from: String(v.from_userid ?? v.from ?? ""), text: v.text };
    case "common.Kicked":
    case "kicked":
      return { kind: "kicked", type, reason: v.reason };
    case "heartbeat":
      return { kind: "heartbeat", type };
    default:
      return { kind: "other", type, value: v };
  }
}
