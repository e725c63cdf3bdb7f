#pragma once
#include <memory>
#include <string>

#include "gate/agent_link.hpp"
#include "gate/packet_intake.hpp"
#include "gate/messages.hpp"
#include "gate/pb_handlers.hpp"
#include "gate/pb_session.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// One connection in protobuf mode (the seed's ws_agent): decodes packets, checks the token,
/// runs the handler, replies. Packets are handled one at a time, in order; a handler waiting
/// on a call holds back only this connection.
class pb_agent : public runtime::service, public connection_events {
 public:
  pb_agent(net::connection_ptr conn, std::shared_ptr<const pb_app> app);
  ~pb_agent() override;
  static void describe(runtime::handlers<pb_agent>& h);

  void on_start() override;
  void on_stop() override;
  void on_packet(std::span<const std::uint8_t> packet) override;
  void on_closed(const net::close_info& info) override;

  void on_deliver(write_packet m);
  void on_kick(kick m);

 private:
  void handle(std::string_view packet);
  void pump();
  runtime::task<void> run(codec::decoded_request<pb_handlers::entry> req);
  bool authorized(const std::string& token) const;
  void send_out();
  void refuse(std::string_view packet, codec::error_code code, std::string_view why);

  net::connection_ptr conn_;
  std::shared_ptr<const pb_app> app_;
  std::shared_ptr<agent_link> link_;
  pb_session session_;
  packet_intake intake_;  // budget, and packets that arrived while a handler was suspended
  std::string out_;
  int bad_in_a_row_ = 0;
  bool busy_ = false;
  bool pumping_ = false;
};

/// The agent factory for gate_service in protobuf mode.
void start_pb_agent(runtime::node& node, int worker, const net::connection_ptr& conn,
                    const std::shared_ptr<const pb_app>& app);

}  // namespace stratus::gate
