// The page's chat (rooms, whispers) against a scripted protobuf server, so that the UI and its
// SDK calls are tested before the real server has the handlers (demo.test.mjs skips its chat
// test until then). The server here knows just enough: login, ping, join/leave/room-say/say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { FakeConnection } from "../../clients/js/test/support/fake_ws_server.mjs";
import { pbDecode, pbPacket, protoRoot } from "../../clients/js/test/support/pb_peer.mjs";
import { missing, WWW } from "./support/stratus.mjs";

const why = missing();
if (why) throw new Error(why);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

/** Serves www/ and speaks the chat part of wire.md on the same port. */
async function chatServer() {
  const root = await protoRoot();
  const users = new Map();  // userid -> connection
  const rooms = new Map();  // room -> Set<userid>
  let nextUser = 1;
  const http = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/server-info.json") return res.end(JSON.stringify({ protocol: "protobuf", ws_path: "/" }));
    const file = join(WWW, normalize(path === "/" ? "index.html" : path));
    try {
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "text/plain" }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  http.on("upgrade", (req, socket) => {
    const accept = createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const conn = new FakeConnection(socket);
    let me = 0;
    const push = (to, type, fields) => users.get(to)?.send(pbPacket(root, type, fields));
    conn.onMessage = (bytes) => {
      const { type, header, value } = pbDecode(root, bytes);
      const h = { session_id: header.session_id };
      const reply = (t, fields = {}) => conn.send(pbPacket(root, t, fields, h));
      switch (type) {
        case "game.LoginReq":
          me = nextUser++;
          users.set(me, conn);
          return reply("game.LoginResp", { userid: me, token: `t${me}`, expires_in: 3600 });
        case "game.PingReq":
          return reply("game.PingResp", { server_time_ms: Date.now() });
        case "game.JoinReq": {
          const members = rooms.get(value.room) ?? new Set();
          rooms.set(value.room, members.add(me));
          return reply("game.JoinResp", { members: members.size });
        }
        case "game.LeaveReq":
          rooms.get(value.room)?.delete(me);
          return reply("game.LeaveResp");
        case "game.RoomSayReq": {
          const members = rooms.get(value.room) ?? new Set();
          for (const u of members) push(u, "game.RoomNotice", { room: value.room, from_userid: me, text: value.text });
          return reply("game.RoomSayResp", { delivered: members.size });
        }
        case "game.SayReq":
          push(value.to_userid, "game.Whisper", { from_userid: me, text: value.text });
          return reply("game.SayResp", { delivered: users.has(value.to_userid) });
        default:
          return reply("common.Error", { code: "UNKNOWN_MESSAGE_TYPE", message: type });
      }
    };
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${http.address().port}/`, stop: () => { http.closeAllConnections(); http.close(); } };
}

test("chat UI: join a room, say to it, whisper (scripted server)", { timeout: 60_000 }, async () => {
  const server = await chatServer();
  const browser = await chromium.launch({ executablePath: process.env.STRATUS_CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const errors = [];
    const open = async (account) => {
      const page = await browser.newPage();
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(server.url);
      await page.waitForSelector("body[data-ready=true]");
      await page.fill("#account", account);
      await page.fill("#password", "pw");
      await page.click("#login");
      await page.waitForFunction(() => window.demo.chat === "available");
      return page;
    };
    const [a, b] = [await open("ann"), await open("ben")];
    assert.match(await a.textContent("#chat-state"), /in #lobby/);
    await a.fill("#say-text", "hello lobby");
    await a.click("#say");
    await b.waitForSelector("#messages li:has-text('hello lobby') >> text=user 1");
    await a.waitForSelector("#messages li.mine:has-text('hello lobby')");
    await b.fill("#whisper-to", await a.textContent("#userid"));
    await b.fill("#whisper-text", "psst");
    await b.click("#whisper");
    await a.waitForSelector("#messages li.whisper:has-text('psst')");
    await b.waitForSelector("#messages li.whisper.mine:has-text('psst')");
    await b.click("#leave");
    await b.waitForFunction(() => window.demo.room === null);
    await a.fill("#say-text", "anyone?");
    await a.click("#say");
    await a.waitForSelector("#messages li:has-text('anyone?')");
    assert.equal(await b.locator("#messages li:has-text('anyone?')").count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
  }
});
