// A parsed schema with its encode/decode API (the equivalent of the reference's `sp` object).
import { writeBundle } from "./bundle.js";
import { decodeStruct, Decoded } from "./decode.js";
import { encodeStruct, SprotoValue } from "./encode.js";
import { pack, unpack } from "./pack.js";
import { parseSchema } from "./parser.js";
import { Protocol, Schema, SprotoError, StructType } from "./schema.js";

/** One sproto schema: types, protocols, and encoding of their values. */
export class Sproto {
  readonly schema: Schema;

  private constructor(schema: Schema) {
    this.schema = schema;
  }

  /** Parses schema text (the `.sproto` language). */
  static parse(text: string): Sproto {
    return new Sproto(parseSchema(text));
  }

  /** The struct type with this full name; throws when there is none. */
  type(name: string): StructType {
    const t = this.schema.types.get(name);
    if (!t) throw new SprotoError(`no type ${name}`);
    return t;
  }

  /** The protocol with this name or tag; throws when there is none. */
  protocol(nameOrTag: string | number): Protocol {
    const p = typeof nameOrTag === "number"
      ? this.schema.protocolsByTag.get(nameOrTag)
      : this.schema.protocols.get(nameOrTag);
    if (!p) throw new SprotoError(`${nameOrTag} not found`);
    return p;
  }

  encode(type: string, value: SprotoValue): Uint8Array {
    return encodeStruct(this.type(type), value);
  }

  /** Decodes a message from the start of bytes; trailing bytes are not consumed. */
  decode(type: string, bytes: Uint8Array): Decoded {
    return decodeStruct(this.type(type), bytes);
  }

  pencode(type: string, value: SprotoValue): Uint8Array {
    return pack(this.encode(type, value));
  }

  pdecode(type: string, packed: Uint8Array): Decoded {
    return this.decode(type, unpack(packed));
  }

  /** The request body of a protocol (empty when it has no request type) and its tag. */
  requestEncode(proto: string, args: SprotoValue | null): { body: Uint8Array; tag: number } {
    const p = this.protocol(proto);
    if (!p.request) return { body: new Uint8Array(0), tag: p.tag };
    if (args === null || args === undefined) throw new SprotoError(`${proto} needs request args`);
    return { body: encodeStruct(p.request, args), tag: p.tag };
  }

  /** The response body of a protocol (empty when it has no response type). */
  responseEncode(proto: string, args: SprotoValue | null): Uint8Array {
    const p = this.protocol(proto);
    if (!p.response) {
      if (args !== null && args !== undefined) throw new SprotoError(`${proto} has no response content`);
      return new Uint8Array(0);
    }
    return encodeStruct(p.response, args ?? {});
  }

  requestDecode(proto: string | number, body: Uint8Array): { args: SprotoValue | null; name: string } {
    const p = this.protocol(proto);
    return { args: p.request ? decodeStruct(p.request, body).value : null, name: p.name };
  }

  responseDecode(proto: string, body: Uint8Array): SprotoValue | null {
    const p = this.protocol(proto);
    return p.response ? decodeStruct(p.response, body).value : null;
  }

  /** The compiled binary form the reference C core loads. */
  bundle(): Uint8Array {
    return writeBundle(this.schema);
  }
}
