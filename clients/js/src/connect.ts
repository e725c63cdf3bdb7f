// connect(): the SDK's entry point.
import type * as Protobuf from "protobufjs";
import type { Root } from "protobufjs";
import { Client, ClientOptions } from "./client.js";
import { WireCodec } from "./codec.js";
import { ProtobufCodec } from "./protobuf/codec.js";
import { loadProtoFiles, parseProtoTexts } from "./protobuf/load.js";
import { SprotoCodec, SprotoSchemas } from "./sproto_codec.js";

/**
 * Where the protobuf message types come from: a Root, .proto files (paths or URLs) or their
 * texts. `protobuf` is the protobufjs module to use (default: `import("protobufjs")`; in a page
 * without a bundler, the UMD build's global `protobuf`).
 */
export type ProtoSource =
  | Root
  | { files: string | string[]; protobuf?: typeof Protobuf }
  | { texts: string[]; protobuf?: typeof Protobuf };

export interface ConnectOptions extends ClientOptions {
  /** The server's `protocol_type`. */
  protocol: "protobuf" | "sproto";
  /** protobuf mode: a protobufjs Root loaded with `keepCase: true`, .proto files, or their texts. */
  proto?: ProtoSource;
  /** sproto mode: the c2s and s2c schema texts (or parsed Sproto objects). */
  sproto?: SprotoSchemas;
}

/** The codec for the chosen protocol. */
export async function createCodec(options: ConnectOptions): Promise<WireCodec> {
  if (options.protocol === "sproto") {
    if (!options.sproto) throw new Error("sproto mode needs options.sproto = { c2s, s2c }");
    return new SprotoCodec(options.sproto);
  }
  if (options.protocol !== "protobuf") throw new Error(`unknown protocol ${String(options.protocol)}`);
  const source = options.proto;
  if (!source) throw new Error("protobuf mode needs options.proto (a Root, { files } or { texts })");
  let root: Root;
  // A Root has a `files` property too: recognise it first.
  if (typeof (source as Root).lookupType === "function") root = source as Root;
  else if ("texts" in source) root = await parseProtoTexts(source.texts, source.protobuf);
  else {
    const { files, protobuf } = source as { files: string | string[]; protobuf?: typeof Protobuf };
    root = await loadProtoFiles(files, protobuf);
  }
  return new ProtobufCodec(root);
}

/**
 * Opens a connection to a stratus server (`url` may list several nodes: reconnects go
 * round them). Resolves once the WebSocket is open; rejects with CONNECT_FAILED.
 */
export async function connect<R = any, P = any>(url: string | string[], options: ConnectOptions): Promise<Client<R, P>> {
  const codec = await createCodec(options);
  return new Client<R, P>(url, codec, options).open();
}
