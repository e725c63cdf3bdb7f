// The server's side of protobuf mode for fake-server tests: decode requests, build replies
// and pushes with the repository's own proto/*.proto.
import { join } from "node:path";
import { loadProtoFiles } from "../../dist/index.js";
import { REPO_ROOT } from "./vectors.mjs";

export const PROTO_FILES = ["common.proto", "game.proto"].map((f) => join(REPO_ROOT, "proto", f));

export async function protoRoot() {
  return loadProtoFiles(PROTO_FILES);
}

/** A framed protobuf-mode packet of `type` with the given header fields. */
export function pbPacket(root, type, fields = {}, header = {}) {
  const t = root.lookupType(type);
  const body = t.encode(t.fromObject({ ...fields, header: { msg_type: type, ...header } })).finish();
  const packet = new Uint8Array(4 + body.length);
  new DataView(packet.buffer).setUint32(0, body.length, true);
  packet.set(body, 4);
  return packet;
}

/** { type, header, value } of a framed request from the client. */
export function pbDecode(root, packet) {
  const body = packet.subarray(4);
  const probe = root.lookupType("common.Kicked"); // field 1 is the header in every message
  const { msg_type } = probe.toObject(probe.decode(body.subarray(0, headerLength(body))), { defaults: true }).header;
  const t = root.lookupType(msg_type);
  const value = t.toObject(t.decode(body), { defaults: true, longs: Number });
  return { type: msg_type, header: value.header, value };
}

/** Length of the leading field-1 record (tag byte 0x0a, varint length). */
function headerLength(body) {
  if (body[0] !== 0x0a) return 0;
  let len = 0, shift = 0, at = 1;
  for (;;) {
    const b = body[at++];
    len |= (b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return at + len;
}

/** Answers a request like the demo server: login, ping, echo; `extra(req)` may answer first. */
export function demoReply(root, req, extra) {
  const reply = extra?.(req);
  if (reply !== undefined) return reply;
  const h = { session_id: req.header.session_id };
  switch (req.type) {
    case "game.LoginReq":
      return pbPacket(root, "game.LoginResp", { userid: 42, token: `tok-${req.value.account}`, expires_in: 3600 }, h);
    case "game.PingReq":
      return pbPacket(root, "game.PingResp", { server_time_ms: Date.now() }, h);
    case "game.EchoReq":
      return pbPacket(root, "game.EchoResp", { data: req.value.data }, h);
    default:
      return pbPacket(root, "common.Error", { code: "UNKNOWN_MESSAGE_TYPE", message: req.type }, h);
  }
}
