#include "net/ws_listener.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "net/test_support.hpp"

namespace stratus::net {
namespace {

using namespace test;
using namespace std::chrono_literals;

TEST(ws_listener, refuses_upgrades_over_max_connections_with_503) {
  ws_options options;
  options.listen.max_connections = 2;
  test_server server(options);
  ws_client a, b, c;
  ASSERT_FALSE(a.open(server.port()));
  ASSERT_FALSE(b.open(server.port()));
  EXPECT_EQ(c.open(server.port()), websocket::error::upgrade_declined);
  EXPECT_EQ(c.response.result(), boost::beast::http::status::service_unavailable);
  EXPECT_EQ(server.stats().refused_full.load(), 1u);

  // A slot frees when a connection closes.
  a.ws.close(websocket::close_code::normal);
  ASSERT_TRUE(server.closes.wait());
  ws_client d;
  EXPECT_FALSE(d.open(server.port()));
  EXPECT_EQ(server.stats().open.load(), 2);
}

TEST(ws_listener, origin_allow_list_refuses_others_with_403) {
  ws_options options;
  options.listen.allowed_origins = {"https://game.example"};
  test_server server(options);
  ws_client good, bad, none;
  EXPECT_FALSE(good.open(server.port(), "/", "https://game.example"));
  EXPECT_EQ(bad.open(server.port(), "/", "https://evil.example"),
            websocket::error::upgrade_declined);
  EXPECT_EQ(bad.response.result(), boost::beast::http::status::forbidden);
  EXPECT_EQ(none.open(server.port()), websocket::error::upgrade_declined);
  EXPECT_EQ(none.response.result(), boost::beast::http::status::forbidden);
}

TEST(ws_listener, other_paths_get_404_and_query_strings_are_ignored) {
  ws_options options;
  options.listen.path = "/ws";
  test_server server(options);
  ws_client wrong, right;
  EXPECT_EQ(wrong.open(server.port(), "/"), websocket::error::upgrade_declined);
  EXPECT_EQ(wrong.response.result(), boost::beast::http::status::not_found);
  EXPECT_FALSE(right.open(server.port(), "/ws?token=abc"));
}

// Reads whatever the server sends until it closes; returns it (timeout = failure).
std::string read_until_closed(tcp::socket& socket) {
  std::string all;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(all), ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  return all;
}

TEST(ws_listener, plain_http_request_gets_400) {
  test_server server({});
  asio::io_context ioc;
  tcp::socket socket(ioc);
  connect_with_timeout(socket, server.port());
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  auto reply = read_until_closed(socket);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
}

// Sends raw bytes on a new connection and reads until the server closes.
std::string exchange(std::uint16_t port, const std::string& request) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  connect_with_timeout(socket, port);
  asio::write(socket, asio::buffer(request));
  return read_until_closed(socket);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// A www root with one page, removed afterwards.
struct www_folder {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("stratus-listener-www-" + std::to_string(::getpid()));
  www_folder() {
    std::filesystem::create_directories(path);
    std::ofstream(path / "index.html") << "<p>page</p>";
  }
  ~www_folder() { std::filesystem::remove_all(path); }
};

TEST(ws_listener, plain_requests_get_static_files_with_bounded_keep_alive) {
  www_folder www;
  ws_options options;
  options.listen.www.root = www.path.string();
  options.listen.www.max_requests_per_connection = 3;
  test_server server(options);
  // Pipelined: the third answer is the last on this connection and says so.
  std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  auto replies = exchange(server.port(), get + get + get + get);
  EXPECT_EQ(replies.rfind("HTTP/1.1 200", 0), 0u) << replies;
  EXPECT_EQ(count_of(replies, "<p>page</p>"), 3u) << replies;
  EXPECT_EQ(count_of(replies, "Connection: close"), 1u) << replies;
  // Connection: close is honoured; other methods get 405.
  auto closed =
      exchange(server.port(), "HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(closed.rfind("HTTP/1.1 200", 0), 0u) << closed;
  EXPECT_EQ(closed.find("<p>page</p>"), std::string::npos) << closed;
  auto post = exchange(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
  EXPECT_EQ(exchange(server.port(), "GET /../x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 400", 0),
            0u);
  EXPECT_EQ(server.stats().refused.load(), 0u);
  EXPECT_EQ(server.stats().open.load(), 0);
}

TEST(ws_listener, upgrades_work_as_before_next_to_static_files) {
  www_folder www;
  ws_options options;
  options.listen.www.root = www.path.string();
  options.listen.path = "/ws";
  test_server server(options);
  ws_client right, wrong;
  ASSERT_FALSE(right.open(server.port(), "/ws"));
  right.send("x");
  EXPECT_EQ(right.receive(), "x");
  // An upgrade request is never answered with a file, even where one exists.
  EXPECT_EQ(wrong.open(server.port(), "/"), websocket::error::upgrade_declined);
  EXPECT_EQ(wrong.response.result(), boost::beast::http::status::not_found);
  // A static file first, then an upgrade on the same connection.
  asio::io_context ioc;
  tcp::socket socket(ioc);
  connect_with_timeout(socket, server.port());
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> page;
  boost::beast::http::read(socket, buffer, page);
  EXPECT_EQ(page.body(), "<p>page</p>");
  websocket::stream<tcp::socket&> ws(socket);
  ws.handshake("x", "/ws");
  ws.binary(true);
  ws.write(asio::buffer(std::string("y")));
  boost::beast::flat_buffer in;
  ws.read(in);
  EXPECT_EQ(boost::beast::buffers_to_string(in.data()), "y");
}

TEST(ws_listener, a_missing_www_root_fails_start) {
  asio::io_context ioc;
  ws_options options;
  options.listen.host = "127.0.0.1";
  options.listen.port = 0;
  options.listen.www.root = "/nonexistent/www";
  ws_listener listener(ioc, {&ioc}, options, {});
  EXPECT_THROW(listener.start(), std::runtime_error);
}

TEST(ws_listener, silent_client_is_dropped_after_handshake_timeout) {
  ws_options options;
  options.listen.handshake_timeout = 200ms;
  test_server server(options);
  asio::io_context ioc;
  tcp::socket socket(ioc);
  connect_with_timeout(socket, server.port());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(read_until_closed(socket), "");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
  EXPECT_EQ(server.stats().refused.load(), 1u);
}

TEST(ws_listener, spreads_connections_over_workers_with_unique_ids) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::set<std::uint64_t> ids;
  std::set<std::uint16_t> peer_ports;
  close_recorder closes;
  test_server server({}, 2, [&](const connection_ptr& conn) {
    std::lock_guard lock(mutex);
    threads.insert(std::this_thread::get_id());
    ids.insert(conn->id());
    peer_ports.insert(conn->remote_endpoint().port());
    conn->set_handler(std::make_shared<echo_handler>(closes));
  });
  std::vector<std::unique_ptr<ws_client>> clients;
  std::set<std::uint16_t> local_ports;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<ws_client>());
    ASSERT_FALSE(clients.back()->open(server.port()));
    local_ports.insert(clients.back()->ws.next_layer().local_endpoint().port());
    clients.back()->send("x");
    EXPECT_EQ(clients.back()->receive(), "x");
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(peer_ports, local_ports);
  EXPECT_EQ(server.stats().accepted.load(), 4u);
}

TEST(ws_listener, start_reports_a_busy_port) {
  test_server first({});
  asio::io_context ioc;
  ws_options options;
  options.listen.host = "127.0.0.1";
  options.listen.port = first.port();
  ws_listener second(ioc, {&ioc}, options, {});
  try {
    second.start();
    FAIL() << "binding a busy port should fail";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos);
  }
}

}  // namespace
}  // namespace stratus::net
