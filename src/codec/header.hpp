#pragma once
// Reading only the common.Header (field 1) of a protobuf-mode body.

#include <string_view>

#include "codec/result.hpp"
#include "common.pb.h"

namespace stratus::codec {

/// Reads field 1 of `body` as common.Header, skipping every other field (the body is parsed
/// as stratus_codec.HeaderOnly). INVALID_MESSAGE when the body is not a protobuf message, has
/// no header, or the header names no msg_type (then the error carries the session).
result<common::Header> read_header(std::string_view body);

}  // namespace stratus::codec
