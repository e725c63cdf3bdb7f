// The demo game in protobuf mode. To add a message: define it in proto/game.proto, write a
// handler like echo() below, and add one line to make_pb_game().
#include "app/pb_game.hpp"

#include <chrono>

#include "app/accounts.hpp"
#include "codec/error_code.hpp"
#include "game.pb.h"
#include "gate/pb_session.hpp"

namespace stratus::app {

namespace {

codec::error_code to_code(const std::string& wire) {
  return codec::error_code_from_wire(wire).value_or(codec::error_code::internal);
}

/// game.LoginReq: the first login creates the account; replies with a token, then pushes a
/// game.Notice.
runtime::task<gate::reply<game::LoginResp>> login(gate::pb_session& s, const game::LoginReq& req) {
  // g++ 12 miscompiles non-trivial temporaries inside a co_await expression: name them first.
  auto pending = app::login(s.self(), req.account(), req.password(), s.peer_address());
  auto r = co_await std::move(pending);
  if (!r) co_return gate::handler_error{to_code(r.error().code), r.error().message};
  s.set_user(r->userid, r->token, std::chrono::seconds(r->expires_in));
  game::Notice notice;
  notice.set_text("welcome, " + req.account());
  s.push(notice);
  game::LoginResp resp;
  resp.set_userid(r->userid);
  resp.set_token(r->token);
  resp.set_expires_in(r->expires_in);
  co_return resp;
}

/// game.PingReq: the server's clock.
runtime::task<gate::reply<game::PingResp>> ping(gate::pb_session&, const game::PingReq&) {
  game::PingResp resp;
  resp.set_server_time_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  co_return resp;
}

/// game.EchoReq: the same bytes back.
runtime::task<gate::reply<game::EchoResp>> echo(gate::pb_session&, const game::EchoReq& req) {
  game::EchoResp resp;
  resp.set_data(req.data());
  co_return resp;
}

runtime::task<gate::reply<std::int64_t>> check(runtime::service& self, const std::string& token) {
  auto pending = app::check_token(self, token);
  auto r = co_await std::move(pending);
  if (!r) co_return gate::handler_error{to_code(r.error().code), r.error().message};
  co_return *r;
}

}  // namespace

std::shared_ptr<const gate::pb_app> make_pb_game(const gate::gate_options& opts) {
  auto app = std::make_shared<gate::pb_app>();
  app->handlers.add(&login, gate::access::anyone).add(&ping).add(&echo);
  app->check_token = &check;
  app->max_bad_packets = opts.max_bad_packets;
  app->intake = opts.intake;
  return app;
}

}  // namespace stratus::app
