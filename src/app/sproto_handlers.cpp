// The demo game in sproto mode, on typed handlers: generated code (proto/c2s.hpp, s2c.hpp from
// proto/*.sproto) decodes requests and encodes replies and pushes. To add a protocol: declare
// it in proto/proto.c2s.sproto, write a handler like signin() below, and add one line to
// finish().
#include "app/sproto_handlers.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "app/accounts.hpp"
#include "codec/error_code.hpp"
#include "proto/c2s.hpp"
#include "proto/s2c.hpp"
#include "runtime/install_paths.hpp"
#include "sproto/parser.hpp"

namespace stratus::app {

namespace {

namespace c2s = proto::c2s;
namespace s2c = proto::s2c;
using gate::handler_error;
using gate::sproto_session;
using sproto::gen::no_body;
/// What a handler returns: the response of its protocol, or an error.
template <class Resp>
using task = runtime::task<gate::reply<Resp>>;

// Requests are decoded as views into the packet (the `_view` types): they stay valid until the
// reply is sent, so a handler copies only what it keeps.
std::string text_of(const sproto::gen::maybe<std::string_view>& field) {
  return field ? std::string(*field) : std::string();
}

/// ping: a header-only reply (the protocol has no response part).
task<no_body> ping(sproto_session&, const no_body&) {
  co_return no_body{};
}

/// echo: the same data back; no sign-in needed. The reply views the request's bytes: nothing
/// is copied.
task<c2s::echo_response_view> echo(sproto_session&, const c2s::echo_request_view& req) {
  c2s::echo_response_view resp;
  resp.data = req.data;
  co_return resp;
}

handler_error to_handler_error(const account_error& e) {
  return {codec::error_code_from_wire(e.code).value_or(codec::error_code::internal), e.message};
}

/// signup: creates the account (in `.dbproxyd`, as protobuf mode's login does); ok = false when
/// the userid is taken.
task<c2s::signup_response> signup(sproto_session& s, const c2s::signup_request_view& req) {
  auto created = co_await app::create_without_password(s.self(), text_of(req.userid));
  if (!created) co_return to_handler_error(created.error());
  c2s::signup_response resp;
  resp.ok = *created;
  co_return resp;
}

/// signin: the account (created on first sign-in) becomes the session's user; the reply
/// carries the token for a resume, then a welcome `push` follows.
task<c2s::signin_response> signin(sproto_session& s, const c2s::signin_request_view& req) {
  std::string user = text_of(req.userid);
  auto found = co_await app::find_or_create(s.self(), user);
  if (!found) co_return to_handler_error(found.error());
  auto issued = co_await app::issue_token(s.self(), *found);
  if (!issued) co_return to_handler_error(issued.error());
  s.set_user(user, *found, issued->token);
  s2c::push_request welcome;
  welcome.text = "welcome, " + user;
  s.push<s2c::protocol::push>(welcome);
  c2s::signin_response resp;
  resp.ok = true;
  resp.token = issued->token;
  co_return resp;
}

std::optional<handler_error> bad_chat(const std::string& room, const std::string& text) {
  if (room.size() > 64) return handler_error{codec::error_code::bad_request, "room names are 1 to 64 bytes"};
  if (text.size() > 1024) return handler_error{codec::error_code::bad_request, "text over 1024 bytes"};
  return std::nullopt;
}

handler_error sign_in_first() {
  return {codec::error_code::unauthorized, "sign in first"};
}

/// say: a whisper to the user signed in as `to`, on any node; delivered = false when not
/// online.
task<c2s::say_response> say(sproto_session& s, const c2s::say_request_view& req) {
  if (s.user().empty()) co_return sign_in_first();
  std::string text = text_of(req.text);
  if (auto bad = bad_chat({}, text)) co_return *bad;
  s2c::whisper_request_view whisper;
  whisper.from = s.user();
  whisper.text = text;
  c2s::say_response resp;
  resp.delivered = co_await s.push_to<s2c::protocol::whisper>(text_of(req.to), whisper);
  co_return resp;
}

/// join: joins a room (made on first join); members = the count with this user, on every node.
task<c2s::join_response> join(sproto_session& s, const c2s::join_request_view& req) {
  if (s.user().empty()) co_return sign_in_first();
  std::string room = text_of(req.room);
  if (room.empty()) co_return handler_error{codec::error_code::bad_request, "room names are 1 to 64 bytes"};
  if (auto bad = bad_chat(room, {})) co_return *bad;
  s.rooms().join(room, s.session());
  c2s::join_response resp;
  resp.members = static_cast<std::int64_t>(co_await s.room_size(room));
  co_return resp;
}

/// leave: leaves a room; ok = false when this user was not in it.
task<c2s::leave_response> leave(sproto_session& s, const c2s::leave_request_view& req) {
  if (s.user().empty()) co_return sign_in_first();
  c2s::leave_response resp;
  resp.ok = s.rooms().leave(text_of(req.room), s.session());
  co_return resp;
}

/// room_say: a room_notice to every member on every node, the sender included (encoded once); delivered =
/// the members reached. Only members may speak.
task<c2s::room_say_response> room_say(sproto_session& s, const c2s::room_say_request_view& req) {
  if (s.user().empty()) co_return sign_in_first();
  std::string room = text_of(req.room);
  std::string text = text_of(req.text);
  if (auto bad = bad_chat(room, text)) co_return *bad;
  if (!s.rooms().contains(room, s.userid()))
    co_return handler_error{codec::error_code::bad_request, "join the room first"};
  s2c::room_notice_request_view notice;
  notice.room = room;
  notice.from = s.user();
  notice.text = text;
  c2s::room_say_response resp;
  resp.delivered = static_cast<std::int64_t>(
      co_await s.room_broadcast(room, s.make_push<s2c::protocol::room_notice>(notice)));
  co_return resp;
}

/// login: ok when the connection signed in; UNAUTHORIZED before.
task<c2s::login_response> login(sproto_session& s, const no_body&) {
  if (s.user().empty()) co_return handler_error{codec::error_code::unauthorized, "sign in first"};
  c2s::login_response resp;
  resp.ok = true;
  co_return resp;
}

/// Registers the demo handlers: the one list of this mode.
std::shared_ptr<const gate::sproto_app> finish(std::shared_ptr<gate::sproto_app> app,
                                               const gate::gate_options& opts) {
  app->add<c2s::protocol::ping>(&ping).add<c2s::protocol::signup>(&signup);
  app->add<c2s::protocol::signin>(&signin).add<c2s::protocol::login>(&login);
  app->add<c2s::protocol::echo>(&echo);
  app->add<c2s::protocol::say>(&say).add<c2s::protocol::join>(&join);
  app->add<c2s::protocol::leave>(&leave).add<c2s::protocol::room_say>(&room_say);
  auto pushes = codec::sproto_push_framer::create(app->s2c);
  if (!pushes) throw std::runtime_error("sproto s2c schema: " + pushes.error().message);
  app->pushes = *pushes;
  if (auto beat = app->pushes->make("heartbeat")) app->heartbeat_push = *beat;
  app->hub = std::make_shared<gate::session_hub>(
      app->pushes, gate::resume_limits{opts.resume_grace, opts.resume_buffer});
  app->max_bad_packets = opts.max_bad_packets;
  app->intake = opts.intake;
  app->heartbeat = opts.heartbeat;
  return app;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

sproto::schema_ptr parse_or_throw(std::string_view text, const std::string& name) {
  auto s = sproto::parse_schema(text, name);
  if (!s) throw std::runtime_error("sproto schema " + s.error().message);
  if (!sproto::host::create(*s).ok())
    throw std::runtime_error(name + ": no `.package` header type");
  return *s;
}

}  // namespace

std::vector<std::string> sproto_search_path() {
  std::vector<std::string> dirs;
  for (const auto& dir : runtime::install_candidates("proto")) dirs.push_back(dir.string());
  return dirs;
}

std::shared_ptr<const gate::sproto_app> make_sproto_game(const gate::gate_options& opts) {
  std::string tried;
  for (const std::string& dir : sproto_search_path()) {
    const std::filesystem::path c2s = std::filesystem::path(dir) / "proto.c2s.sproto";
    const std::filesystem::path s2c = std::filesystem::path(dir) / "proto.s2c.sproto";
    if (std::filesystem::exists(c2s) && std::filesystem::exists(s2c)) {
      auto app = std::make_shared<gate::sproto_app>();
      app->c2s = parse_or_throw(read_file(c2s), c2s.string());
      app->s2c = parse_or_throw(read_file(s2c), s2c.string());
      return finish(std::move(app), opts);
    }
    tried += (tried.empty() ? "" : ", ") + dir;
  }
  throw std::runtime_error("proto.c2s.sproto and proto.s2c.sproto not found (looked in " + tried +
                           ")");
}

std::shared_ptr<const gate::sproto_app> make_sproto_game(std::string_view c2s_text,
                                                         std::string_view s2c_text,
                                                         const gate::gate_options& opts) {
  auto app = std::make_shared<gate::sproto_app>();
  app->c2s = parse_or_throw(c2s_text, "=c2s");
  app->s2c = parse_or_throw(s2c_text, "=s2c");
  return finish(std::move(app), opts);
}

}  // namespace stratus::app
