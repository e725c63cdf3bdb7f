// The demo game in protobuf mode. To add a message: define it in proto/game.proto, write a
// handler like echo() below, and add one line to make_pb_game().
#include "app/pb_game.hpp"

#include <chrono>
#include <optional>

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
  auto r = co_await app::login(s.self(), req.account(), req.password(), s.peer_address());
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

// Room names: what a client may ask for (the rooms live as long as they have members).
constexpr std::size_t max_room_name = 64;
constexpr std::size_t max_chat_text = 1024;

std::optional<gate::handler_error> bad_room(const std::string& room) {
  if (room.empty() || room.size() > max_room_name)
    return gate::handler_error{codec::error_code::bad_request, "room names are 1 to 64 bytes"};
  return std::nullopt;
}

/// game.SayReq: a whisper to one user, wherever it is connected (any node of a cluster);
/// delivered = false when the user is not online.
runtime::task<gate::reply<game::SayResp>> say(gate::pb_session& s, const game::SayReq& req) {
  if (req.text().size() > max_chat_text)
    co_return gate::handler_error{codec::error_code::bad_request, "text over 1024 bytes"};
  game::Whisper whisper;
  whisper.set_from_userid(s.userid());
  whisper.set_text(req.text());
  game::SayResp resp;
  resp.set_delivered(co_await s.push_to(req.to_userid(), whisper));
  co_return resp;
}

/// game.JoinReq: joins a room (made on first join); members = the count with this user, on
/// every node.
runtime::task<gate::reply<game::JoinResp>> join(gate::pb_session& s, const game::JoinReq& req) {
  if (auto bad = bad_room(req.room())) co_return *bad;
  s.rooms().join(req.room(), s.session());
  game::JoinResp resp;
  resp.set_members(static_cast<std::int32_t>(co_await s.room_size(req.room())));
  co_return resp;
}

/// game.LeaveReq: leaves a room (a room left empty is gone).
runtime::task<gate::reply<game::LeaveResp>> leave(gate::pb_session& s, const game::LeaveReq& req) {
  s.rooms().leave(req.room(), s.session());
  co_return game::LeaveResp{};
}

/// game.RoomSayReq: a RoomNotice to every member on every node, the sender included (encoded
/// once); delivered = the members reached. Only members may speak.
runtime::task<gate::reply<game::RoomSayResp>> room_say(gate::pb_session& s,
                                                      const game::RoomSayReq& req) {
  if (auto bad = bad_room(req.room())) co_return *bad;
  if (req.text().size() > max_chat_text)
    co_return gate::handler_error{codec::error_code::bad_request, "text over 1024 bytes"};
  if (!s.rooms().contains(req.room(), s.userid()))
    co_return gate::handler_error{codec::error_code::bad_request, "join the room first"};
  game::RoomNotice notice;
  notice.set_room(req.room());
  notice.set_from_userid(s.userid());
  notice.set_text(req.text());
  game::RoomSayResp resp;
  resp.set_delivered(static_cast<std::int32_t>(co_await s.room_broadcast(req.room(), notice)));
  co_return resp;
}

runtime::task<gate::reply<std::int64_t>> check(runtime::service& self, const std::string& token) {
  auto r = co_await app::check_token(self, token);
  if (!r) co_return gate::handler_error{to_code(r.error().code), r.error().message};
  co_return *r;
}

}  // namespace

std::shared_ptr<const gate::pb_app> make_pb_game(const gate::gate_options& opts) {
  auto app = std::make_shared<gate::pb_app>();
  app->hub = std::make_shared<gate::session_hub>(std::make_shared<codec::pb_push_framer>(),
                                                 gate::resume_limits{opts.resume_grace,
                                                                     opts.resume_buffer});
  app->handlers.add(&login, gate::access::anyone).add(&ping).add(&echo);
  app->handlers.add(&say).add(&join).add(&leave).add(&room_say);
  app->check_token = &check;
  app->max_bad_packets = opts.max_bad_packets;
  app->intake = opts.intake;
  return app;
}

}  // namespace stratus::app
