#pragma once
// Reading only the common.Header (field 1) of a protobuf-mode body.

#include <cstdint>
#include <string_view>

#include "codec/result.hpp"
#include "common.pb.h"

namespace stratus::codec {

/// The header of one body, viewed in storage that belongs to the calling thread.
struct header_view {
  std::string_view msg_type;
  std::int32_t session_id = 0;
  std::string_view token;
};

/// Reads field 1 of `body` as common.Header, skipping every other field. INVALID_MESSAGE when
/// the body is not a protobuf message, has no header, or the header names no msg_type (then
/// the error carries the session). The views stay valid until the next peek_header() on the
/// same thread; the storage is reused, so a warmed-up thread reads headers without allocating.
result<header_view> peek_header(std::string_view body);

/// peek_header(), copied into a common::Header of its own.
result<common::Header> read_header(std::string_view body);

}  // namespace stratus::codec
