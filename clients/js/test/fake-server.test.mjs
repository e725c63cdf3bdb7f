// PROTOCOL-LEVEL tests of the session machinery (wire.md "Sessions") against a scripted fake
// server (test/support/fake_ws_server.mjs), not the real stratus binary: the server side of
// sessions/resume/kick does not exist yet. Real-server tests are in real-server.test.mjs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect, StratusError } from "../dist/index.js";
import { startFakeServer } from "./support/fake_ws_server.mjs";
import { demoReply, pbDecode, pbPacket, protoRoot } from "./support/pb_peer.mjs";
import { nextEvent, nextPush, sleep, until } from "./support/wait.mjs";

let root;
const servers = [];
const clients = [];

before(async () => {
  root = await protoRoot();
});

after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
});

/** A fake protobuf-mode server: each connection answers like the demo unless `extra` does. */
async function fakeServer(extra, onConnection) {
  const log = [];
  const server = await startFakeServer((conn, index) => {
    conn.onMessage = (bytes) => {
      const req = pbDecode(root, bytes);
      log.push({ index, ...req });
      const reply = demoReply(root, req, (r) => extra?.(r, conn, index));
      if (reply) conn.send(reply);
    };
    onConnection?.(conn, index);
  });
  server.log = log;
  servers.push(server);
  return server;
}

async function client(server, options = {}) {
  const c = await connect(server.url, {
    protocol: "protobuf", proto: root, heartbeat: false,
    reconnect: { initialMs: 20, maxMs: 100 }, ...options,
  });
  clients.push(c);
  return c;
}

const push = (type, fields, seq) => pbPacket(root, type, fields, { seq });

test("requests get their replies; error replies and silence become typed errors", async () => {
  const server = await fakeServer((req) => {
    if (req.type === "game.EchoReq" && req.value.data.length === 0) return null; // never answers
    if (req.type === "game.LeaveReq") {
      return pbPacket(root, "game.PingResp", {}, { session_id: req.header.session_id, msg_type: "x.Unknown" });
    }
    if (req.type === "game.PingReq" && !req.header.token) {
      return pbPacket(root, "common.Error", { code: "UNAUTHORIZED", message: "log in first" }, { session_id: req.header.session_id });
    }
  });
  const c = await client(server);
  await assert.rejects(c.request("game.PingReq"), (e) => e instanceof StratusError && e.code === "UNAUTHORIZED");
  const login = await c.request("game.LoginReq", { account: "ann", password: "pw" });
  assert.equal(login.userid, 42);
  assert.equal(c.token, "tok-ann");
  const echo = await c.request("game.EchoReq", { data: new Uint8Array([1, 2, 3]) });
  assert.deepEqual([...echo.data], [1, 2, 3]);
  assert.ok((await c.request("game.PingReq")).server_time_ms > 0);
  assert.equal(server.log.at(-1).header.token, "tok-ann", "the token travels in every header");
  await assert.rejects(c.request("game.EchoReq", { data: new Uint8Array() }, { timeoutMs: 100 }),
    (e) => e.code === "TIMEOUT");
  await assert.rejects(c.request("game.NoSuchReq"), (e) => e.code === "ENCODE_FAILED");
  await assert.rejects(c.request("game.LeaveReq", { room: "r" }), (e) => e.code === "PROTOCOL_ERROR");
});

test("pushes reach their handlers and the last seq is kept; replayed duplicates are dropped", async () => {
  let conn;
  const server = await fakeServer(null, (cn) => (conn = cn));
  const c = await client(server);
  await c.request("game.LoginReq", { account: "bo", password: "pw" });
  const seen = [];
  c.on("game.Notice", (n) => seen.push(n.text));
  const all = [];
  c.on("*", (_, type) => all.push(type));
  conn.send(push("game.Notice", { text: "one" }, 1));
  conn.send(push("game.Notice", { text: "two" }, 2));
  conn.send(push("game.Notice", { text: "two again" }, 2));
  conn.send(push("game.Whisper", { from_userid: 7, text: "psst" }, 3));
  await until(() => all.length === 3, 2000, "3 pushes");
  assert.deepEqual(seen, ["one", "two"]);
  assert.deepEqual(all, ["game.Notice", "game.Notice", "game.Whisper"]);
  assert.equal(c.lastSeq, 3);
});

