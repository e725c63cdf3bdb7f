#include "loadgen/link.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/write.hpp>

#include "codec/encode.hpp"
#include "codec/framing.hpp"
#include "game.pb.h"
#include "loadgen/driver.hpp"

namespace stratus::loadgen {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

TEST(link, tcp_prefix_of_each_mode_matches_the_server) {
  // src/gate/gate_options.cpp: sproto {2, big-endian}, protobuf {4, little-endian}.
  EXPECT_EQ(tcp_framing_for("sproto").prefix_bytes, 2);
  EXPECT_TRUE(tcp_framing_for("sproto").big_endian);
  EXPECT_EQ(tcp_framing_for("protobuf").prefix_bytes, 4);
  EXPECT_FALSE(tcp_framing_for("protobuf").big_endian);
}

TEST(link, a_tcp_packet_goes_out_as_it_is_and_a_websocket_one_in_a_masked_frame) {
  const std::string packet(
      "\x03\x00\x00\x00"
      "abc",
      7);
  std::vector<std::uint8_t> out;
  append_packet(out, nullptr, packet);
  append_packet(out, nullptr, packet);
  EXPECT_EQ(std::string(out.begin(), out.end()), packet + packet);  // as they are, back to back

  frame_writer ws(1);
  out.clear();
  append_packet(out, &ws, packet);
  ASSERT_EQ(out.size(), 2 + 4 + packet.size());
  EXPECT_EQ(out[0], 0x82);                  // FIN, binary
  EXPECT_EQ(out[1], 0x80 | packet.size());  // masked, length
}

// A protobuf-mode server on plain TCP that answers LoginReq and EchoReq, one thread per
// connection; counts anything that is not a well-formed packet it expects.
class fake_tcp_server {
 public:
  explicit fake_tcp_server(int connections) {
    thread_ = std::thread([this, connections] {
      std::vector<std::thread> sessions;
      for (int i = 0; i < connections; ++i) {
        tcp::socket s(io_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec) break;
        sessions.emplace_back([this, s = std::move(s)]() mutable { serve(s); });
      }
      for (auto& t : sessions) t.join();
    });
  }
  ~fake_tcp_server() { thread_.join(); }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::atomic<int> problems{0};
  std::atomic<int> echoes{0};

 private:
  void serve(tcp::socket& s) {
    frame_reader reader(net::tcp_framing{4, false});
    std::string out;
    for (;;) {
      auto space = reader.space();
      boost::system::error_code ec;
      const std::size_t n = s.read_some(asio::buffer(space.data(), space.size()), ec);
      if (ec) return;  // the client ended its side
      reader.commit(n);
      std::string_view packet;
      std::string replies;
      for (auto e = reader.next(packet); e != frame_reader::event::none; e = reader.next(packet)) {
        if (e != frame_reader::event::message) {
          ++problems;
          return;
        }
        auto body = codec::unframe(packet);
        game::EchoReq req;  // header is field 1 in every message; parse as EchoReq first
        if (!body || !req.ParseFromArray(body->data(), static_cast<int>(body->size()))) {
          ++problems;
          return;
        }
        const auto session = req.header().session_id();
        if (req.header().msg_type() == "game.LoginReq") {
          game::LoginResp resp;
          resp.set_token("tok");
          codec::encode(resp, session, out);
        } else if (req.header().msg_type() == "game.EchoReq" && req.header().token() == "tok") {
          game::EchoResp resp;
          resp.set_data(req.data());
          codec::encode(resp, session, out);
          ++echoes;
        } else {
          ++problems;
          return;
        }
        replies += out;
      }
      asio::write(s, asio::buffer(replies), ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread_;
};

TEST(link, the_closed_loop_runs_over_plain_tcp) {
  fake_tcp_server server(2);
  const std::string url = "tcp://127.0.0.1:" + std::to_string(server.port());
  std::vector<const char*> args{
      "stratus-bench", "--url", url.c_str(), "--connections", "2",      "--inflight", "4",
      "--duration",    "0.3",   "--warmup",  "0.1",           "--quiet"};
  auto parsed = parse_options(static_cast<int>(args.size()), args.data());
  ASSERT_TRUE(std::holds_alternative<options>(parsed)) << std::get<std::string>(parsed);
  const options& o = std::get<options>(parsed);
  asio::io_context io;
  tcp::resolver resolver(io);
  const std::atomic<bool> interrupted{false};
  const summary s = run_benchmark(o, resolver.resolve(o.host, o.port), interrupted);
  EXPECT_EQ(s.connected, 2u);
  EXPECT_GT(s.requests, 0u);
  EXPECT_EQ(s.error_replies + s.mismatched + s.bad_packets + s.disconnects, 0u) << s.first_error;
  EXPECT_EQ(server.problems, 0);
  EXPECT_GE(server.echoes, static_cast<int>(s.requests));
}

}  // namespace
}  // namespace stratus::loadgen
