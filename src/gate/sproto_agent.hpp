#pragma once
// sproto mode of the gateway (wire.md): packets are u16 big-endian length || pack(header ||
// content); handlers are registered by protocol name and errors travel in the reply's `ud`.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "gate/agent_link.hpp"
#include "gate/packet_intake.hpp"
#include "gate/messages.hpp"
#include "gate/pb_handlers.hpp"
#include "runtime/service.hpp"
#include "sproto/host.hpp"

namespace stratus::gate {

/// Largest body a u16 length prefix can frame.
inline constexpr std::size_t max_sproto_body = 65535;

/// Replaces `out` with `body` behind its u16 big-endian length; false (out untouched) when the
/// body is longer than max_sproto_body: nothing is ever truncated.
bool frame_sproto(std::string_view body, std::string& out);

/// What a sproto handler sees of its client's session: the user, pushes, and the agent service
/// to `co_await self().call(...)` from.
class sproto_session {
 public:
  /// A session writing pushes to `conn`, encoded by `host` with the s2c schema.
  sproto_session(runtime::service& agent, net::connection& conn, sproto::host& host,
                 sproto::schema_ptr s2c)
      : agent_(agent), conn_(conn), host_(host), s2c_(std::move(s2c)) {}

  /// The agent service of this connection (for call/send/sleep).
  runtime::service& self() noexcept { return agent_; }
  /// The signed-in user, or empty.
  const std::string& user() const noexcept { return user_; }
  /// Marks the connection as signed in as `user`.
  void set_user(std::string user) { user_ = std::move(user); }
  /// Sends the s2c request `name` without a session (a push); false when it cannot be encoded
  /// or framed, or the connection is gone.
  bool push(std::string_view name, const sproto::value& args = {});
  /// This connection's id.
  std::uint64_t connection_id() const noexcept { return conn_.id(); }
  /// The client's IP address as text (login throttling, logs).
  std::string peer_address() const { return conn_.remote_endpoint().address().to_string(); }

 private:
  runtime::service& agent_;
  net::connection& conn_;
  sproto::host& host_;
  sproto::schema_ptr s2c_;
  std::string user_;
  std::string scratch_;
};

/// A sproto handler: gets the decoded request (nil for a protocol without a request type) and
/// returns the response object (nil is fine for a protocol without a response) or an error.
using sproto_handler =
    std::function<runtime::task<reply<sproto::value>>(sproto_session&, const sproto::value&)>;

/// What every sproto agent shares, read-only: the schemas (parsed once) and the handlers.
struct sproto_app {
  sproto::schema_ptr c2s;                                    ///< requests the clients send
  sproto::schema_ptr s2c;                                    ///< pushes the server sends
  std::unordered_map<std::string, sproto_handler> handlers;  ///< by protocol name
  int max_bad_packets = 3;                                   ///< malformed in a row -> 1008
  intake_limits intake;  ///< per-connection budget and queue bounds
  std::chrono::milliseconds heartbeat{5000};                 ///< `heartbeat` push interval

  /// Registers `fn` for the c2s protocol `name`; an unknown name is a bug (logic_error).
  sproto_app& add(const std::string& name, sproto_handler fn);
};

/// One connection in sproto mode (the seed's ws_agent with `protocol_type = "sproto"`).
/// Packets are handled one at a time, in order; a suspended handler holds back only this
/// connection. Pushes `heartbeat` every app.heartbeat while the connection is open.
class sproto_agent : public runtime::service, public connection_events {
 public:
  /// The agent of `conn`; `app` must have c2s and s2c schemas with a `package` type.
  sproto_agent(net::connection_ptr conn, std::shared_ptr<const sproto_app> app);
  ~sproto_agent() override;
  /// Message handlers: write_packet and kick from `.ws_proxyd`.
  static void describe(runtime::handlers<sproto_agent>& h);

  void on_start() override;
  void on_stop() override;
  void on_packet(std::span<const std::uint8_t> packet) override;
  void on_closed(const net::close_info& info) override;

  /// Writes an already framed packet to the connection.
  void on_deliver(write_packet m);
  /// Closes the connection.
  void on_kick(kick m);

 private:
  void handle(std::string_view packet);
  void reject(std::string_view body, bool framed_ok);
  void refuse(std::string_view packet, std::string_view code);
  void trim_buffers(std::size_t packet_size);
  void pump();
  runtime::task<void> run(sproto::incoming_request req, const sproto_handler* fn);
  runtime::task<void> heartbeat_loop();
  void send_packed(const std::string& packed);

  net::connection_ptr conn_;
  std::shared_ptr<const sproto_app> app_;
  std::shared_ptr<agent_link> link_;
  sproto::host host_;
  sproto_session session_;
  packet_intake intake_;  // budget, and packets that arrived while a handler was suspended
  std::string out_;
  int bad_in_a_row_ = 0;
  bool busy_ = false;
  bool pumping_ = false;
};

/// The agent factory for gate_service in sproto mode.
void start_sproto_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                        const std::shared_ptr<const sproto_app>& app);

}  // namespace stratus::gate
