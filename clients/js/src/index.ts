// @stratus/client: the stratus wire protocol (shared/specs/wire.md) for browsers and Node.
export * as sproto from "./sproto/index.js";
