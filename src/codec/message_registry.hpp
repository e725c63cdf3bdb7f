#pragma once
// msg_type name -> request type and the handler registered for it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "codec/framing.hpp"
#include "codec/header.hpp"
#include "codec/result.hpp"
#include "common.pb.h"

namespace stratus::codec {

/// A request decoded in full: the typed message, its header, and its registered handler.
template <class Handler>
struct decoded_request {
  std::unique_ptr<google::protobuf::Message> message;  ///< the registered type, parsed fully
  const common::Header* header = nullptr;              ///< field 1 of *message
  const Handler* handler = nullptr;                    ///< owned by the registry
};

/// `text` shortened to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view clip_utf8(std::string_view text, std::size_t limit) noexcept;

/// Maps header.msg_type to a request type and a Handler (any type the user chooses, e.g. a
/// std::function). Filled once at start-up from one explicit list, then only read, so
/// concurrent decode() calls are safe.
template <class Handler>
class message_registry {
 public:
  /// Registers request type M under its full protobuf name; registering a name twice is a
  /// bug and throws std::logic_error.
  /// Field 1 of M must be a common.Header (wire.md); anything else throws std::logic_error.
  template <class M>
  message_registry& add(Handler handler) {
    const std::string& name = M::descriptor()->full_name();
    const google::protobuf::FieldDescriptor* field = M::descriptor()->FindFieldByNumber(1);
    if (field == nullptr || field->message_type() != common::Header::descriptor() ||
        field->is_repeated()) {
      throw std::logic_error("field 1 of " + name + " is not a common.Header");
    }
    auto [it, inserted] =
        entries_.try_emplace(name, entry{&M::default_instance(), field, std::move(handler)});
    if (!inserted) throw std::logic_error("message type registered twice: " + name);
    return *this;
  }

  /// The handler registered for `msg_type`, or nullptr.
  const Handler* find(std::string_view msg_type) const {
    auto it = entries_.find(msg_type);
    return it == entries_.end() ? nullptr : &it->second.handler;
  }

  /// Number of registered request types.
  std::size_t size() const noexcept { return entries_.size(); }

  /// Decodes one body: reads the header, finds the type (UNKNOWN_MESSAGE_TYPE if none), then
  /// parses the body fully as that type (INVALID_MESSAGE if it does not parse).
  result<decoded_request<Handler>> decode(std::string_view body) const {
    result<header_view> header = peek_header(body);
    if (!header) return std::move(header).error();
    auto it = entries_.find(header->msg_type);
    if (it == entries_.end()) {
      return decode_error{
          error_code::unknown_message_type,
          "unknown message type '" + std::string(clip_utf8(header->msg_type, 64)) + "'",
          header->session_id};
    }
    const std::int32_t session = header->session_id;
    std::unique_ptr<google::protobuf::Message> message(it->second.prototype->New());
    if (!message->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return decode_error{error_code::invalid_message, "body does not parse as " + it->first,
                          session};
    }
    const auto& fields = message->GetReflection()->GetMessage(*message, it->second.header_field);
    const auto* parsed_header = static_cast<const common::Header*>(&fields);
    return decoded_request<Handler>{std::move(message), parsed_header, &it->second.handler};
  }

  /// Unframes one packet (length prefix then body), then decodes the body.
  result<decoded_request<Handler>> decode_packet(std::string_view packet) const {
    result<std::string_view> body = unframe(packet);
    if (!body) return std::move(body).error();
    return decode(body.value());
  }

 private:
  struct entry {
    const google::protobuf::Message* prototype;             // default instance of the request type
    const google::protobuf::FieldDescriptor* header_field;  // its field 1, a common.Header
    Handler handler;
  };
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::unordered_map<std::string, entry, name_hash, std::equal_to<>> entries_;
};

}  // namespace stratus::codec
