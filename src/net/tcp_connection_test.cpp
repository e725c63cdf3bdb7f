#include "net/tcp_connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <string>

#include "net/test_support.hpp"

namespace stratus::net {
namespace {

using namespace test;
using namespace std::chrono_literals;

ws_options tcp_options(std::uint8_t prefix = 2, bool big_endian = true) {
  ws_options o;
  o.listen.transport = transport::tcp;
  o.listen.framing = {prefix, big_endian};
  o.connection.max_message_size = 2 + 1000;
  o.connection.close_timeout = 500ms;
  return o;
}

std::string packet(const std::string& body) {  // u16 big-endian prefix
  return std::string{static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xff)} +
         body;
}

std::string read_exactly(tcp::socket& s, std::size_t n) {
  std::string out(n, '\0');
  asio::read(s, asio::buffer(out));
  return out;
}

TEST(tcp_connection, echoes_packets_cut_anywhere_and_packed_together) {
  test_server server(tcp_options());
  asio::io_context ioc;
  tcp::socket s(ioc);
  connect_with_timeout(s, server.port());
  // Three packets: the first split inside its prefix, the other two in one write.
  const std::string a = packet("hello"), b = packet(""), c = packet(std::string(1000, 'x'));
  asio::write(s, asio::buffer(a.substr(0, 1)));
  std::this_thread::sleep_for(20ms);
  asio::write(s, asio::buffer(a.substr(1) + b + c));
  EXPECT_EQ(read_exactly(s, a.size() + b.size() + c.size()), a + b + c);
}

TEST(tcp_connection, little_endian_four_byte_prefix_for_protobuf_mode) {
  test_server server(tcp_options(4, false));
  asio::io_context ioc;
  tcp::socket s(ioc);
  connect_with_timeout(s, server.port());
  const std::string p = std::string("\x03\0\0\0", 4) + "abc";
  asio::write(s, asio::buffer(p));
  EXPECT_EQ(read_exactly(s, p.size()), p);
}

TEST(tcp_connection, a_packet_over_the_limit_closes_the_connection) {
  test_server server(tcp_options());
  asio::io_context ioc;
  tcp::socket s(ioc);
  connect_with_timeout(s, server.port());
  const std::string big = packet(std::string(1001, 'y'));  // 2 + 1001 > 1002
  asio::write(s, asio::buffer(big.substr(0, 2)));          // the prefix alone decides
  auto info = server.closes.wait();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->code, 1009);
  EXPECT_FALSE(info->by_peer);
  char byte;
  boost::system::error_code ec;
  s.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST(tcp_connection, a_client_leaving_is_a_1006_close_by_the_peer) {
  test_server server(tcp_options());
  {
    asio::io_context ioc;
    tcp::socket s(ioc);
    connect_with_timeout(s, server.port());
    asio::write(s, asio::buffer(packet("x")));
    read_exactly(s, 3);
  }
  auto info = server.closes.wait();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->code, 1006);
  EXPECT_TRUE(info->by_peer);
  for (int i = 0; i < 200 && server.stats().open.load() != 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server.stats().open.load(), 0);
}

TEST(tcp_connection, connections_per_address_are_capped) {
  auto o = tcp_options();
  o.listen.max_per_address = 1;
  test_server server(o);
  asio::io_context ioc;
  tcp::socket first(ioc), second(ioc);
  connect_with_timeout(first, server.port());
  asio::write(first, asio::buffer(packet("a")));
  EXPECT_EQ(read_exactly(first, 3), packet("a"));
  connect_with_timeout(second, server.port());
  char byte;
  boost::system::error_code ec;
  second.read_some(asio::buffer(&byte, 1), ec);  // closed at once
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  EXPECT_EQ(server.stats().refused_full.load(), 1u);
}

}  // namespace
}  // namespace stratus::net
