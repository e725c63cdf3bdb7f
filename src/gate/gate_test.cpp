// Tests of the gateway in protobuf mode, end to end: a real node runs `.ws_proxyd` and the
// listener on 127.0.0.1 (port 0), one agent (protobuf driver) per connection, and real Beast WebSocket
// clients talk to it. Covers handler exceptions (INTERNAL, no details leaked), isolation of a
// slow handler from other connections, and routing through the connection registry
// (send_to, broadcast, kick).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "codec/encode.hpp"
#include "codec/framing.hpp"
#include "codec/header.hpp"
#include "game.pb.h"
#include "gate/connection_registry.hpp"
#include "gate/gate_service.hpp"
#include "gate/pb_driver.hpp"
#include "gate/pb_session.hpp"
#include "net/test_support.hpp"
#include "runtime/node.hpp"

namespace stratus::gate {
namespace {

using namespace std::chrono_literals;
using net::test::ws_client;
namespace websocket = boost::beast::websocket;

// What the test handler has done so far (handlers are plain functions: no captures).
std::atomic<bool> slow_started{false};
std::atomic<bool> slow_done{false};

/// game.EchoReq, with a behaviour chosen by its data: "throw" throws, "slow" sleeps 300 ms
/// before answering, "whoami" answers with the connection id, anything else is echoed.
runtime::task<reply<game::EchoResp>> test_echo(pb_session& s, const game::EchoReq& req) {
  if (req.data() == "throw") throw std::runtime_error("secret detail");
  if (req.data() == "slow") {
    slow_started = true;
    // g++ 12 miscompiles non-trivial temporaries inside a co_await expression: name them first.
    auto nap = s.self().sleep(300ms);
    co_await nap;
    slow_done = true;
  }
  game::EchoResp resp;
  resp.set_data(req.data() == "whoami" ? std::to_string(s.connection_id()) : req.data());
  co_return resp;
}

/// The test-only application: test_echo, open to clients that did not log in.
std::shared_ptr<const pb_app> test_app() {
  auto app = std::make_shared<pb_app>();
  app->hub = std::make_shared<session_hub>(std::make_shared<codec::pb_push_framer>(),
                                           resume_limits{});
  app->handlers.add(&test_echo, access::anyone);
  return app;
}

/// A started node with `.ws_proxyd` and the gateway (protobuf mode) on 127.0.0.1, as
/// server/bootstrap.cpp launches them; stopped at destruction.
class gate_node {
 public:
  gate_node() : node_(options()) {
    node_.start();
    auto app = test_app();
    if (node_.launch_named<connection_registry>(".ws_proxyd", app->hub) == runtime::no_address)
      throw std::runtime_error("cannot launch .ws_proxyd");
    gate_options opts;
    opts.protocol_type = "protobuf";
    opts.ws.listen.host = "127.0.0.1";
    opts.ws.listen.port = 0;
    agent_factory factory = [app](runtime::node& n, int worker,
                                  const net::connection_ptr& conn) {
      start_agent(n, worker, conn, pb_drivers(app));
    };
    std::promise<std::uint16_t> ready;
    std::future<std::uint16_t> bound = ready.get_future();
    node_.launch_named<gate_service>(".gate", opts, std::move(factory), std::move(ready));
    if (bound.wait_for(10s) != std::future_status::ready)
      throw std::runtime_error("the gateway did not start listening within 10 s");
    port_ = bound.get();
  }
  ~gate_node() {
    node_.stop();
    node_.wait();
  }

  /// The port the gateway listens on.
  std::uint16_t port() const { return port_; }

  /// Sends `msg` to `.ws_proxyd` from outside the node.
  template <class M>
  void to_registry(M msg) {
    ASSERT_TRUE(node_.send(node_.lookup(".ws_proxyd"), std::move(msg)));
  }

