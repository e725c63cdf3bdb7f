#include "loadgen/sproto_protocol.hpp"

#include <stdexcept>

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

constexpr std::size_t max_body = 65535;

sproto::schema_ptr parse_or_throw(std::string_view text, std::string_view name) {
  auto s = sproto::parse_schema(text, name);
  if (!s) throw std::logic_error("built-in sproto schema: " + s.err().message);  // a bug
  return *s;
}

// Replaces `out` with the frame of `body`: u16 big-endian length, then the body.
void frame(const std::string& body, std::string& out) {
  out.clear();
  out.push_back(static_cast<char>((body.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(body.size() & 0xff));
  out.append(body);
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
  if (!h) return "sproto host: " + h.err().message;
  std::unique_ptr<sproto_protocol> p(new sproto_protocol(std::move(*h), payload_size));
  // The largest session a run uses still fits in 4 bytes; check the frame with it.
  auto probe = p->host_.request(demo_sproto_schemas().c2s, "echo", p->echo_args_, 0x7fffffff);
  if (!probe) return "sproto echo request: " + probe.err().message;
  if (probe->size() > max_body) {
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
}

void sproto_protocol::login_packet(std::string_view account, std::string_view /*password*/,
                                   std::int32_t session, std::string& out) {
  sproto::value args;
  args["userid"] = sproto::value(account);
  auto packet = host_.request(demo_sproto_schemas().c2s, "signin", args, session);
  login_session_ = session;
  frame(*packet, out);  // cannot fail: the schema is built in and the account is short
}

void sproto_protocol::request_packet(std::int32_t session, std::string& out) {
  auto packet = host_.request(demo_sproto_schemas().c2s, "echo", echo_args_, session);
  frame(*packet, out);  // cannot fail: create() checked the size
}

reply sproto_protocol::parse_reply(std::string_view packet) {
  if (packet.size() < 2) return {reply::kind::bad, 0, "packet shorter than its length prefix"};
  const auto* p = reinterpret_cast<const unsigned char*>(packet.data());
  const std::size_t length = (std::size_t{p[0]} << 8) | p[1];
  if (length != packet.size() - 2) return {reply::kind::bad, 0, "length prefix mismatch"};
  auto in = host_.dispatch(packet.substr(2));
  if (!in) {
    detail_ = in.err().message;
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
