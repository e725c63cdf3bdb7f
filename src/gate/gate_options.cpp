#include "gate/gate_options.hpp"

#include <algorithm>
#include <filesystem>

#include "runtime/config.hpp"
#include "runtime/install_paths.hpp"

namespace stratus::gate {

namespace {

/// Static files for the WebSocket port: the folder found as the other shipped folders are
/// (the default "www" may be absent: then none), and /server-info.json, which tells the demo
/// page which protocol to speak.
net::www_options www_from(const std::string& root, const std::string& protocol,
                          const std::string& ws_path) {
  net::www_options w;
  if (root.empty()) return w;
  std::error_code ec;
  for (const auto& candidate : runtime::install_candidates(root)) {
    if (std::filesystem::is_directory(candidate, ec)) {
      w.root = candidate.string();
      break;
    }
  }
  if (w.root.empty()) {
    if (root == "www") return w;
    w.root = root;  // the listener's start then fails, naming it
  }
  std::string path;
  for (char c : ws_path) {
    if (c == '"' || c == '\\') path.push_back('\\');
    path.push_back(c);
  }
  w.generated["/server-info.json"] = {
      "application/json", R"({"protocol":")" + protocol + R"(","ws_path":")" + path + "\"}\n"};
  return w;
}

}  // namespace

gate_options options_from(const runtime::config& cfg) {
  gate_options o;
  auto& l = o.ws.listen;
  l.host = cfg.get_string("ws_host");
  l.port = static_cast<std::uint16_t>(cfg.get_int("ws_port"));
  l.path = cfg.get_string("ws_path");
  l.max_connections = static_cast<std::size_t>(cfg.get_int("max_connections"));
  l.handshake_timeout = std::chrono::milliseconds(cfg.get_int("handshake_timeout_ms"));
  l.allowed_origins = cfg.get_strings("ws_origins");
  auto& c = o.ws.connection;
  c.max_message_size = static_cast<std::size_t>(cfg.get_int("max_message_size"));
  if (c.max_message_size == 0) {
    c.max_message_size = cfg.get_string("protocol_type") == "sproto" ? sproto_max_packet
                                                                       : protobuf_default_max_packet;
  }
  l.max_per_address = static_cast<std::size_t>(cfg.get_int("max_connections_per_ip"));
  c.max_send_queue = static_cast<std::size_t>(cfg.get_int("max_send_queue"));
  c.idle_timeout = std::chrono::milliseconds(cfg.get_int("idle_timeout_ms"));
  c.ping_grace = std::min(c.ping_grace, c.idle_timeout);
  o.protocol_type = cfg.get_string("protocol_type");
  o.max_bad_packets = static_cast<int>(cfg.get_int("max_bad_packets"));
  o.intake.max_pending = static_cast<std::size_t>(cfg.get_int("max_pending_requests"));
  o.intake.max_pending_bytes = static_cast<std::size_t>(cfg.get_int("max_pending_bytes"));
  auto& b = o.intake.budget;
  b.requests_per_s = static_cast<double>(cfg.get_int("max_requests_per_s"));
  b.request_burst = 2 * b.requests_per_s;
  b.bytes_per_s = static_cast<double>(cfg.get_int("max_bytes_per_s"));
  // A burst always admits a few of the largest packets, whatever the rate.
  b.byte_burst = std::max(2 * b.bytes_per_s, 4.0 * static_cast<double>(c.max_message_size));
  o.heartbeat = std::chrono::milliseconds(cfg.get_int("heartbeat_ms"));
  o.resume_grace = std::chrono::seconds(cfg.get_int("resume_grace_s"));
  o.resume_buffer = static_cast<std::size_t>(cfg.get_int("resume_buffer"));
  o.drain_timeout = std::chrono::milliseconds(cfg.get_int("drain_timeout_ms"));
  l.www = www_from(cfg.get_string("www_root"), o.protocol_type, l.path);
  l.tls = {cfg.get_string("ws_tls_cert"), cfg.get_string("ws_tls_key")};
  // TCP: the WebSocket settings, another address, and the mode's own length prefix.
  o.tcp = o.ws;
  o.tcp.listen.transport = net::transport::tcp;
  o.tcp.listen.host = cfg.get_string("tcp_host").empty() ? l.host : cfg.get_string("tcp_host");
  o.tcp.listen.port = static_cast<std::uint16_t>(cfg.get_int("tcp_port"));
  o.tcp.listen.framing = o.protocol_type == "sproto" ? net::tcp_framing{2, true}
                                                     : net::tcp_framing{4, false};
  if (!cfg.get_bool("tcp_tls")) o.tcp.listen.tls = {};
  return o;
}

}  // namespace stratus::gate
