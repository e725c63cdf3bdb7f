// How fast the SDK's own sproto implementation encodes and decodes the `signin` RPC in Node:
// the client's request (c2s signin {userid}) and the server's reply (ok, a 32-character token),
// each phase timed on its own over the same batches. Prints ops/s per phase and for a whole
// request+reply on each side (encode both, decode both). `npm run build` first.
//   node bench/sproto_signin.mjs [seconds per run, default 2]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sproto } from "../dist/index.js";

const proto = join(dirname(fileURLToPath(import.meta.url)), "../../../proto");
const c2s = sproto.Sproto.parse(readFileSync(join(proto, "proto.c2s.sproto"), "utf8"));
const s2c = sproto.Sproto.parse(readFileSync(join(proto, "proto.s2c.sproto"), "utf8"));

// The two ends of the RPC, as in the SDK (client) and a test peer (server).
const client = new sproto.Host(s2c);      // decodes replies (and pushes)
const sendRequest = client.attach(c2s);   // encodes c2s requests
const server = new sproto.Host(c2s);      // decodes c2s requests; responder encodes replies

const BATCH = 5000;
const seconds = Number(process.argv[2] ?? 2);
const time = { encodeRequest: 0, decodeRequest: 0, encodeReply: 0, decodeReply: 0 };
let ops = 0;
let session = 1;
let check = 0;

function batch() {
  const requests = new Array(BATCH);
  const incoming = new Array(BATCH);
  const replies = new Array(BATCH);
  let t = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) requests[i] = sendRequest("signin", { userid: `player${i}` }, session + i);
  let now = process.hrtime.bigint();
  time.encodeRequest += Number(now - t);
  t = now;
  for (let i = 0; i < BATCH; i++) incoming[i] = server.dispatch(requests[i]);
  now = process.hrtime.bigint();
  time.decodeRequest += Number(now - t);
  t = now;
  for (let i = 0; i < BATCH; i++) replies[i] = incoming[i].responder({ ok: true, token: "0123456789abcdef0123456789abcdef" });
  now = process.hrtime.bigint();
  time.encodeReply += Number(now - t);
  t = now;
  for (let i = 0; i < BATCH; i++) check += client.dispatch(replies[i], { udIsError: true }).args.ok ? 1 : 0;
  now = process.hrtime.bigint();
  time.decodeReply += Number(now - t);
  session += BATCH;
  ops += BATCH;
}

for (let i = 0; i < 4; i++) batch(); // warm-up: let the JIT settle
for (const k of Object.keys(time)) time[k] = 0;
ops = 0;
check = 0;
const end = Date.now() + seconds * 1000;
while (Date.now() < end) batch();
if (check !== ops || client.pendingCount !== 0) throw new Error("a reply did not decode as sent");

const rate = (ns) => Math.round(ops / (ns / 1e9));
const row = (name, ns) => console.log(`${name.padEnd(34)} ${String(rate(ns)).padStart(10)} ops/s`);
console.log(`sproto signin, ${ops} request+reply pairs, node ${process.version}`);
row("encode request (client)", time.encodeRequest);
row("decode request (server side)", time.decodeRequest);
row("encode reply (server side)", time.encodeReply);
row("decode reply (client)", time.decodeReply);
row("encode request+reply", time.encodeRequest + time.encodeReply);
row("decode request+reply", time.decodeRequest + time.decodeReply);
