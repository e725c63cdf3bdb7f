#include "codec/header.hpp"

#include <google/protobuf/io/coded_stream.h>

#include <limits>
#include <string>

#include "header_peek.pb.h"

namespace stratus::codec {

namespace {
// Merges `bytes` into `message` (ParseFromArray without its Clear), as one whole message.
bool merge_whole(google::protobuf::MessageLite& message, std::string_view bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  return message.MergeFromCodedStream(&in) && in.ConsumedEntireMessage();
}
}  // namespace

result<header_view> peek_header(std::string_view body) {
  thread_local stratus_codec::HeaderBytes envelope;
  thread_local stratus_codec::HeaderFields fields;
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return decode_error{error_code::invalid_message, "body is larger than 2 GiB", std::nullopt};
  }
  // Clear + merge is what ParseFromArray does; Clear keeps the strings' storage for reuse.
  envelope.Clear();
  if (!merge_whole(envelope, body)) {
    return decode_error{
        error_code::invalid_message,
        "body is not a valid protobuf message (" + std::to_string(body.size()) + " bytes)",
        std::nullopt};
  }
  if (envelope.header_size() == 0) {
    return decode_error{error_code::invalid_message, "message has no header (field 1)",
                        std::nullopt};
  }
  fields.Clear();
  for (const std::string& part : envelope.header()) {
    if (!merge_whole(fields, part)) {
      return decode_error{error_code::invalid_message, "the header (field 1) does not parse",
                          std::nullopt};
    }
  }
  if (fields.msg_type().empty()) {
    return decode_error{error_code::invalid_message, "header has an empty msg_type",
                        fields.session_id()};
  }
  return header_view{fields.msg_type(), fields.session_id(), fields.token()};
}

result<common::Header> read_header(std::string_view body) {
  result<header_view> view = peek_header(body);
  if (!view) return std::move(view).error();
  common::Header header;
  header.set_msg_type(std::string(view->msg_type));
  header.set_session_id(view->session_id);
  header.set_token(std::string(view->token));
  return header;
}

}  // namespace stratus::codec
