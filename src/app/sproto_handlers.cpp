// The demo game in sproto mode. To add a protocol: declare it in proto/proto.c2s.sproto, write
// a handler like echo() below, and add one line to finish().
#include "app/sproto_handlers.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "app/accounts.hpp"
#include "codec/error_code.hpp"
#include "runtime/install_paths.hpp"
#include "sproto/parser.hpp"

namespace stratus::app {

namespace {

using gate::handler_error;
using gate::reply;
using gate::sproto_session;
using sproto::value;
using task = runtime::task<reply<value>>;

value ok(bool b) {
  value v;
  v["ok"] = b;
  return v;
}

std::string userid_of(const value& args) {
  const value* u = args.find("userid");
  return u && u->is_bytes() ? u->as_bytes() : std::string();
}

/// ping: a header-only reply (the protocol has no response part).
task ping(sproto_session&, const value&) {
  co_return value();
}

/// echo: the same data back; no sign-in needed.
task echo(sproto_session&, const value& args) {
  value resp;
  if (const value* d = args.find("data")) resp["data"] = *d;
  co_return resp;
}

handler_error to_handler_error(const account_error& e) {
  return {codec::error_code_from_wire(e.code).value_or(codec::error_code::internal), e.message};
}

/// signup: creates the account (in `.dbproxyd`, as protobuf mode's login does); ok = false when
/// the userid is taken.
task signup(sproto_session& s, const value& args) {
  auto pending = app::create_without_password(s.self(), userid_of(args));
  auto created = co_await std::move(pending);
  if (!created) co_return to_handler_error(created.error());
  co_return ok(*created);
}

/// signin: the account (created on first sign-in) becomes the session's user; the reply
/// carries the token for a resume, then a welcome `push` follows.
task signin(sproto_session& s, const value& args) {
  std::string user = userid_of(args);
  auto pending = app::find_or_create(s.self(), user);
  auto found = co_await std::move(pending);
  if (!found) co_return to_handler_error(found.error());
  auto issuing = app::issue_token(s.self(), *found);
  auto issued = co_await std::move(issuing);
  if (!issued) co_return to_handler_error(issued.error());
  s.set_user(user, *found, issued->token);
  value text;
  text["text"] = "welcome, " + user;
  s.push("push", text);
  value resp = ok(true);
  resp["token"] = issued->token;
  co_return resp;
}

std::string string_arg(const value& args, const char* name) {
  const value* v = args.find(name);
  return v && v->is_bytes() ? v->as_bytes() : std::string();
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
task say(sproto_session& s, const value& args) {
  if (s.user().empty()) co_return sign_in_first();
  std::string text = string_arg(args, "text");
  if (auto bad = bad_chat({}, text)) co_return *bad;
  value whisper;
  whisper["from"] = s.user();
  whisper["text"] = text;
  auto sending = s.push_to(string_arg(args, "to"), "whisper", whisper);
  value resp;
  resp["delivered"] = co_await sending;
  co_return resp;
}

/// join: joins a room (made on first join); members = the count with this user, on every node.
task join(sproto_session& s, const value& args) {
  if (s.user().empty()) co_return sign_in_first();
  std::string room = string_arg(args, "room");
  if (room.empty()) co_return handler_error{codec::error_code::bad_request, "room names are 1 to 64 bytes"};
  if (auto bad = bad_chat(room, {})) co_return *bad;
  s.rooms().join(room, s.session());
  auto counting = s.room_size(room);
  value resp;
  resp["members"] = static_cast<std::int64_t>(co_await counting);
  co_return resp;
}

/// leave: leaves a room; ok = false when this user was not in it.
task leave(sproto_session& s, const value& args) {
  if (s.user().empty()) co_return sign_in_first();
  co_return ok(s.rooms().leave(string_arg(args, "room"), s.session()));
}

/// room_say: a room_notice to every member on every node, the sender included (encoded once); delivered =
/// the members reached. Only members may speak.
task room_say(sproto_session& s, const value& args) {
  if (s.user().empty()) co_return sign_in_first();
  std::string room = string_arg(args, "room");
  std::string text = string_arg(args, "text");
  if (auto bad = bad_chat(room, text)) co_return *bad;
  if (!s.rooms().contains(room, s.userid()))
    co_return handler_error{codec::error_code::bad_request, "join the room first"};
  value notice;
  notice["room"] = room;
  notice["from"] = s.user();
  notice["text"] = text;
  auto sending = s.room_broadcast(room, s.make_push("room_notice", notice));
  value resp;
  resp["delivered"] = static_cast<std::int64_t>(co_await sending);
  co_return resp;
}

/// login: ok when the connection signed in; UNAUTHORIZED before.
task login(sproto_session& s, const value&) {
  if (s.user().empty()) co_return handler_error{codec::error_code::unauthorized, "sign in first"};
  co_return ok(true);
}

/// Registers the demo handlers: the one list of this mode.
std::shared_ptr<const gate::sproto_app> finish(std::shared_ptr<gate::sproto_app> app,
                                               const gate::gate_options& opts) {
  app->add("ping", &ping).add("signup", &signup).add("signin", &signin).add("login", &login);
  app->add("echo", &echo);
  app->add("say", &say).add("join", &join).add("leave", &leave).add("room_say", &room_say);
  auto pushes = codec::sproto_push_framer::create(app->s2c);
  if (!pushes) throw std::runtime_error("sproto s2c schema: " + pushes.err().message);
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
  if (!s) throw std::runtime_error("sproto schema " + s.err().message);
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
