// The sproto format: schema parser, encode/decode, 0-packing and the RPC host.
export { Sproto } from "./sproto.js";
export { Host } from "./host.js";
export type { Dispatched, RequestMessage, ResponseMessage, DispatchOptions, SessionId } from "./host.js";
export { pack, unpack } from "./pack.js";
export { SprotoError, MAX_TAG } from "./schema.js";
export type { Field, StructType, Protocol, Schema, Builtin } from "./schema.js";
export type { SprotoValue } from "./encode.js";
export type { Decoded } from "./decode.js";
export { toHex, fromHex } from "./bytes.js";
