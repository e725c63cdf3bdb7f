// sproto mode (wire.md): u16 big-endian length || 0-packed (package header || content).
import { Incoming, WireCodec } from "./codec.js";
import { Host } from "./sproto/host.js";
import { SprotoError } from "./sproto/schema.js";
import { Sproto } from "./sproto/sproto.js";

/** The c2s schema (requests we send) and the s2c schema (pushes we receive). */
export interface SprotoSchemas {
  c2s: string | Sproto;
  s2c: string | Sproto;
  /** Name of the header type in both schemas; default "package". */
  packageName?: string;
}

export class SprotoCodec implements WireCodec {
  readonly protocol = "sproto";
  readonly names = { ping: "ping", resume: "resume", kicked: "kicked" };
  private readonly host: Host;
  private readonly send: ReturnType<Host["attach"]>;

  constructor(schemas: SprotoSchemas) {
    const c2s = typeof schemas.c2s === "string" ? Sproto.parse(schemas.c2s) : schemas.c2s;
    const s2c = typeof schemas.s2c === "string" ? Sproto.parse(schemas.s2c) : schemas.s2c;
    this.host = new Host(s2c, schemas.packageName ?? "package");
    this.send = this.host.attach(c2s);
  }

  encodeRequest(type: string, fields: object | null, session: number): Uint8Array {
    const body = this.send(type, fields as Record<string, unknown> | null ?? {}, session > 0 ? session : null);
    if (body.length > 0xffff) {
      this.host.clearPendingSession(session);
      throw new SprotoError(`a ${body.length}-byte body cannot be framed in sproto mode (at most 65535)`);
    }
    const packet = new Uint8Array(2 + body.length);
    new DataView(packet.buffer).setUint16(0, body.length, false);
    packet.set(body, 2);
    return packet;
  }

  decode(packet: Uint8Array): Incoming {
    if (packet.length < 2) throw new SprotoError(`packet of ${packet.length} bytes has no length prefix`);
    const length = new DataView(packet.buffer, packet.byteOffset, 2).getUint16(0, false);
    if (length !== packet.length - 2) {
      throw new SprotoError(`length prefix says ${length}, ${packet.length - 2} bytes follow`);
    }
    const msg = this.host.dispatch(packet.subarray(2), { udIsError: true });
    if (msg.type === "REQUEST") {
      return { kind: "push", type: msg.name, value: msg.args ?? {}, seq: Number(msg.header.seq ?? 0) };
    }
    const reply: Incoming = { kind: "reply", session: Number(msg.session), type: msg.name, value: msg.args };
    if (msg.ud !== undefined) {
      const code = typeof msg.ud === "string" ? msg.ud : `0x${[...msg.ud].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
      reply.error = { code, message: "" };
    }
    return reply;
  }

  resumeFields(token: string, lastSeq: number): object {
    return { token, last_seq: lastSeq };
  }

  reset(): void {
    this.host.clearPending();
  }
}
