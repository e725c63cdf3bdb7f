// examples/chat.mjs (the SDK example quoted in README.md) against the REAL stratus in sproto
// mode, through a TCP proxy: it signs in, echoes, joins and speaks in a room, prints a whisper,
// resumes after its connection is cut (with the whisper it missed), and ends when kicked.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { connect } from "../dist/index.js";
import { protoText, startStratus, unavailable } from "./support/stratus_server.mjs";
import { startTcpProxy } from "./support/tcp_proxy.mjs";
import { until } from "./support/wait.mjs";

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), "../examples/chat.mjs");
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

test("examples/chat.mjs: sign in, echo, room, whisper, resume after a cut, kicked", { skip: unavailable(), timeout: 60_000 }, async () => {
  const server = await startStratus({ protocol_type: "sproto" });
  cleanup.push(() => server.stop());
  const proxy = await startTcpProxy(server.port);
  cleanup.push(() => proxy.stop());
  // Node 20-21 have the global WebSocket only with this flag (this process may have it).
  const flags = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];
  const child = spawn(process.execPath, [...flags, EXAMPLE, proxy.url, "erin"], { stdio: ["ignore", "pipe", "pipe"] });
  cleanup.push(() => child.exitCode === null && child.kill());
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const printed = (line) => until(() => out.split("\n").includes(line), 15_000, `'${line}' in the output`)
    .catch((e) => { throw new Error(`${e.message}; it printed:\n${out}${err}`); });

  await printed("#lobby erin: hello, 1 here");
  assert.match(out, /^signed in as erin, token [0-9a-f]{4}…\necho: hi\n/);

  const s2c = protoText("proto.s2c.sproto");
  const frank = await connect(server.url, { protocol: "sproto", sproto: { c2s: protoText("proto.c2s.sproto"), s2c }, heartbeat: false });
  cleanup.push(() => frank.close());
  await frank.request("signin", { userid: "frank" });
  assert.deepEqual(await frank.request("say", { to: "erin", text: "hi erin" }), { delivered: true });
  await printed("frank whispers: hi erin");

  // Cut erin's connection (no close frame) and keep her away while frank whispers again.
  proxy.hold();
  proxy.cut();
  assert.deepEqual(await frank.request("say", { to: "erin", text: "while you were away" }), { delivered: true });
  proxy.release();
  await printed("session resumed (1 pushes replayed)");
  await printed("frank whispers: while you were away");

  // Signing in as erin elsewhere kicks the example, which then ends.
  const other = await connect(server.url, { protocol: "sproto", sproto: { c2s: protoText("proto.c2s.sproto"), s2c }, heartbeat: false });
  cleanup.push(() => other.close());
  await other.request("signin", { userid: "erin" });
  await printed("kicked: logged in elsewhere (4001)");
  assert.equal(await exited, 0, err);
  assert.equal(err, "");
});
