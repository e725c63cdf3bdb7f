#include "loadgen/sproto_protocol.hpp"

#include <stdexcept>

#include "codec/sproto_wire.hpp"
#include "sproto/codec.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace stratus::loadgen {
namespace {

// Same text as proto/*.sproto; sproto_protocol_test checks that both agree.
constexpr std::string_view c2s_text = R"(
.package { type 0 : integer  session 1 : integer  ud 2 : string }
ping 1 {}
signup 2 { request { userid 0 : string } response { ok 0 : boolean } }
signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
login 4 { response { ok 0 : boolean } }
echo 5 { request { data 0 : string } response { data 0 : string } }
)";
constexpr std::string_view s2c_text = R"(
.package { type 0 : integer  session 1 : integer  ud 2 : string }
heartbeat 1 {}
push 2 { request { text 0 : string } }
)";

sproto::schema_ptr parse_or_throw(std::string_view text, std::string_view name) {
  auto s = sproto::parse_schema(text, name);
  if (!s) throw std::logic_error("built-in sproto schema: " + s.error().message);  // a bug
  return *s;
}

}  // namespace

const sproto_schemas& demo_sproto_schemas() {
  static const sproto_schemas schemas{parse_or_throw(c2s_text, "=c2s"),
                                      parse_or_throw(s2c_text, "=s2c")};
  return schemas;
}

std::variant<std::unique_ptr<sproto_protocol>, std::string> sproto_protocol::create(
    std::size_t payload_size) {
  auto h = sproto::host::create(demo_sproto_schemas().s2c);
  if (!h) return "sproto host: " + h.error().message;
  std::unique_ptr<sproto_protocol> p(new sproto_protocol(std::move(*h), payload_size));
  // The largest session a run uses still fits in 4 bytes; check the frame with it.
  auto probe = p->host_.request(demo_sproto_schemas().c2s, "echo", p->echo_args_, 0x7fffffff);
  if (!probe) return "sproto echo request: " + probe.error().message;
  if (probe->size() > codec::max_sproto_body) {
    return "payload of " + std::to_string(payload_size) + " bytes makes a " +
           std::to_string(probe->size()) + "-byte sproto packet (at most 65535 per frame)";
  }
  p->host_ = std::move(*sproto::host::create(demo_sproto_schemas().s2c));  // forget the probe
  return p;
}

sproto_protocol::sproto_protocol(sproto::host h, std::size_t payload_size) : host_(std::move(h)) {
  std::string data(payload_size, '\0');
  for (std::size_t i = 0; i < payload_size; ++i) data[i] = static_cast<char>('a' + i % 26);
  echo_args_["data"] = sproto::value(std::move(data));
  // The pieces of the echo fast path; the schema is built in, so none of this can fail.
  const sproto::schema& c2s = *demo_sproto_schemas().c2s;
  const sproto::protocol* echo = c2s.find_protocol("echo");
  package_ = host_.header();  // .package is the same type in c2s and s2c
  response_ = c2s.response_type(*echo);
  echo_tag_ = echo->tag;
  (void)sproto::encode_to(c2s, *c2s.request_type(*echo), echo_args_, request_content_);
  (void)sproto::encode_to(c2s, *response_, echo_args_, reply_content_);
}

void sproto_protocol::login_packet(std::string_view account, std::string_view /*password*/,
                                   std::int32_t session, std::string& out) {
  sproto::value args;
  args["userid"] = sproto::value(account);
  auto packet = host_.request(demo_sproto_schemas().c2s, "signin", args, session);
  login_session_ = session;
  codec::frame_sproto(*packet, out);  // cannot fail: the account is short
}

void sproto_protocol::request_packet(std::int32_t session, std::string& out) {
  // What host::request("echo") produces, without its per-request bookkeeping: the header,
  // then the content encoded once, packed together.
  unpacked_.clear();
  package_->encode(echo_tag_, session, std::nullopt, unpacked_);
  unpacked_ += request_content_;
  packed_.clear();
  sproto::pack_to(unpacked_, packed_);
  codec::frame_sproto(packed_, out);  // cannot fail: create() checked the size
}

reply sproto_protocol::parse_echo_reply(std::string_view body) {
  unpacked_.clear();  // unpack_to appends
  if (auto st = sproto::unpack_to(body, unpacked_); !st) {
    detail_ = st.error().message;
    return {reply::kind::bad, 0, detail_};
  }
  auto head = package_->read(unpacked_);
  if (!head) {
    detail_ = head.error().message;
    return {reply::kind::bad, 0, detail_};
  }
  if (head->tag) return {reply::kind::push, 0, "push"};  // a request from the server
  if (!head->session) return {reply::kind::bad, 0, "header with neither type nor session"};
  const auto s = static_cast<std::int32_t>(*head->session);
  if (head->ud) {
    detail_ = std::string(*head->ud);
    return {reply::kind::error, s, detail_};
  }
  // The content as it should be, byte for byte (unpacking may leave zero padding after it);
  // anything else is decoded and compared by value before it is called wrong.
  const std::string_view content = std::string_view(unpacked_).substr(head->used);
  if (content.substr(0, reply_content_.size()) == reply_content_ &&
      content.find_first_not_of('\0', reply_content_.size()) == std::string_view::npos) {
    return {reply::kind::ok, s, {}};
  }
  auto args = sproto::decode(*demo_sproto_schemas().c2s, *response_, content);
  const sproto::value* data = args ? args->v.find("data") : nullptr;
  if (data == nullptr || *data != echo_args_["data"]) {
    return {reply::kind::error, s, "echo data differs"};
  }
  return {reply::kind::ok, s, {}};
}

reply sproto_protocol::parse_reply(std::string_view packet) {
  const auto body = codec::unframe_sproto(packet);
  if (!body) return {reply::kind::bad, 0, "length prefix mismatch"};
  if (login_session_ < 0) return parse_echo_reply(*body);  // logged in: echo loop
  auto in = host_.dispatch(*body);
  if (!in) {
    detail_ = in.error().message;
    return {reply::kind::bad, 0, detail_};
  }
  if (auto* push = std::get_if<sproto::incoming_request>(&*in)) {
    return {reply::kind::push, 0, push->name()};
  }
  auto& resp = std::get<sproto::incoming_response>(*in);
  const auto session = static_cast<std::int32_t>(resp.session);
  if (resp.ud) {
    detail_ = *resp.ud;
    return {reply::kind::error, session, detail_};
  }
  if (resp.session == login_session_) {
    login_session_ = -1;
    const sproto::value* ok = resp.args.find("ok");
    if (!ok || !ok->is_bool() || !ok->as_bool())
      return {reply::kind::error, session, "signin refused"};
    return {reply::kind::ok, session, {}};
  }
  const sproto::value* data = resp.args.find("data");
  if (!data || !data->is_bytes() || *data != echo_args_["data"]) {
    return {reply::kind::error, session, "echo data differs"};
  }
  return {reply::kind::ok, session, {}};
}

}  // namespace stratus::loadgen
