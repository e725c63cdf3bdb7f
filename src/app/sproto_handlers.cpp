// The demo game in sproto mode. To add a protocol: declare it in proto/proto.c2s.sproto, write
// a handler like echo() below, and add one line to finish().
#include "app/sproto_handlers.hpp"

#include <filesystem>
#include <fstream>
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

/// signin: the account (created on first sign-in) becomes the session's user, then a welcome
/// `push` follows the reply.
task signin(sproto_session& s, const value& args) {
  std::string user = userid_of(args);
  auto pending = app::find_or_create(s.self(), user);
  auto found = co_await std::move(pending);
  if (!found) co_return to_handler_error(found.error());
  s.set_user(user, *found);
  value text;
  text["text"] = "welcome, " + user;
  s.push("push", text);
  co_return ok(true);
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
