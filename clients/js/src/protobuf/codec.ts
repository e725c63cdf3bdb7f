// protobuf mode (wire.md): u32 little-endian length || a message whose field 1 is common.Header.
import type { Field, Root, Type } from "protobufjs";
import { Incoming, WireCodec } from "../codec.js";
import { StratusError } from "../errors.js";

const LONG_TYPES = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const ENVELOPE = "StratusHeaderEnvelope";

/**
 * Encodes requests and decodes replies/pushes with a protobufjs Root that holds
 * common.proto (and the game's own .proto files), loaded with `keepCase: true`.
 */
export class ProtobufCodec implements WireCodec {
  readonly protocol = "protobuf";
  readonly names = { ping: "game.PingReq", resume: "common.ResumeReq", kicked: "common.Kicked" };
  private readonly envelope: Type;

  constructor(private readonly root: Root) {
    const header = root.lookupType("common.Header");
    if (!header.fields.msg_type) {
      throw new Error("common.Header has no field msg_type: load the .proto files with { keepCase: true }");
    }
    // A type with only field 1 reads the header of any body (other fields are skipped).
    let envelope = root.get(ENVELOPE) as Type | null;
    if (!envelope) {
      const TypeCtor = header.constructor as typeof Type;
      const FieldCtor = header.fields.msg_type.constructor as typeof Field;
      envelope = new TypeCtor(ENVELOPE).add(new FieldCtor("header", 1, "common.Header"));
      root.add(envelope);
    }
    this.envelope = envelope;
  }

  encodeRequest(type: string, fields: object | null, session: number, token: string): Uint8Array {
    const t = this.lookup(type);
    const header = { msg_type: type, session_id: session, token };
    // verify() takes neither bigints nor the strings fromObject() accepts for 64-bit fields:
    // check a copy with bigints as (inexact) numbers, encode from exact strings.
    const problem = t.verify({ ...(mapBigints(fields ?? {}, Number) as object), header });
    if (problem) throw new StratusError("ENCODE_FAILED", `${type}: ${problem}`, type);
    const plain = { ...(mapBigints(fields ?? {}, String) as object), header };
    const body = t.encode(t.fromObject(plain)).finish();
    const packet = new Uint8Array(4 + body.length);
    new DataView(packet.buffer).setUint32(0, body.length, true);
    packet.set(body, 4);
    return packet;
  }

  decode(packet: Uint8Array): Incoming {
    if (packet.length < 4) throw new Error(`packet of ${packet.length} bytes is shorter than the length prefix`);
    const length = new DataView(packet.buffer, packet.byteOffset, 4).getUint32(0, true);
    if (length !== packet.length - 4) throw new Error(`length prefix says ${length}, ${packet.length - 4} bytes follow`);
    const body = packet.subarray(4);
    const header = (this.envelope.decode(body) as unknown as { header?: { msg_type?: string; session_id?: number; seq?: number } }).header ?? {};
    const typeName = header.msg_type ?? "";
    const session = header.session_id ?? 0;
    let t: Type;
    try {
      t = this.root.lookupType(typeName);
    } catch {
      if (session === 0) throw new Error(`push of unknown type ${JSON.stringify(typeName)}`);
      // A reply we cannot read still ends its request, with a clear error.
      const message = `reply of unknown type ${JSON.stringify(typeName)}`;
      return { kind: "reply", session, type: typeName, value: null, error: { code: "PROTOCOL_ERROR", message } };
    }
    const value = toPlain(t, t.toObject(t.decode(body), { longs: String, defaults: true }));
    if (session !== 0) {
      const reply: Incoming = { kind: "reply", session, type: typeName, value };
      if (typeName === "common.Error") reply.error = { code: value.code, message: value.message };
      return reply;
    }
    return { kind: "push", type: typeName, value, seq: header.seq ?? 0 };
  }

  resumeFields(token: string, lastSeq: number): object {
    return { token, last_seq: lastSeq };
  }

  reset(): void {}

  private lookup(name: string): Type {
    try {
      return this.root.lookupType(name);
    } catch {
      throw new StratusError("ENCODE_FAILED", `unknown message type ${JSON.stringify(name)}`, name);
    }
  }
}

/** A copy of a plain value with every bigint converted (protobufjs does not take bigints). */
function mapBigints(v: unknown, convert: (b: bigint) => unknown): unknown {
  if (typeof v === "bigint") return convert(v);
  if (Array.isArray(v)) return v.map((x) => mapBigints(x, convert));
  if (v && typeof v === "object" && !ArrayBuffer.isView(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapBigints(x, convert)]));
  }
  return v;
}

/** 64-bit fields (decoded as strings) become numbers when exact, else bigints. */
function toPlain(t: Type, obj: Record<string, any>): Record<string, any> {
  for (const f of t.fieldsArray) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    const conv = (x: any): any => {
      if (LONG_TYPES.has(f.type)) {
        const n = BigInt(x);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      const rt = f.resolvedType as Type | null;
      if (rt && "fieldsArray" in rt) return toPlain(rt, x);
      return x;
    };
    if (f.map) obj[f.name] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    else if (f.repeated) obj[f.name] = (v as any[]).map(conv);
    else obj[f.name] = conv(v);
  }
  return obj;
}
