#include "loadgen/protobuf_protocol.hpp"

#include "codec/encode.hpp"
#include "codec/framing.hpp"
#include "codec/header.hpp"

namespace stratus::loadgen {
namespace {

template <class M>
bool parse_body(M& message, std::string_view body) {
  return message.ParseFromArray(body.data(), static_cast<int>(body.size()));
}

}  // namespace

protobuf_protocol::protobuf_protocol(std::size_t payload_size, bool login_loop)
    : login_loop_(login_loop) {
  std::string data(payload_size, '\0');
  for (std::size_t i = 0; i < payload_size; ++i) data[i] = static_cast<char>('a' + i % 26);
  request_.set_data(std::move(data));
}

void protobuf_protocol::login_packet(std::string_view account, std::string_view password,
                                     std::int32_t session, std::string& out) {
  relogin_.set_account(std::string(account));
  relogin_.set_password(std::string(password));
  codec::encode(relogin_, session, out);
}

void protobuf_protocol::request_packet(std::int32_t session, std::string& out) {
  if (login_loop_) {
    codec::encode(relogin_, session, out);
  } else {
    codec::encode(request_, session, out);
  }
}

reply protobuf_protocol::parse_reply(std::string_view packet) {
  auto body = codec::unframe(packet);
  if (!body) {
    detail_ = body.error().reason;
    return {reply::kind::bad, 0, detail_};
  }
  // EchoResp is the hot path: parse it directly and only fall back when the type differs.
  if (!parse_body(echo_, *body)) {
    return {reply::kind::bad, 0, "body does not parse"};
  }
  const common::Header& header = echo_.header();
  const std::int32_t session = header.session_id();
  if (header.msg_type() == "game.EchoResp") {
    if (echo_.data() != request_.data()) return {reply::kind::error, session, "echo data differs"};
    return {reply::kind::ok, session, {}};
  }
  if (header.msg_type() == "common.Error") {
    parse_body(error_, *body);
    detail_ = error_.code();
    return {reply::kind::error, session, detail_};
  }
  if (header.msg_type() == "game.LoginResp") {
    if (!parse_body(login_, *body) || login_.token().empty()) {
      return {reply::kind::error, session, "LoginResp without token"};
    }
    request_.mutable_header()->set_token(login_.token());
    return {reply::kind::ok, session, {}};
  }
  if (session == 0) return {reply::kind::push, 0, header.msg_type()};
  detail_ = "unexpected " + header.msg_type();
  return {reply::kind::error, session, detail_};
}

}  // namespace stratus::loadgen
