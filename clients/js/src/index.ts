// @stratus/client: the stratus wire protocol (shared/specs/wire.md) for browsers and Node.
export { connect, createCodec } from "./connect.js";
export type { ConnectOptions, ProtoSource } from "./connect.js";
export { Client, CLOSE_DEAD } from "./client.js";
export type { RequestFields, ReplyOf, ClientOptions, RequestOptions } from "./client.js";
export type { HeartbeatOptions } from "./heartbeat.js";
export type { WebSocketLike, WebSocketConstructor } from "./socket.js";
export type { ClientEvents, EventName } from "./events.js";
export { StratusError, ServerCodes, ClientCodes } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export { backoffDelay } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export type { WireCodec, Incoming } from "./codec.js";
export { ProtobufCodec } from "./protobuf/codec.js";
export { loadProtoFiles, parseProtoTexts } from "./protobuf/load.js";
export { SprotoCodec } from "./sproto_codec.js";
export type { SprotoSchemas } from "./sproto_codec.js";
export * as sproto from "./sproto/index.js";
