// Against the REAL stratus binary (STRATUS_BIN): what the server supports today, in both modes.
// Session features (resume, kicks, drain) are tested against a fake server for now
// (fake-server.test.mjs) until the server implements them.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { connect, parseProtoTexts, StratusError } from "../dist/index.js";
import { protoText, startStratus, unavailable } from "./support/stratus_server.mjs";
import { startTcpProxy } from "./support/tcp_proxy.mjs";
import { nextEvent, nextPush, sleep, until } from "./support/wait.mjs";

const skip = unavailable();
const clients = [];
after(() => clients.forEach((c) => c.close()));

const isCode = (code) => (e) => {
  assert.ok(e instanceof StratusError, `not a StratusError: ${e}`);
  assert.equal(e.code, code);
  return true;
};

describe("protobuf mode, real server", { skip }, () => {
  let server;
  let root;
  after(async () => server && (await server.stop()));

  async function client(options = {}, url = undefined) {
    if (!server) {
      server = await startStratus({ protocol_type: "protobuf" });
      // The repository's protos plus one type the server has no handler for.
      root = await parseProtoTexts([protoText("common.proto"), protoText("game.proto"),
        'syntax = "proto3"; package jstest; import "common.proto"; message NopeReq { common.Header header = 1; }']);
    }
    const c = await connect(url ?? server.url, { protocol: "protobuf", proto: root, heartbeat: false, ...options });
    clients.push(c);
    return c;
  }

  test("after a network drop the client resumes and gets exactly the pushes it missed, in order", async () => {
    await client().then((c) => c.close()); // starts the server
    const proxy = await startTcpProxy(server.port);
    let logins = 0;
    const c = await client({
      reconnect: { initialMs: 300, maxMs: 300 },
      login: async (cl) => {
        logins++;
        await cl.request("game.LoginReq", { account: "dave", password: "pw" });
      },
    }, proxy.url);
    const friend = await client();
    try {
      const me = await c.request("game.LoginReq", { account: "dave", password: "pw" });
      await friend.request("game.LoginReq", { account: "dave_friend", password: "pw" });
      const whispers = [];
      c.on("game.Whisper", (w) => whispers.push(w.text));
      await until(() => c.lastSeq === 1, 5000, "the welcome push");
      const resumed = nextEvent(c, "resumed");
      const disconnected = nextEvent(c, "disconnected");
      proxy.cut();
      assert.equal((await disconnected).code, 1006);
      // While dave is away (the client waits 300 ms before it comes back) his session keeps these.
      for (const text of ["one", "two"]) {
        const said = await friend.request("game.SayReq", { to_userid: me.userid, text });
        assert.equal(said.delivered, true);
      }
      const r = await resumed;
      assert.equal(r.replayed, 2);
      await until(() => whispers.length === 2, 5000, "the replayed whispers");
      assert.deepEqual(whispers, ["one", "two"]);
      assert.equal(c.lastSeq, 3);
      assert.equal(logins, 0); // resumed: no second login
      assert.ok((await c.request("game.PingReq")).server_time_ms > 0);
    } finally {
      c.close();
      friend.close();
      await proxy.stop();
    }
  });

  test("requests before login get UNAUTHORIZED", async () => {
    const c = await client();
    await assert.rejects(c.request("game.PingReq"), isCode("UNAUTHORIZED"));
    await assert.rejects(c.request("game.EchoReq", { data: new Uint8Array([1]) }), isCode("UNAUTHORIZED"));
    c.close();
  });

  test("login, the Notice push, ping and echo", async () => {
    const c = await client();
    const notice = nextPush(c, "game.Notice");
    const login = await c.request("game.LoginReq", { account: "alice", password: "secret" });
    assert.ok(login.userid > 0);
    assert.equal(login.token.length, 32);
    assert.ok(login.expires_in > 0);
    assert.equal(c.token, login.token);
    assert.match((await notice).text, /alice/);
    const pong = await c.request("game.PingReq");
    assert.ok(pong.server_time_ms > 1.6e12);
    const data = new Uint8Array(1000).map((_, i) => i & 0xff);
    assert.deepEqual([...(await c.request("game.EchoReq", { data })).data], [...data]);
    assert.equal((await c.request("game.EchoReq", { data: new Uint8Array() })).data.length, 0);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      c.request("game.EchoReq", { data: new Uint8Array([i]) })));
    assert.deepEqual(replies.map((r) => r.data[0]), Array.from({ length: 50 }, (_, i) => i));
    c.close();
  });

  test("a wrong password is UNAUTHORIZED; an unknown type is UNKNOWN_MESSAGE_TYPE", async () => {
    const c = await client();
    await c.request("game.LoginReq", { account: "bob", password: "right" });
    const c2 = await client();
    await assert.rejects(c2.request("game.LoginReq", { account: "bob", password: "wrong" }), isCode("UNAUTHORIZED"));
    await assert.rejects(c.request("jstest.NopeReq"), isCode("UNKNOWN_MESSAGE_TYPE"));
    assert.ok((await c.request("game.PingReq")).server_time_ms > 0, "the connection stays usable");
    c.close();
    c2.close();
  });

  test("heartbeat pings keep an idle connection alive", async () => {
    // Without answered pings the client would give up after 1.5 s of silence.
    const c = await client({ heartbeat: { intervalMs: 100, deadAfterMs: 1500 } });
    await c.request("game.LoginReq", { account: "carol", password: "pw" });
    let dead = false;
    c.onEvent("dead", () => (dead = true));
    await sleep(2000);
    assert.equal(dead, false);
    assert.equal(c.status, "open");
    c.close();
  });
});

