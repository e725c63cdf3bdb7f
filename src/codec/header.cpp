#include "codec/header.hpp"

#include <limits>

#include "header_only.pb.h"

namespace stratus::codec {

result<common::Header> read_header(std::string_view body) {
  stratus_codec::HeaderOnly envelope;
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return decode_error{error_code::invalid_message, "body is larger than 2 GiB", std::nullopt};
  }
  if (!envelope.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return decode_error{
        error_code::invalid_message,
        "body is not a valid protobuf message (" + std::to_string(body.size()) + " bytes)",
        std::nullopt};
  }
  if (!envelope.has_header()) {
    return decode_error{error_code::invalid_message, "message has no header (field 1)",
                        std::nullopt};
  }
  common::Header header = std::move(*envelope.mutable_header());
  if (header.msg_type().empty()) {
    return decode_error{error_code::invalid_message, "header has an empty msg_type",
                        header.session_id()};
  }
  return header;
}

}  // namespace stratus::codec
