#pragma once
// Encoding replies, pushes and common.Error replies into caller-owned buffers.

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "codec/error_code.hpp"
#include "codec/framing.hpp"
#include "codec/result.hpp"
#include "common.pb.h"

namespace stratus::codec {

/// Sets the header of a generated message M (msg_type = M's full name, session_id) and
/// replaces `out` with its packet. Use session_id 0 for a push.
template <class M>
void encode(M& message, std::int32_t session_id, std::string& out) {
  common::Header* header = message.mutable_header();
  header->set_msg_type(M::descriptor()->full_name());
  header->set_session_id(session_id);
  frame_into(message, out);
}

/// Same as encode() for a message known only by its base class; finds the header (field 1)
/// by reflection. Throws std::invalid_argument (a bug) when field 1 is not a common.Header.
void encode_message(google::protobuf::Message& message, std::int32_t session_id, std::string& out);

/// A common.Error reply for the request with `session_id`.
common::Error make_error(error_code code, std::string_view message, std::int32_t session_id);

/// Replaces `out` with the packet of a common.Error reply.
void encode_error(error_code code, std::string_view message, std::int32_t session_id,
                  std::string& out);

/// Replaces `out` with the error reply for a failed decode: its code and reason, and its
/// session (0 when the session could not be read).
void encode_error(const decode_error& error, std::string& out);

}  // namespace stratus::codec
