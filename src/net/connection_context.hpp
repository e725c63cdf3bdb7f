#pragma once
// What every connection of one listener shares: settings, counters, the open callback.

#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "net/connection.hpp"
#include "net/net_stats.hpp"
#include "net/tls_context.hpp"
#include "net/ws_options.hpp"

namespace stratus::net {

class static_files;

/// Called once per connection once it is open (after the upgrade, on WebSocket), on that
/// connection's io_context thread (so concurrently from several workers): attach a handler here.
using open_callback = std::function<void(const connection_ptr&)>;

/// Receives one line about a connection that was refused before it opened (a failed TLS
/// handshake); called on that connection's thread, so concurrently from several workers.
using refusal_log = std::function<void(const std::string&)>;

/// State shared by a listener and its connections (they outlive the listener safely).
struct connection_context {
  /// Listener and per-connection settings.
  ws_options options;
  /// Counters of this listener.
  net_stats stats;
  /// Called for every opened connection.
  open_callback on_open;
  /// Answers plain HTTP requests (WebSocket listener with a www root); null: they get 400.
  std::shared_ptr<const static_files> www;
  /// The TLS context of connections accepted now; empty: plain TCP.
  tls_context_slot tls;
  /// Where refusals worth a log line go; may be empty.
  refusal_log log_refusal;

  /// Why claim() refused a connection.
  enum class refusal { none, full, address_full };

  /// Counts one more open connection from `peer` against max_connections and
  /// max_per_address; nothing stays counted when it refuses. Thread-safe. Pair a `none` with
  /// release().
  refusal claim(const boost::asio::ip::address& peer) {
    auto before = stats.open.fetch_add(1, std::memory_order_relaxed);
    if (before >= static_cast<std::int64_t>(options.listen.max_connections)) {
      stats.open.fetch_sub(1, std::memory_order_relaxed);
      return refusal::full;
    }
    if (!claim_address(peer)) {
      stats.open.fetch_sub(1, std::memory_order_relaxed);
      return refusal::address_full;
    }
    return refusal::none;
  }
  /// claim() for a connection that cannot be told why it is refused (a TCP client, or any
  /// client before its TLS handshake): a refusal is counted as `full`, and the caller closes
  /// the socket. True when the connection holds its place now.
  bool claim_or_count_refusal(const boost::asio::ip::address& peer) {
    if (claim(peer) == refusal::none) return true;
    stats.refused.fetch_add(1, std::memory_order_relaxed);
    stats.refused_full.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  /// Counts (and logs) a connection whose TLS handshake failed: a plain HTTP client on a TLS
  /// port, an old TLS version, garbage. Thread-safe.
  void refuse_tls(const boost::asio::ip::tcp::endpoint& peer, boost::system::error_code ec) {
    stats.refused.fetch_add(1, std::memory_order_relaxed);
    stats.refused_tls.fetch_add(1, std::memory_order_relaxed);
    if (log_refusal) {
      log_refusal("TLS handshake from " + peer.address().to_string() + ":" +
                  std::to_string(peer.port()) + " failed (" + ec.message() + "); closed");
    }
  }
  /// Gives back what a successful claim() counted. Thread-safe.
  void release(const boost::asio::ip::address& peer) {
    stats.open.fetch_sub(1, std::memory_order_relaxed);
    release_address(peer);
  }

 private:
  bool claim_address(const boost::asio::ip::address& a) {
    std::lock_guard lock(addresses_mu_);
    std::size_t& n = per_address_[a];
    if (n >= options.listen.max_per_address) {
      if (n == 0) per_address_.erase(a);
      return false;
    }
    ++n;
    return true;
  }
  void release_address(const boost::asio::ip::address& a) {
    std::lock_guard lock(addresses_mu_);
    auto it = per_address_.find(a);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }

  std::mutex addresses_mu_;
  std::unordered_map<boost::asio::ip::address, std::size_t> per_address_;
};

}  // namespace stratus::net
