#pragma once
// Test helpers for net_test: a listener on loopback with worker threads, an echo
// handler that records closes, and a blocking Beast client with a read timeout.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/ws_listener.hpp"

namespace stratus::net::test {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

/// Collects close_info values reported by handlers, waitable from the test thread.
class close_recorder {
 public:
  void record(const close_info& info) {
    std::lock_guard lock(mutex_);
    closes_.push_back(info);
    changed_.notify_all();
  }
  /// Waits until `count` closes were recorded; returns the latest, or nullopt on timeout.
  std::optional<close_info> wait(std::size_t count = 1,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return closes_.size() >= count; }))
      return std::nullopt;
    return closes_.back();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<close_info> closes_;
};

/// Echoes every message back and records the close.
struct echo_handler : connection_handler {
  explicit echo_handler(close_recorder& r) : recorder(r) {}
  void on_message(connection& conn, std::span<const std::uint8_t> payload) override {
    conn.send(payload);
  }
  void on_close(connection&, const close_info& info) override { recorder.record(info); }
  close_recorder& recorder;
};

/// A listener on 127.0.0.1:0 with its own accept thread and `workers` worker threads.
class test_server {
 public:
  explicit test_server(ws_options options, std::size_t workers = 2, open_callback on_open = {}) {
    options.listen.host = "127.0.0.1";
    options.listen.port = 0;
    std::vector<asio::io_context*> pointers;
    for (std::size_t i = 0; i < workers; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      pointers.push_back(contexts_.back().get());
    }
    if (!on_open) {
      on_open = [this](const connection_ptr& conn) {
        conn->set_handler(std::make_shared<echo_handler>(closes));
      };
    }
    listener_ = std::make_unique<ws_listener>(accept_, pointers, options, std::move(on_open));
    listener_->start();
    threads_.emplace_back([this] { accept_.run(); });
    for (auto& c : contexts_) {
      guards_.emplace_back(asio::make_work_guard(*c));
      threads_.emplace_back([ctx = c.get()] { ctx->run(); });
    }
  }
  ~test_server() {
    accept_.stop();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_) t.join();
    listener_.reset();
  }
  std::uint16_t port() const { return listener_->port(); }
  const net_stats& stats() const { return listener_->stats(); }

  close_recorder closes;

 private:
  // Workers are declared first so they outlive the accept context: a pending accept
  // holds a socket bound to a worker.
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  asio::io_context accept_{1};
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::unique_ptr<ws_listener> listener_;
};

/// Connects a raw TCP socket with a 5 s receive timeout (so a broken test fails, not hangs).
inline void connect_with_timeout(tcp::socket& socket, std::uint16_t port, int seconds = 5) {
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/// A blocking WebSocket client.
struct ws_client {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  websocket::response_type response;

  /// Connects and upgrades; returns the error (upgrade_declined: see response.result()).
  boost::system::error_code open(std::uint16_t port, const std::string& target = "/",
                                 const std::string& origin = "") {
    connect_with_timeout(ws.next_layer(), port);
    if (!origin.empty()) {
      ws.set_option(websocket::stream_base::decorator(
          [origin](websocket::request_type& req) { req.set("Origin", origin); }));
    }
    boost::system::error_code ec;
    ws.handshake(response, "127.0.0.1", target, ec);
    ws.binary(true);
    return ec;
  }
  void send(const std::string& payload) { ws.write(asio::buffer(payload)); }
  /// Reads one message; nullopt when the connection ended (see ws.reason()).
  std::optional<std::string> receive(boost::system::error_code* error = nullptr) {
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    ws.read(buffer, ec);
    if (error) *error = ec;
    if (ec) return std::nullopt;
    return boost::beast::buffers_to_string(buffer.data());
  }
};

}  // namespace stratus::net::test