test("a dropped connection reconnects and resumes with the token and last seq; replayed pushes arrive", async () => {
  const conns = [];
  const server = await fakeServer((req, conn) => {
    if (req.type === "game.EchoReq" && req.value.data.length === 0) return null; // never answers
    if (req.type !== "common.ResumeReq") return undefined;
    conn.send(pbPacket(root, "common.ResumeResp", { userid: 42, replayed: 2 }, { session_id: req.header.session_id }));
    conn.send(push("game.Notice", { text: "missed 3" }, 3));
    conn.send(push("game.Notice", { text: "missed 4" }, 4));
    return null;
  }, (cn) => conns.push(cn));
  const c = await client(server);
  await c.request("game.LoginReq", { account: "cy", password: "pw" });
  conns[0].send(push("game.Notice", { text: "live 1" }, 1));
  conns[0].send(push("game.Notice", { text: "live 2" }, 2));
  await until(() => c.lastSeq === 2);
  const texts = [];
  c.on("game.Notice", (n) => texts.push(n.text));
  const disconnected = nextEvent(c, "disconnected");
  const resumed = nextEvent(c, "resumed");
  const pending = c.request("game.EchoReq", { data: new Uint8Array() }, { timeoutMs: 5000 });
  await sleep(20);
  conns[0].destroy(); // no close frame: a network failure
  await assert.rejects(pending, (e) => e.code === "DISCONNECTED");
  assert.equal((await disconnected).code, 1006);
  assert.deepEqual(await resumed, { userid: 42, replayed: 2 });
  const resume = server.log.find((r) => r.type === "common.ResumeReq");
  assert.equal(resume.index, 1);
  assert.equal(resume.value.token, "tok-cy");
  assert.equal(resume.value.last_seq, 2);
  await until(() => texts.length === 2);
  assert.deepEqual(texts, ["missed 3", "missed 4"]);
  assert.equal(c.lastSeq, 4);
  assert.equal(c.status, "open");
  assert.equal((await c.request("game.EchoReq", { data: new Uint8Array([9]) })).data[0], 9);
});

test("RESUME_EXPIRED falls back to the login callback", async () => {
  const conns = [];
  const server = await fakeServer((req) => {
    if (req.type === "common.ResumeReq") {
      return pbPacket(root, "common.Error", { code: "RESUME_EXPIRED", message: "" }, { session_id: req.header.session_id });
    }
  }, (cn) => conns.push(cn));
  let logins = 0;
  const c = await client(server, {
    login: async (cl) => {
      logins++;
      await cl.request("game.LoginReq", { account: "di2", password: "pw" });
    },
  });
  await c.request("game.LoginReq", { account: "di", password: "pw" });
  conns[0].send(push("game.Notice", { text: "x" }, 5));
  await until(() => c.lastSeq === 5);
  const expired = nextEvent(c, "resume_expired");
  conns[0].destroy();
  assert.equal((await expired).code, "RESUME_EXPIRED");
  await until(() => c.token === "tok-di2", 3000, "login again");
  assert.equal(logins, 1);
  assert.equal(c.lastSeq, 0, "a new session counts its pushes from 1");
});

test("Kicked then close 4001 is reported as kicked, and the client does not reconnect", async () => {
  const conns = [];
  const server = await fakeServer(null, (cn) => conns.push(cn));
  const c = await client(server);
  await c.request("game.LoginReq", { account: "ed", password: "pw" });
  const kickedPush = nextPush(c, "common.Kicked");
  const kicked = nextEvent(c, "kicked");
  const closed = nextEvent(c, "close");
  let reconnecting = false;
  c.onEvent("reconnecting", () => (reconnecting = true));
  conns[0].send(push("common.Kicked", { reason: "logged in elsewhere" }, 1));
  conns[0].close(4001, "logged in elsewhere");
  assert.equal((await kickedPush).reason, "logged in elsewhere");
  assert.deepEqual(await kicked, { code: 4001, reason: "logged in elsewhere" });
  assert.equal((await closed).code, 4001);
  await sleep(200);
  assert.equal(reconnecting, false);
  assert.equal(conns.length, 1);
  assert.equal(c.status, "closed");
  await assert.rejects(c.request("game.PingReq"), (e) => e.code === "CLOSED");
});