  /// How many connections `.ws_proxyd` knows of (asked with a call); -1 on failure.
  long open_connections() {
    auto count = std::make_shared<std::atomic<long>>(-1);  // outlives a call that times out
    auto done = node_.exec([count](runtime::service& s) -> runtime::task<void> {
      auto asking = s.call(".ws_proxyd", connection_count{});
      auto r = co_await asking;
      if (r.ok()) *count = static_cast<long>(*r);
    });
    if (done.wait_for(5s) != std::future_status::ready) return -1;
    done.get();
    return *count;
  }

 private:
  static runtime::node_options options() {
    runtime::node_options o;
    o.threads = 2;
    return o;
  }

  runtime::node node_;
  std::uint16_t port_ = 0;
};

/// The packet of a game.EchoReq carrying `data` with session `session`.
std::string echo_request(const std::string& data, std::int32_t session) {
  game::EchoReq req;
  req.set_data(data);
  std::string packet;
  codec::encode(req, session, packet);
  return packet;
}

/// The packet of a game.Notice push (session 0) saying `text`.
std::string notice_packet(const std::string& text) {
  game::Notice notice;
  notice.set_text(text);
  std::string packet;
  codec::encode(notice, 0, packet);
  return packet;
}

/// Decodes a packet received by a client as M; fails the test (and returns M{}) when the
/// packet is not framed, not an M, or its header names another type.
template <class M>
M decode_as(const std::optional<std::string>& packet) {
  M message;
  if (!packet) {
    ADD_FAILURE() << "no packet received";
    return message;
  }
  auto body = codec::unframe(*packet);
  if (!body) {
    ADD_FAILURE() << "bad framing: " << body.error().reason;
    return message;
  }
  if (!message.ParseFromArray(body->data(), static_cast<int>(body->size()))) {
    ADD_FAILURE() << "not a " << M::descriptor()->full_name();
  }
  EXPECT_EQ(message.header().msg_type(), M::descriptor()->full_name());
  return message;
}

/// Connects `client` to the gateway; false (after a test failure) when the upgrade fails.
bool connect(ws_client& client, const gate_node& gate) {
  auto ec = client.open(gate.port());
  EXPECT_FALSE(ec) << ec.message();
  return !ec;
}

/// Asks the server which connection id `client` has (the handler reads it from its session).
std::uint64_t connection_id_of(ws_client& client) {
  client.send(echo_request("whoami", 99));
  auto resp = decode_as<game::EchoResp>(client.receive());
  EXPECT_EQ(resp.header().session_id(), 99);
  return resp.data().empty() ? 0 : std::stoull(resp.data());
}

/// Polls `cond` every 5 ms until it holds or `limit` passes; returns its last value.
template <class F>
bool eventually(F cond, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(gate, handler_exception_replies_internal_without_details_and_keeps_connection) {
  gate_node gate;
  ws_client client;
  ASSERT_TRUE(connect(client, gate));

  client.send(echo_request("throw", 7));
  auto error = decode_as<common::Error>(client.receive());
  EXPECT_EQ(error.code(), "INTERNAL");
  EXPECT_EQ(error.header().session_id(), 7);
  EXPECT_FALSE(error.message().empty());
  EXPECT_EQ(error.message().find("secret"), std::string::npos) << error.message();

  // The connection survives and serves the next request.
  client.send(echo_request("still here", 8));
  auto resp = decode_as<game::EchoResp>(client.receive());
  EXPECT_EQ(resp.header().session_id(), 8);
  EXPECT_EQ(resp.data(), "still here");
}

TEST(gate, slow_handler_holds_back_only_its_own_connection) {
  gate_node gate;
  ws_client slow, fast;
  ASSERT_TRUE(connect(slow, gate));
  ASSERT_TRUE(connect(fast, gate));
  slow_started = false;
  slow_done = false;

  slow.send(echo_request("slow", 1));
  slow.send(echo_request("queued behind", 2));  // same connection: waits for the slow one
  ASSERT_TRUE(eventually([] { return slow_started.load(); }));

  fast.send(echo_request("fast", 3));
  auto quick = decode_as<game::EchoResp>(fast.receive());
  EXPECT_EQ(quick.data(), "fast");
  EXPECT_EQ(quick.header().session_id(), 3);
  // The fast reply came while the slow handler was still sleeping.
  EXPECT_FALSE(slow_done.load());
  EXPECT_EQ(slow.ws.next_layer().available(), 0u);

  // The slow connection gets its replies afterwards, in request order.
  auto first = decode_as<game::EchoResp>(slow.receive());
  EXPECT_TRUE(slow_done.load());
  EXPECT_EQ(first.data(), "slow");
  EXPECT_EQ(first.header().session_id(), 1);
  auto second = decode_as<game::EchoResp>(slow.receive());
  EXPECT_EQ(second.data(), "queued behind");
  EXPECT_EQ(second.header().session_id(), 2);
}

TEST(gate, registry_send_to_reaches_one_client_and_broadcast_reaches_all) {
  gate_node gate;
  ws_client a, b, c;
  ASSERT_TRUE(connect(a, gate));
  ASSERT_TRUE(connect(b, gate));
  ASSERT_TRUE(connect(c, gate));
  std::uint64_t id_b = connection_id_of(b);
  ASSERT_NE(id_b, 0u);
  EXPECT_NE(connection_id_of(a), id_b);
  EXPECT_NE(connection_id_of(c), id_b);
  EXPECT_EQ(gate.open_connections(), 3);

  // Both go through `.ws_proxyd` in order, so the broadcast is the first thing a and c see:
  // had the targeted packet reached them, it would come first.
  gate.to_registry(send_to{id_b, notice_packet("only for b")});
  gate.to_registry(broadcast{notice_packet("for everyone")});

  auto to_b = decode_as<game::Notice>(b.receive());
  EXPECT_EQ(to_b.text(), "only for b");
  EXPECT_EQ(to_b.header().session_id(), 0);
  EXPECT_EQ(decode_as<game::Notice>(b.receive()).text(), "for everyone");
  EXPECT_EQ(decode_as<game::Notice>(a.receive()).text(), "for everyone");
  EXPECT_EQ(decode_as<game::Notice>(c.receive()).text(), "for everyone");

  // A send to an unknown connection is dropped; the others keep working.
  gate.to_registry(send_to{id_b + 1000, notice_packet("nobody")});
  a.send(echo_request("ok", 5));
  EXPECT_EQ(decode_as<game::EchoResp>(a.receive()).data(), "ok");
}

TEST(gate, registry_kick_closes_that_connection_only) {
  gate_node gate;
  ws_client keeper, victim;
  ASSERT_TRUE(connect(keeper, gate));
  ASSERT_TRUE(connect(victim, gate));
  std::uint64_t id = connection_id_of(victim);
  ASSERT_NE(id, 0u);
  ASSERT_NE(connection_id_of(keeper), id);

  gate.to_registry(kick{id, 1008, "kicked"});
  boost::system::error_code ec;
  EXPECT_FALSE(victim.receive(&ec));
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(victim.ws.reason().code, 1008);
  EXPECT_EQ(std::string(victim.ws.reason().reason.c_str()), "kicked");

  // Its agent leaves the registry; the other connection is still served.
  EXPECT_TRUE(eventually([&] { return gate.open_connections() == 1; }));
  keeper.send(echo_request("still open", 6));
  EXPECT_EQ(decode_as<game::EchoResp>(keeper.receive()).data(), "still open");
}

TEST(gate, two_gateways_built_in_code_run_side_by_side_on_their_own_ports) {
  // A gateway built in code opens the WebSocket port it is given and no TCP port unless asked,
  // so tests and embedders can run several in one process.
  gate_node first;
  gate_node second;
  EXPECT_NE(first.port(), second.port());
  ws_client a, b;
  ASSERT_TRUE(connect(a, first));
  ASSERT_TRUE(connect(b, second));
  a.send(echo_request("one", 1));
  b.send(echo_request("two", 2));
  EXPECT_EQ(decode_as<game::EchoResp>(a.receive()).data(), "one");
  EXPECT_EQ(decode_as<game::EchoResp>(b.receive()).data(), "two");
}

}  // namespace
}  // namespace stratus::gate
