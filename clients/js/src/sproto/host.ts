// The sproto RPC convention (sproto.md section 5): package header, sessions, dispatch.
import { decodeStruct } from "./decode.js";
import { encodeStruct, SprotoValue } from "./encode.js";
import { pack, unpack } from "./pack.js";
import { Protocol, SprotoError, StructType } from "./schema.js";
import { Sproto } from "./sproto.js";

/** Session numbers are arbitrary int64 values. */
export type SessionId = number | bigint;

/** An incoming request (or push, when it has no session). */
export interface RequestMessage {
  type: "REQUEST";
  name: string;
  args: SprotoValue | null;
  session?: SessionId;
  /** Builds the reply packet; present exactly when the request carried a session. */
  responder?: (args: SprotoValue | null, ud?: string | Uint8Array) => Uint8Array;
  /** A string, or the bytes when they are not UTF-8 (sproto strings are byte strings). */
  ud?: string | Uint8Array;
  /** The decoded header (with fields such as `seq` beyond type/session/ud). */
  header: SprotoValue;
}

/** An incoming reply to a request this host sent. */
export interface ResponseMessage {
  type: "RESPONSE";
  session: SessionId;
  args: SprotoValue | null;
  ud?: string | Uint8Array;
  /** The name of the protocol that was requested. */
  name: string;
  header: SprotoValue;
}

export type Dispatched = RequestMessage | ResponseMessage;

export interface DispatchOptions {
  /**
   * A reply that carries `ud` is not decoded further (its args are null). wire.md sends
   * error codes in `ud`; a client using this never trips on the body of an error reply.
   */
  udIsError?: boolean;
}

/**
 * One RPC endpoint. `schema` decodes the requests it receives; `attach(other)` gives a
 * sender for requests of another schema, whose replies this host then decodes.
 */
export class Host {
  private readonly header: StructType;
  private readonly pending = new Map<string, Protocol>();

  constructor(private readonly schema: Sproto, packageName = "package") {
    this.header = schema.type(packageName);
  }

  /** How many requests with a session still wait for their reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Forgets every pending session (e.g. after the connection dropped). */
  clearPending(): void {
    this.pending.clear();
  }

  /** Forgets one pending session (its request was never sent). */
  clearPendingSession(session: SessionId): void {
    this.pending.delete(String(session));
  }

  /** Marks `session` as awaiting the reply of protocol `proto` of `schema`. */
  expect(session: SessionId, proto: Protocol): void {
    this.pending.set(String(session), proto);
  }

  /** A function that builds packed request packets for protocols of `sender`. */
  attach(sender: Sproto) {
    return (name: string, args: SprotoValue | null = null, session?: SessionId | null, ud?: string | Uint8Array | null): Uint8Array => {
      const proto = sender.protocol(name);
      const header: SprotoValue = { type: proto.tag };
      const withSession = session !== undefined && session !== null;
      if (withSession) header.session = session;
      if (ud !== undefined && ud !== null) header.ud = ud;
      const packet = this.packet(header, proto.request, args);
      if (withSession) this.expect(session, proto);
      return packet;
    };
  }

  private packet(header: SprotoValue, body: StructType | null, args: SprotoValue | null): Uint8Array {
    const head = encodeStruct(this.header, header);
    if (!body) return pack(head);
    if (args === null || args === undefined) throw new SprotoError("request args are required");
    const content = encodeStruct(body, args);
    const all = new Uint8Array(head.length + content.length);
    all.set(head);
    all.set(content, head.length);
    return pack(all);
  }

  /** Decodes one packed packet: a request/push for this host's schema or a reply. */
  dispatch(packed: Uint8Array, options: DispatchOptions = {}): Dispatched {
    const bin = unpack(packed);
    const { value: header, consumed } = decodeStruct(this.header, bin);
    const body = bin.subarray(consumed);
    const ud = header.ud as string | Uint8Array | undefined;
    if (header.type !== undefined) {
      const proto = this.schema.schema.protocolsByTag.get(Number(header.type));
      if (!proto) throw new SprotoError(`${header.type} not found`);
      const args = proto.request ? decodeStruct(proto.request, body).value : null;
      const msg: RequestMessage = { type: "REQUEST", name: proto.name, args, header };
      if (ud !== undefined) msg.ud = ud;
      if (header.session !== undefined) {
        const session = header.session as SessionId;
        msg.session = session;
        msg.responder = (rargs: SprotoValue | null, rud?: string | Uint8Array) => {
          const h: SprotoValue = { session };
          if (rud !== undefined) h.ud = rud;
          return this.packet(h, proto.response, proto.response ? rargs ?? {} : null);
        };
      }
      return msg;
    }
    if (header.session === undefined) throw new SprotoError("session not found");
    const session = header.session as SessionId;
    const proto = this.pending.get(String(session));
    if (!proto) throw new SprotoError(`Unknown session ${session}`);
    this.pending.delete(String(session));
    let args: SprotoValue | null = null;
    if (proto.response && !(options.udIsError && ud !== undefined)) {
      args = decodeStruct(proto.response, body).value;
    }
    const msg: ResponseMessage = { type: "RESPONSE", session, args, name: proto.name, header };
    if (ud !== undefined) msg.ud = ud;
    return msg;
  }
}
