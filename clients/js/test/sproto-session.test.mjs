// PROTOCOL-LEVEL test of sproto mode's session fields against a scripted fake server (not the
// real binary): `.package.seq` on pushes, `resume` with token/last_seq, `kicked`.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { connect, sproto } from "../dist/index.js";
import { startFakeServer } from "./support/fake_ws_server.mjs";
import { protoText } from "./support/stratus_server.mjs";
import { nextEvent, until } from "./support/wait.mjs";

const { Sproto, Host, pack } = sproto;
const C2S = Sproto.parse(protoText("proto.c2s.sproto"));
const S2C = Sproto.parse(protoText("proto.s2c.sproto"));
const cleanup = [];
after(async () => { for (const f of cleanup) await f(); });

const frame = (body) => {
  const p = new Uint8Array(2 + body.length);
  new DataView(p.buffer).setUint16(0, body.length, false);
  p.set(body, 2);
  return p;
};

/** A push of the s2c schema with `seq` in its header. */
function pushPacket(name, args, seq) {
  const head = S2C.encode("package", { type: S2C.protocol(name).tag, seq });
  const body = S2C.requestEncode(name, args).body;
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return frame(pack(all));
}

test("sproto: push seq, resume after a drop, then kicked", async () => {
  const conns = [];
  const requests = [];
  const server = await startFakeServer((conn, index) => {
    conns.push(conn);
    const host = new Host(C2S);
    conn.onMessage = (bytes) => {
      const msg = host.dispatch(bytes.subarray(2));
      requests.push({ index, name: msg.name, args: msg.args });
      const reply = (args, ud) => conn.send(frame(msg.responder(args, ud)));
      if (msg.name === "signin") reply({ ok: true, token: "T1" });
      else if (msg.name === "resume") {
        reply({ ok: true, replayed: 1 });
        conn.send(pushPacket("whisper", { from: "bob", text: "missed" }, 3));
      } else if (msg.name === "ping") reply(null);
      else reply({}, "UNKNOWN_MESSAGE_TYPE");
    };
  });
  cleanup.push(() => server.stop());
  const c = await connect(server.url, {
    protocol: "sproto", sproto: { c2s: C2S, s2c: S2C }, heartbeat: false, reconnect: { initialMs: 10, maxMs: 20 },
  });
  cleanup.push(() => c.close());
  assert.deepEqual(await c.request("signin", { userid: "ann" }), { ok: true, token: "T1" });
  assert.equal(c.token, "T1");
  const got = [];
  c.on("*", (v, type) => got.push([type, v]));
  conns[0].send(pushPacket("push", { text: "one" }, 1));
  conns[0].send(pushPacket("room_notice", { room: "r", from: "bob", text: "hi" }, 2));
  await until(() => c.lastSeq === 2);
  const resumed = nextEvent(c, "resumed");
  conns[0].destroy();
  assert.equal((await resumed).replayed, 1);
  const resume = requests.find((r) => r.name === "resume");
  assert.deepEqual(resume, { index: 1, name: "resume", args: { token: "T1", last_seq: 2 } });
  await until(() => c.lastSeq === 3);
  assert.deepEqual(got.map(([t]) => t), ["push", "room_notice", "whisper"]);
  assert.equal(await c.request("ping"), null);
  await assert.rejects(c.request("join", { room: "r" }), (e) => e.code === "UNKNOWN_MESSAGE_TYPE");
  const kicked = nextEvent(c, "kicked");
  conns[1].send(pushPacket("kicked", { reason: "logged in elsewhere" }, 4));
  conns[1].close(4001, "");
  assert.deepEqual(await kicked, { code: 4001, reason: "logged in elsewhere" });
  assert.equal(c.status, "closed");
});
