#pragma once
// One agent per connection (the seed's ws_agent), whatever the transport (net::connection)
// and whatever the protocol (a protocol_driver): the packet intake (budget, bounded queue),
// one handler at a time in arrival order, malformed-packet counting, kicks and deliveries
// from `.ws_proxyd`. The protocol itself, framing, headers, handlers and replies, is the
// driver's.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codec/error_code.hpp"
#include "gate/agent_link.hpp"
#include "gate/messages.hpp"
#include "gate/packet_intake.hpp"
#include "gate/session_hub.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

class agent;

/// How one protocol serves one connection. Made per connection; it keeps that connection's
/// protocol state (its session: the user, a sproto host).
class protocol_driver {
 public:
  virtual ~protocol_driver() = default;
  /// Limits of the connection (from the app, shared by every connection).
  virtual const intake_limits& limits() const noexcept = 0;
  /// Malformed packets in a row before a 1008 close.
  virtual int max_bad_packets() const noexcept = 0;
  /// Runs once when the agent starts (a heartbeat loop may be forked here).
  virtual void start() {}
  /// What one packet asks for: the handler run to start, or nullopt when the packet was
  /// answered (an error reply written to `out`, or a handler's reply already sent) or dropped.
  /// Sets `malformed` for a packet that cannot be decoded.
  virtual std::optional<runtime::task<void>> decode(std::string_view packet, std::string& out,
                                                    bool& malformed) = 0;
  /// Writes into `out` an error reply with `code` for what can be read of `packet` (nothing
  /// when no session can be read from it).
  virtual void refuse(std::string_view packet, codec::error_code code, std::string_view why,
                      std::string& out) = 0;
  /// The node's sessions (users online, rooms, resume).
  virtual session_hub& hub() const noexcept = 0;
  /// The session ended or moved to another connection: forget its user here.
  virtual void session_gone() {}
};

/// Makes the driver of one agent.
using driver_factory = std::function<std::unique_ptr<protocol_driver>(agent&)>;

/// The agent of one connection. Packets are handled one at a time, in order; a handler waiting
/// on a call holds back only this connection.
class agent final : public runtime::service, public connection_events {
 public:
  /// The agent of `conn`, speaking the protocol `make` builds.
  agent(net::connection_ptr conn, const driver_factory& make);
  ~agent() override;
  /// Message handlers: write_packet, kick and drain from `.ws_proxyd`.
  static void describe(runtime::handlers<agent>& h);

  void on_start() override;
  void on_stop() override;
  void on_packet(std::span<const std::uint8_t> packet) override;
  void on_closed(const net::close_info& info) override;

  /// Writes an already framed packet to the connection.
  void on_deliver(write_packet m);
  /// Closes the connection.
  void on_kick(kick m);
  /// The node is going away: packets that arrive from now on are not served; the handler in
  /// progress and the packets already queued finish and their replies go out, then the
  /// connection closes with 1001.
  void on_drain(drain m);
  /// Tells the agent how a handler answered (an error code, or none). A client that goes on
  /// after refused_in_a_row RATE_LIMITED answers in a row (a login retried against a lock-out)
  /// is closed with 1008, as wire.md says.
  void note_answer(std::optional<codec::error_code> code);
  /// Makes this connection the user's session: a new one at login (the user's previous
  /// connection, if any, gets Kicked and 4001), or one resumed.
  void set_session(session_ptr s);
  /// The logged-in session, or null.
  const session_ptr& session() const noexcept { return session_; }
  /// The node's sessions.
  session_hub& hub() const noexcept { return driver_->hub(); }

  /// The connection.
  net::connection& connection() noexcept { return *conn_; }
  const net::connection_ptr& connection_ptr() const noexcept { return conn_; }
  /// Sends a framed packet (a reply or a push); false when the connection is gone or its send
  /// queue is full. A large buffer is released afterwards, so idle connections stay small.
  bool send_packet(std::string& packet);

 private:
  void handle(std::string_view packet);
  void pump();
  /// Goes on with a request that waited (started by handle) to its end, then the next queued
  /// one: the request's root coroutine itself (no fork wrapper around it).
  runtime::detail::root_task serve(runtime::task<void> work);
  void close_if_drained();

  net::connection_ptr conn_;
  std::shared_ptr<agent_link> link_;
  std::unique_ptr<protocol_driver> driver_;
  session_ptr session_;
  packet_intake intake_;  // budget, and packets that arrived while a handler was suspended
  std::string scratch_;   // error replies written outside handlers
  int bad_in_a_row_ = 0;
  int limited_in_a_row_ = 0;
  bool busy_ = false;
  bool pumping_ = false;
  std::string next_packet_;  // the queued packet being handled (pump)
  bool draining_ = false;
};

/// Starts the agent of `conn` on `worker` (the connection's own thread).
void start_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                 const driver_factory& make);

}  // namespace stratus::gate
