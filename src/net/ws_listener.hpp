#pragma once
// Accepts TCP connections and spreads them round-robin over worker io_contexts, where each
// becomes a ws_connection that performs the upgrade, or (transport::tcp) a tcp_connection.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "net/connection_context.hpp"
#include "net/ws_connection.hpp"

namespace stratus::net {

/// A listener of either transport. Owned and driven by the layer above (the gate's listener
/// service).
class ws_listener {
 public:
  /// Accepts on accept_context; each connection lives on one of workers (round-robin).
  /// on_open runs on the connection's worker thread once its upgrade is done.
  /// The workers must outlive accept_context (a pending accept holds a worker's socket).
  ws_listener(boost::asio::io_context& accept_context,
              std::vector<boost::asio::io_context*> workers, ws_options options,
              open_callback on_open);
  ~ws_listener();
  ws_listener(const ws_listener&) = delete;
  ws_listener& operator=(const ws_listener&) = delete;

  /// Binds, listens and starts accepting. Throws std::system_error naming host:port
  /// when the address cannot be used, std::runtime_error when the www root is not a folder
  /// or the TLS certificate and key cannot be loaded (start-up failures).
  void start();
  /// Reads the TLS certificate and key files again: connections accepted from now on use the
  /// new pair, open ones keep theirs. On failure (the result's error says why) the previous
  /// pair stays in use. Thread-safe; a no-op success on a plain listener.
  tls_load_result reload_tls();
  /// Where to log refusals worth a line (failed TLS handshakes); call before start().
  void set_refusal_log(refusal_log log) { context_->log_refusal = std::move(log); }
  /// Stops accepting; open connections are left to the layer above. Call it (and the
  /// destructor) on the accept context's thread or while that context is not running.
  void stop();
  /// The bound TCP port (useful with port 0).
  std::uint16_t port() const noexcept { return port_; }
  /// Counters of this listener and its connections.
  const net_stats& stats() const noexcept { return context_->stats; }
  /// Settings in use.
  const ws_options& options() const noexcept { return context_->options; }

 private:
  void accept();
  void on_accept(boost::system::error_code ec, ws_connection::socket_type socket);

  boost::asio::io_context& accept_context_;
  std::vector<boost::asio::io_context*> workers_;
  std::shared_ptr<connection_context> context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::size_t next_worker_ = 0;
  // Handlers hold a weak reference: one that runs after the listener is gone does nothing.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::uint16_t port_ = 0;
};

}  // namespace stratus::net
