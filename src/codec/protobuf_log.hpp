#pragma once
// Keeping client-controlled bytes out of the server log.

namespace stratus::codec {

/// Installs a process-wide protobuf log handler that drops the messages protobuf logs while
/// parsing bad input (e.g. "String field ... contains invalid UTF-8"): any client can trigger
/// them, so they would let a client flood the log. The codec already returns such packets as
/// INVALID_MESSAGE. Every other protobuf message still goes to stderr. Call once at start-up.
void silence_protobuf_parse_logs();

}  // namespace stratus::codec
