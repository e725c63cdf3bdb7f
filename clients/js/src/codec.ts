// What the client needs from a wire format: framing, requests, replies and pushes.

/** A decoded packet from the server. */
export type Incoming =
  | { kind: "reply"; session: number; type: string; value: any; error?: { code: string; message: string } }
  | { kind: "push"; type: string; value: any; seq: number };

/** One of the two wire formats of wire.md, behind one interface. */
export interface WireCodec {
  readonly protocol: "protobuf" | "sproto";
  /** Request type names the session machinery uses. */
  readonly names: { ping: string; resume: string; kicked: string };
  /** The framed packet of a request (`session` > 0 expects a reply). */
  encodeRequest(type: string, fields: object | null, session: number, token: string): Uint8Array;
  /** One framed packet from the server. Throws on a packet that breaks wire.md. */
  decode(packet: Uint8Array): Incoming;
  /** The fields of a resume request. */
  resumeFields(token: string, lastSeq: number): object;
  /** Forgets per-connection state (sproto's pending sessions) after a drop. */
  reset(): void;
}