describe("sproto mode, real server", { skip }, () => {
  let server;
  after(async () => server && (await server.stop()));
  const c2s = () => protoText("proto.c2s.sproto");
  const s2c = () => protoText("proto.s2c.sproto");

  async function client(options = {}, c2sText = c2s(), url = undefined) {
    if (!server) server = await startStratus({ protocol_type: "sproto", heartbeat_ms: 200 });
    const c = await connect(url ?? server.url, { protocol: "sproto", sproto: { c2s: c2sText, s2c: s2c() }, heartbeat: false, ...options });
    clients.push(c);
    return c;
  }

  test("after a network drop the client resumes with the signin token and gets the missed whispers", async () => {
    await client().then((c) => c.close()); // starts the server
    const proxy = await startTcpProxy(server.port);
    let signins = 0;
    const c = await client({
      reconnect: { initialMs: 300, maxMs: 300 },
      login: (cl) => {
        signins++;
        return cl.request("signin", { userid: "erin" });
      },
    }, c2s(), proxy.url);
    const friend = await client({}, c2s());
    try {
      const signin = await c.request("signin", { userid: "erin" });
      assert.equal(signin.token.length, 32);
      await friend.request("signin", { userid: "erin_friend" });
      const whispers = [];
      c.on("whisper", (w) => whispers.push(w.text));
      await until(() => c.lastSeq === 1, 5000, "the welcome push");
      const resumed = nextEvent(c, "resumed");
      proxy.cut();
      await nextEvent(c, "disconnected");
      for (const text of ["one", "two"])
        assert.deepEqual(await friend.request("say", { to: "erin", text }), { delivered: true });
      assert.equal((await resumed).replayed, 2);
      await until(() => whispers.length === 2, 5000, "the replayed whispers");
      assert.deepEqual(whispers, ["one", "two"]);
      assert.equal(c.lastSeq, 3);
      assert.equal(signins, 0);
      assert.deepEqual(await c.request("login"), { ok: true });
    } finally {
      c.close();
      friend.close();
      await proxy.stop();
    }
  });

  test("ping, echo, signup, signin with its push, login", async () => {
    const c = await client();
    assert.equal(await c.request("ping"), null);
    assert.deepEqual(await c.request("echo", { data: "abc" }), { data: "abc" });
    assert.deepEqual(await c.request("signup", { userid: "alice" }), { ok: true });
    assert.deepEqual(await c.request("signup", { userid: "alice" }), { ok: false });
    await assert.rejects(c.request("login"), isCode("UNAUTHORIZED"));
    const push = nextPush(c, "push");
    const signin = await c.request("signin", { userid: "alice" });
    assert.equal(signin.ok, true);
    assert.match((await push).text, /alice/);
    assert.deepEqual(await c.request("login"), { ok: true });
    c.close();
  });

  test("errors in ud: BAD_REQUEST, UNKNOWN_MESSAGE_TYPE; the connection stays usable", async () => {
    const extended = `${c2s()}\nnope 99 {}\nnope_body 98 { response { x 0 : integer } }\n`;
    const c = await client({}, extended);
    await assert.rejects(c.request("signin", { userid: "" }), isCode("BAD_REQUEST"));
    await assert.rejects(c.request("nope"), isCode("UNKNOWN_MESSAGE_TYPE"));
    await assert.rejects(c.request("nope_body"), isCode("UNKNOWN_MESSAGE_TYPE"));
    assert.deepEqual(await c.request("echo", { data: "still here" }), { data: "still here" });
    c.close();
  });

  test("heartbeat pushes arrive and count as traffic for dead-connection detection", async () => {
    // The client never pings (intervalMs 60 s): only the server's pushes (every 200 ms) keep it.
    const c = await client({ heartbeat: { intervalMs: 60_000, deadAfterMs: 1500 } });
    let dead = false;
    c.onEvent("dead", () => (dead = true));
    await nextPush(c, "heartbeat", 3000);
    await sleep(2000);
    assert.equal(dead, false);
    c.close();
  });

  test("a body too large for the u16 frame is refused before sending", async () => {
    const c = await client();
    await assert.rejects(c.request("echo", { data: "x".repeat(70000) }), isCode("ENCODE_FAILED"));
    assert.deepEqual(await c.request("echo", { data: "ok" }), { data: "ok" });
    c.close();
  });
});
