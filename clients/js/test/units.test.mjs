// Unit tests of pieces without a connection: backoff, the protobuf codec's 64-bit handling,
// the sproto codec's framing, requests on a closing socket (a scripted WebSocket object).
import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay, connect, ProtobufCodec, SprotoCodec, StratusError } from "../dist/index.js";
import { pbPacket, protoRoot } from "./support/pb_peer.mjs";
import { protoText } from "./support/stratus_server.mjs";

test("backoff: exponential from initialMs, capped at maxMs, jitter takes off up to its fraction", () => {
  const o = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, o, () => 0)), [100, 200, 400, 800, 1000, 1000]);
  assert.deepEqual([1, 2, 5].map((n) => backoffDelay(n, o, () => 1)), [50, 100, 500]);
  assert.equal(backoffDelay(3, { ...o, jitter: 0 }, () => 1), 400);
});

test("protobuf codec: 64-bit fields go out exactly from bigint and come back as number or bigint", async () => {
  const root = await protoRoot();
  const codec = new ProtobufCodec(root);
  const big = 2n ** 60n + 7n;
  const packet = codec.encodeRequest("game.SayReq", { to_userid: big, text: "hi" }, 5, "tok");
  const t = root.lookupType("game.SayReq");
  const sent = t.toObject(t.decode(packet.subarray(4)), { longs: String });
  assert.equal(sent.to_userid, big.toString());
  assert.deepEqual(sent.header, { msg_type: "game.SayReq", session_id: 5, token: "tok" });
  const small = codec.decode(pbPacket(root, "game.Whisper", { from_userid: 12, text: "a" }, { seq: 9 }));
  assert.deepEqual(small, { kind: "push", type: "game.Whisper", seq: 9,
    value: { header: { msg_type: "game.Whisper", session_id: 0, token: "", seq: 9 }, from_userid: 12, text: "a" } });
  const large = codec.decode(pbPacket(root, "game.LoginResp", { userid: big.toString(), token: "t" }, { session_id: 3 }));
  assert.equal(large.kind, "reply");
  assert.equal(large.value.userid, big);
  assert.throws(() => codec.encodeRequest("game.SayReq", { to_userid: "x" }, 1, ""), StratusError);
  assert.throws(() => codec.decode(new Uint8Array([5, 0, 0, 0, 1])), /length prefix/);
});

test("sproto codec: u16 big-endian framing, bodies over 65535 bytes refused", () => {
  const codec = new SprotoCodec({ c2s: protoText("proto.c2s.sproto"), s2c: protoText("proto.s2c.sproto") });
  const packet = codec.encodeRequest("echo", { data: "abc" }, 1, "");
  assert.equal(new DataView(packet.buffer).getUint16(0, false), packet.length - 2);
  assert.throws(() => codec.encodeRequest("echo", { data: "y".repeat(70000) }, 2, ""), /65535/);
  assert.throws(() => codec.decode(new Uint8Array([0, 9, 1])), /length prefix/);
});

test("sproto: spec rules beyond the public vectors (separators, BOM, decimals, depth)", async () => {
  const { sproto } = await import("../dist/index.js");
  const { Sproto, SprotoError } = sproto;
  assert.doesNotThrow(() => Sproto.parse(".A{}.B{}"));
  assert.throws(() => Sproto.parse(".A{}.B{} .C{}"), SprotoError);
  assert.throws(() => Sproto.parse(".A { a 0 : * integer }"), SprotoError);
  assert.throws(() => Sproto.parse(".A { a 0 : integer (2) }"), SprotoError);
  assert.throws(() => Sproto.parse(".A {} p 1 { request{ a 0 : integer } }"), SprotoError);
  const sp = Sproto.parse(".S { s 0 : string  d 1 : integer(2)  n 2 : S }");
  assert.equal(sp.decode("S", sp.encode("S", { s: "\ufeffx" })).value.s, "\ufeffx");
  // round half away from zero, after the product is rounded to binary64 (sproto.md 3.4)
  const dec = (x) => sp.decode("S", sp.encode("S", { d: x })).value.d;
  assert.deepEqual([1.005, 2.675, 0.005, -0.005].map(dec), [1, 2.68, 0.01, -0.01]);
  let deep = {};
  for (let i = 0; i < 64; i++) deep = { n: deep };
  assert.throws(() => sp.encode("S", deep), SprotoError); // 65 levels
  assert.doesNotThrow(() => sp.encode("S", deep.n));     // 64 levels
});

test("a request on a CLOSING socket (the server's close frame came, its close event not yet) is DISCONNECTED, never sent", async () => {
  // Browsers log "WebSocket is already in CLOSING or CLOSED state." for such a send: the demo
  // page's ping during a drain made browser.demo flaky on a loaded machine.
  const sent = [];
  let socket;
  class ScriptedSocket {
    constructor() {
      socket = this;
      this.readyState = 0;
      setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 0);
    }
    send(data) { sent.push(data); }
    close() { this.readyState = 3; }
  }
  const c = await connect("ws://scripted/", {
    protocol: "sproto", sproto: { c2s: protoText("proto.c2s.sproto"), s2c: protoText("proto.s2c.sproto") },
    WebSocket: ScriptedSocket, heartbeat: false, reconnect: false,
  });
  const open = c.request("ping", {}, { timeoutMs: 50 });
  assert.equal(sent.length, 1);
  await assert.rejects(open, (e) => e instanceof StratusError && e.code === "TIMEOUT");
  socket.readyState = 2; // CLOSING
  await assert.rejects(c.request("ping"), (e) => e instanceof StratusError && e.code === "DISCONNECTED");
  assert.equal(sent.length, 1);
  c.close();
});
