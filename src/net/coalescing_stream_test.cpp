#include "net/coalescing_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <thread>

#include <string>

namespace stratus::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A connected loopback pair: a coalescing stream on one end, a plain socket on the other.
struct loopback_pair {
  asio::io_context ioc;
  coalescing_stream server{coalescing_stream::socket_type(ioc)};
  tcp::socket client{ioc};

  loopback_pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server.next_layer());
  }

  std::string read_exactly(std::size_t n) {
    std::string out(n, '\0');
    asio::read(client, asio::buffer(out));
    return out;
  }
};

TEST(coalescing_stream, writes_of_one_turn_leave_in_one_async_write) {
  loopback_pair p;
  std::string expected;
  for (int i = 0; i < 16; ++i) {
    std::string part = "message-" + std::to_string(i) + ";";
    expected += part;
    p.server.write_some(asio::buffer(part));
  }
  EXPECT_EQ(p.server.flush_count(), 0u);  // nothing sent before the turn ends
  EXPECT_EQ(p.server.queued_bytes(), expected.size());
  p.ioc.run();
  EXPECT_EQ(p.server.flush_count(), 1u);
  EXPECT_EQ(p.server.queued_bytes(), 0u);
  EXPECT_EQ(p.server.bytes_out(), expected.size());
  EXPECT_EQ(p.read_exactly(expected.size()), expected);
}

TEST(coalescing_stream, held_writes_wait_for_the_next_read) {
  loopback_pair p;
  p.server.hold_flush(true);
  p.server.write_some(asio::buffer(std::string("abc")));
  p.server.write_some(asio::buffer(std::string("def")));
  p.server.hold_flush(false);
  p.ioc.poll();
  EXPECT_EQ(p.server.flush_count(), 0u);  // held: no flush was scheduled
  p.ioc.restart();

  std::array<char, 8> in{};
  std::size_t got = 0;
  p.server.async_read_some(asio::buffer(in), [&](boost::system::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    got = n;
  });
  EXPECT_EQ(p.server.flush_count(), 1u);  // the read sent the held bytes first
  EXPECT_EQ(p.read_exactly(6), "abcdef");
  asio::write(p.client, asio::buffer(std::string("xy")));
  p.ioc.run();
  EXPECT_EQ(got, 2u);
  EXPECT_EQ(p.server.bytes_in(), 2u);
}

TEST(coalescing_stream, writes_made_while_a_flush_is_in_flight_go_in_the_next_one) {
  loopback_pair p;
  p.server.write_some(asio::buffer(std::string("one")));
  p.server.flush();
  EXPECT_EQ(p.server.flush_count(), 1u);
  p.server.write_some(asio::buffer(std::string("two")));
  p.server.write_some(asio::buffer(std::string("three")));
  p.ioc.run();
  EXPECT_EQ(p.server.flush_count(), 2u);
  EXPECT_EQ(p.read_exactly(11), "onetwothree");
}

TEST(coalescing_stream, shutdown_after_flush_sends_everything_then_eof) {
  loopback_pair p;
  p.server.write_some(asio::buffer(std::string("last words")));
  p.server.shutdown_after_flush();
  boost::system::error_code ec;
  EXPECT_EQ(p.server.write_some(asio::buffer(std::string("late")), ec), 0u);
  EXPECT_EQ(ec, asio::error::broken_pipe);
  p.ioc.poll();
  EXPECT_EQ(p.read_exactly(10), "last words");
  std::array<char, 4> more{};
  p.client.read_some(asio::buffer(more), ec);
  EXPECT_EQ(ec, asio::error::eof);
  p.client.close();
  p.ioc.restart();
  p.ioc.run();  // the drain sees the peer's close and closes the socket
  EXPECT_FALSE(p.server.next_layer().is_open());
}

TEST(coalescing_stream, sixteen_websocket_messages_in_one_turn_make_one_flush) {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  boost::beast::websocket::stream<tcp::socket> client(ioc);
  boost::beast::websocket::stream<coalescing_stream, false> server(
      coalescing_stream::socket_type{ioc});
  client.next_layer().connect(acceptor.local_endpoint());
  acceptor.accept(server.next_layer().next_layer());
  server.async_accept([](boost::system::error_code ec) { ASSERT_FALSE(ec); });
  std::thread t([&] { client.handshake("localhost", "/"); });
  ioc.run();
  t.join();
  ioc.restart();

  server.binary(true);
  server.auto_fragment(false);
  auto before = server.next_layer().flush_count();
  for (int i = 0; i < 16; ++i) server.write(asio::buffer(std::string(10, char('a' + i))));
  ioc.run();
  EXPECT_EQ(server.next_layer().flush_count(), before + 1);
  for (int i = 0; i < 16; ++i) {
    boost::beast::flat_buffer b;
    client.read(b);
    EXPECT_TRUE(client.got_binary());
    EXPECT_EQ(boost::beast::buffers_to_string(b.data()), std::string(10, char('a' + i)));
  }
}

}  // namespace
}  // namespace stratus::net
