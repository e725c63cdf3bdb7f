#pragma once
// Settings of a WebSocket listener and of the connections it opens.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "net/tls_context.hpp"

namespace stratus::net {

/// What a listener's connections speak.
enum class transport {
  websocket,  ///< RFC 6455; one packet per binary message
  tcp,        ///< plain TCP; packets delimited by their own length prefix (skynet's gate)
};

/// How a TCP stream is cut into packets: a length prefix that counts the bytes after it.
struct tcp_framing {
  std::uint8_t prefix_bytes = 2;  ///< 2 (sproto, big-endian) or 4 (protobuf, little-endian)
  bool big_endian = true;         ///< byte order of the prefix
};

/// A response body the server makes up itself (not read from the disk), served at a fixed path.
struct generated_file {
  /// Content-Type header value.
  std::string content_type;
  /// The whole body.
  std::string body;
};

/// Static files answered to plain HTTP GET/HEAD requests on a WebSocket listener (the browser
/// demo); upgrades are never affected.
struct www_options {
  /// Folder served at "/"; empty: off (plain requests get 400, as without this feature).
  std::string root;
  /// Bodies served at exact paths ("/server-info.json") before the folder is looked at.
  std::map<std::string, generated_file> generated;
  /// Larger files are refused (403), so one request cannot pin much memory or time.
  std::uint64_t max_file_size = 8 * 1024 * 1024;
  /// Requests answered on one keep-alive connection; the last answer closes it.
  unsigned max_requests_per_connection = 100;
  /// Time allowed to send one response; a client reading slower is dropped.
  std::chrono::milliseconds send_timeout{30000};
};

/// Where to listen and which upgrades to accept.
struct listen_options {
  /// WebSocket (upgrade, path, Origin checks) or plain TCP (none of those).
  net::transport transport = net::transport::websocket;
  /// Packet framing on plain TCP.
  tcp_framing framing;
  /// Address to bind ("0.0.0.0", "127.0.0.1", "::").
  std::string host = "0.0.0.0";
  /// TCP port; 0 picks a free one (see ws_listener::port()).
  std::uint16_t port = 8081;
  /// Request target a client must upgrade on; other paths get 404.
  std::string path = "/";
  /// Open WebSocket connections allowed at once; further upgrades get 503.
  std::size_t max_connections = 10000;
  /// Open connections from one IP address; further upgrades from it get 503.
  std::size_t max_per_address = 256;
  /// Time allowed from TCP accept to a completed upgrade; silent clients are dropped.
  std::chrono::milliseconds handshake_timeout{5000};
  /// Allowed Origin header values; empty accepts any (and requests without Origin).
  std::vector<std::string> allowed_origins;
  /// Largest HTTP upgrade request header accepted (bytes); larger gets 400.
  std::uint32_t max_request_header = 8192;
  /// listen() backlog.
  int backlog = 4096;
  /// Static files for plain HTTP requests (WebSocket transport only).
  www_options www;
  /// Certificate and key: the listener speaks TLS (wss://, or TLS around the TCP framing);
  /// the handshake counts against handshake_timeout. Empty: plain.
  tls_files tls;
};

/// Limits applied to every open connection.
struct connection_options {
  /// Largest message a client may send; larger closes the connection with 1009.
  std::size_t max_message_size = 64 * 1024;
  /// Bytes that may wait to be written; a send past this closes the connection (1008).
  std::size_t max_send_queue = 1024 * 1024;
  /// No frame received for this long: the server pings.
  std::chrono::milliseconds idle_timeout{60000};
  /// After that ping, this long without any frame closes the connection with 1001.
  std::chrono::milliseconds ping_grace{10000};
  /// After a close frame is sent, the socket is closed at the latest after this long.
  std::chrono::milliseconds close_timeout{2000};
};

/// Everything a listener needs to know.
struct ws_options {
  /// Listener settings.
  listen_options listen;
  /// Per-connection limits.
  connection_options connection;
};

}  // namespace stratus::net
