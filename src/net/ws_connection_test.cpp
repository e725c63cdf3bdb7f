#include "net/ws_connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/write.hpp>

#include <atomic>

#include "net/test_support.hpp"

namespace stratus::net {
namespace {

using namespace test;
using namespace std::chrono_literals;

ws_options small_limits() {
  ws_options o;
  o.connection.max_message_size = 1024;
  o.connection.close_timeout = 300ms;
  return o;
}

TEST(ws_connection, echoes_binary_messages_including_empty_and_max_size) {
  test_server server(small_limits());
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  client.send("hello");
  EXPECT_EQ(client.receive(), "hello");
  client.send("");
  EXPECT_EQ(client.receive(), "");
  std::string biggest(1024, 'x');
  client.send(biggest);
  EXPECT_EQ(client.receive(), biggest);
  EXPECT_TRUE(client.ws.got_binary());
  EXPECT_EQ(server.stats().messages_in.load(), 3u);
  EXPECT_EQ(server.stats().messages_out.load(), 3u);
  EXPECT_EQ(server.stats().open.load(), 1);

  client.ws.close(websocket::close_code::normal);
  auto closed = server.closes.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1000);
  EXPECT_TRUE(closed->by_peer);
  EXPECT_EQ(server.stats().open.load(), 0);
}

TEST(ws_connection, message_over_the_limit_closes_with_1009) {
  test_server server(small_limits());
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  client.send(std::string(1025, 'x'));
  boost::system::error_code ec;
  EXPECT_FALSE(client.receive(&ec));
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(client.ws.reason().code, 1009);
  auto closed = server.closes.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1009);
  EXPECT_FALSE(closed->by_peer);
}

TEST(ws_connection, text_message_closes_with_1003) {
  test_server server(small_limits());
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  client.ws.text(true);
  client.send("not binary");
  boost::system::error_code ec;
  EXPECT_FALSE(client.receive(&ec));
  EXPECT_EQ(client.ws.reason().code, 1003);
  auto closed = server.closes.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1003);
}

TEST(ws_connection, idle_client_is_pinged_then_closed_with_1001) {
  auto options = small_limits();
  options.connection.idle_timeout = 150ms;
  options.connection.ping_grace = 150ms;
  test_server server(options);
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  int pings = 0;
  client.ws.control_callback([&](websocket::frame_type kind, boost::beast::string_view) {
    if (kind == websocket::frame_type::ping) ++pings;
  });
  std::this_thread::sleep_for(600ms);  // say nothing and read nothing: the pong comes too late
  boost::system::error_code ec;
  EXPECT_FALSE(client.receive(&ec));
  EXPECT_EQ(pings, 1);
  EXPECT_EQ(client.ws.reason().code, 1001);
  auto closed = server.closes.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1001);
}

TEST(ws_connection, client_answering_pings_stays_open) {
  auto options = small_limits();
  options.connection.idle_timeout = 100ms;
  options.connection.ping_grace = 100ms;
  test_server server(options);
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  int pings = 0;
  client.ws.control_callback([&](websocket::frame_type kind, boost::beast::string_view) {
    if (kind == websocket::frame_type::ping) ++pings;
  });
  // An async read answers pings while it waits (Beast sends the pongs).
  boost::beast::flat_buffer buffer;
  bool read_ended = false;
  client.ws.async_read(buffer, [&](boost::system::error_code, std::size_t) { read_ended = true; });
  client.ioc.run_for(700ms);
  EXPECT_FALSE(read_ended);
  EXPECT_GE(pings, 3);
  EXPECT_FALSE(server.closes.wait(1, 10ms));
}

TEST(ws_connection, client_that_stops_reading_is_dropped_while_others_are_served) {
  auto options = small_limits();
  options.connection.max_message_size = 64 * 1024;
  options.connection.max_send_queue = 256 * 1024;
  test_server server(options);

  ws_client slow;
  ASSERT_FALSE(slow.open(server.port()));
  ws_client fast;
  ASSERT_FALSE(fast.open(server.port()));

  // The slow client floods echo requests and never reads the echoes.
  std::atomic<bool> write_failed{false};
  std::thread flood([&] {
    std::string chunk(60 * 1024, 'f');
    boost::system::error_code ec;
    for (int i = 0; i < 4000 && !ec; ++i) slow.ws.write(asio::buffer(chunk), ec);
    write_failed = static_cast<bool>(ec);
  });
  for (int i = 0; i < 50; ++i) {
    fast.send("ping " + std::to_string(i));
    ASSERT_EQ(fast.receive(), "ping " + std::to_string(i));
  }
  auto closed = server.closes.wait(1, 10s);
  flood.join();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1008);
  EXPECT_FALSE(closed->by_peer);
  EXPECT_TRUE(write_failed);  // the server closed the socket although the client never read
  EXPECT_EQ(server.stats().send_overflows.load(), 1u);
  fast.send("still here");
  EXPECT_EQ(fast.receive(), "still here");
}

// Client frames are masked; a zero mask keeps the payload readable.
std::string masked_binary_frame(const std::string& payload) {
  std::string frame;
  frame.push_back(static_cast<char>(0x82));
  frame.push_back(static_cast<char>(0x80 | payload.size()));
  frame.append(4, '\0');
  return frame + payload;
}

TEST(ws_connection, replies_to_a_batch_of_requests_leave_in_one_write) {
  test_server server(small_limits(), 1);
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  client.send("warm-up");
  ASSERT_EQ(client.receive(), "warm-up");
  auto flushes_before = server.stats().flushes.load();

  std::string batch;
  for (int i = 0; i < 16; ++i) batch += masked_binary_frame("req-" + std::to_string(i));
  asio::write(client.ws.next_layer(), asio::buffer(batch));  // one TCP segment on loopback
  for (int i = 0; i < 16; ++i) EXPECT_EQ(client.receive(), "req-" + std::to_string(i));
  EXPECT_EQ(server.stats().flushes.load(), flushes_before + 1);
  EXPECT_EQ(server.stats().messages_out.load(), 17u);
}

TEST(ws_connection, sixteen_sends_in_one_turn_make_one_write) {
  close_recorder closes;
  struct burst_handler : echo_handler {
    using echo_handler::echo_handler;
    void on_message(connection& c, std::span<const std::uint8_t>) override {
      auto& conn = static_cast<ws_connection&>(c);
      before = conn.flush_count();
      for (int i = 0; i < 16; ++i) {
        std::string m = "push-" + std::to_string(i);
        conn.send({reinterpret_cast<const std::uint8_t*>(m.data()), m.size()});
      }
      during = conn.flush_count();
      self = &conn;
    }
    std::atomic<std::uint64_t> before{0}, during{0};
    ws_connection* self = nullptr;
  };
  auto handler = std::make_shared<burst_handler>(closes);
  test_server server(small_limits(), 1,
                     [&](const connection_ptr& c) { c->set_handler(handler); });
  ws_client client;
  ASSERT_FALSE(client.open(server.port()));
  client.send("go");
  for (int i = 0; i < 16; ++i) EXPECT_EQ(client.receive(), "push-" + std::to_string(i));
  EXPECT_EQ(handler->during.load(), handler->before.load());  // nothing written mid-turn
  EXPECT_EQ(server.stats().messages_out.load(), 16u);
  // 101 response + the 16 pushes: two socket writes in all.
  EXPECT_EQ(server.stats().flushes.load(), 2u);
}

}  // namespace
}  // namespace stratus::net
