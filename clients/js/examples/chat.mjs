// The SDK example quoted in README.md ("Web clients"): connect, sign in, a request, push
// handlers, a room, and the session events. Against `./run.sh` (sproto mode, the shipped config):
//   cd clients/js && npm run build && node examples/chat.mjs [ws://127.0.0.1:8081/] [name]
// (Node 20: node --experimental-websocket ...). Runs until kicked or Ctrl-C.
// clients/js/test/examples.test.mjs runs it against a real server.
import { readFileSync } from "node:fs";
import { connect } from "@stratus/client";

const [url = "ws://127.0.0.1:8081/", name = "alice"] = process.argv.slice(2);
const schema = (file) => readFileSync(new URL(`../../../proto/${file}`, import.meta.url), "utf8");

const client = await connect(url, {
  protocol: "sproto", // protobuf: protocol: "protobuf", proto: { files: [".../common.proto", ...] }
  sproto: { c2s: schema("proto.c2s.sproto"), s2c: schema("proto.s2c.sproto") },
  login: (c) => c.request("signin", { userid: name }), // when a resume is refused (server restart)
});
client.on("whisper", (m) => console.log(`${m.from} whispers: ${m.text}`));
client.on("room_notice", (m) => console.log(`#${m.room} ${m.from}: ${m.text}`));
client.onEvent("resumed", ({ replayed }) => console.log(`session resumed (${replayed} pushes replayed)`));
client.onEvent("kicked", ({ code, reason }) => console.log(`kicked: ${reason} (${code})`));

const { token } = await client.request("signin", { userid: name }); // the SDK keeps the token
console.log(`signed in as ${name}, token ${token.slice(0, 4)}…`);
console.log("echo:", (await client.request("echo", { data: "hi" })).data);
const { members } = await client.request("join", { room: "lobby" });
await client.request("room_say", { room: "lobby", text: `hello, ${members} here` });
