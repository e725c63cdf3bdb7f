#include "codec/encode.hpp"

#include <stdexcept>

namespace stratus::codec {

void encode_message(google::protobuf::Message& message, std::int32_t session_id, std::string& out) {
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  const google::protobuf::FieldDescriptor* field = type->FindFieldByNumber(1);
  if (field == nullptr || field->is_repeated() ||
      field->message_type() != common::Header::descriptor()) {
    throw std::invalid_argument(type->full_name() + " has no common.Header as field 1");
  }
  auto* header =
      dynamic_cast<common::Header*>(message.GetReflection()->MutableMessage(&message, field));
  if (header == nullptr) {
    throw std::invalid_argument(type->full_name() + " is not a generated message");
  }
  header->set_msg_type(type->full_name());
  header->set_session_id(session_id);
  frame_into(message, out);
}

common::Error make_error(error_code code, std::string_view message, std::int32_t session_id) {
  common::Error error;
  common::Header* header = error.mutable_header();
  header->set_msg_type(common::Error::descriptor()->full_name());
  header->set_session_id(session_id);
  error.set_code(std::string(to_wire(code)));
  error.set_message(std::string(message));
  return error;
}

void encode_error(error_code code, std::string_view message, std::int32_t session_id,
                  std::string& out) {
  frame_into(make_error(code, message, session_id), out);
}

void encode_error(const decode_error& error, std::string& out) {
  encode_error(error.code, error.reason, error.session.value_or(0), out);
}

}  // namespace stratus::codec