test("close 4002 without a Kicked push is a kick too", async () => {
  const conns = [];
  const server = await fakeServer(null, (cn) => conns.push(cn));
  const c = await client(server);
  const kicked = nextEvent(c, "kicked");
  conns[0].close(4002, "kicked by admin");
  assert.deepEqual(await kicked, { code: 4002, reason: "kicked by admin" });
  await sleep(150);
  assert.equal(conns.length, 1);
});

test("close 1001 (drain) reconnects, to the next URL when several are given", async () => {
  const a = [];
  const b = [];
  const serverA = await fakeServer(null, (cn) => a.push(cn));
  const serverB = await fakeServer(null, (cn) => b.push(cn));
  const c = await connect([serverA.url, serverB.url], {
    protocol: "protobuf", proto: root, heartbeat: false, reconnect: { initialMs: 10, maxMs: 50 },
  });
  clients.push(c);
  const disconnected = nextEvent(c, "disconnected");
  const reopened = nextEvent(c, "open");
  a[0].close(1001, "server shutting down");
  assert.equal((await disconnected).code, 1001);
  assert.deepEqual(await reopened, { url: serverB.url, reconnect: true });
  assert.equal(b.length, 1);
  assert.ok((await c.request("game.LoginReq", { account: "fy", password: "pw" })).token);
});

test("reconnect attempts back off exponentially with jitter, capped, until the server is back", async () => {
  const conns = [];
  const server = await fakeServer(null, (cn) => conns.push(cn));
  const c = await client(server, { reconnect: { initialMs: 20, maxMs: 60, jitter: 0.5 } });
  const delays = [];
  c.onEvent("reconnecting", (e) => delays.push(e));
  const reopened = nextEvent(c, "open", 5000);
  server.refuse = 3; // the next three upgrades get HTTP 503
  conns[0].destroy();
  await reopened;
  assert.deepEqual(delays.map((d) => d.attempt), [1, 2, 3, 4]);
  const caps = [20, 40, 60, 60];
  delays.forEach((d, i) => assert.ok(d.delayMs <= caps[i] && d.delayMs >= caps[i] / 2, JSON.stringify(d)));
});

test("a server that goes silent is noticed by the heartbeat within deadAfterMs", async () => {
  const conns = [];
  let silent = false;
  const server = await fakeServer((req) => (silent ? null : undefined), (cn) => conns.push(cn));
  const c = await client(server, { heartbeat: { intervalMs: 100, deadAfterMs: 300 } });
  await sleep(350);
  assert.equal(c.status, "open", "answered pings keep the connection alive");
  const pings = server.log.filter((r) => r.type === "game.PingReq").length;
  assert.ok(pings >= 1, "pings were sent while idle");
  silent = true;
  const began = Date.now();
  const dead = nextEvent(c, "dead", 2000);
  const reopened = nextEvent(c, "open", 3000);
  const e = await dead;
  // Due at 300 ms of silence (checks every 25 ms); generous bound for a loaded machine.
  assert.ok(e.silentMs >= 300 && Date.now() - began < 1500, `noticed after ${Date.now() - began} ms`);
  silent = false;
  await reopened;
  assert.equal(conns.length, 2);
});

test("close() sends 1000, rejects waiting requests and stops reconnecting", async () => {
  const conns = [];
  const server = await fakeServer((req) => (req.type === "game.EchoReq" ? null : undefined), (cn) => conns.push(cn));
  const c = await client(server);
  const pending = c.request("game.EchoReq", { data: new Uint8Array() });
  const code = new Promise((resolve) => (conns[0].onClose = resolve));
  c.close();
  await assert.rejects(pending, (e) => e.code === "CLOSED");
  assert.equal(await code, 1000);
  await sleep(100);
  assert.equal(conns.length, 1);
});
