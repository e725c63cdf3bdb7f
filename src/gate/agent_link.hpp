#pragma once
#include <memory>
#include <span>
#include <utility>

#include "net/connection.hpp"

namespace stratus::gate {

/// What an agent service does with its connection's events. Both run on the agent's thread.
struct connection_events {
  virtual ~connection_events() = default;
  virtual void on_packet(std::span<const std::uint8_t> packet) = 0;
  virtual void on_closed(const net::close_info& info) = 0;
};

/// The net layer's handler for one connection: forwards events to its agent while the agent
/// lives (an agent that exited first detaches itself).
class agent_link final : public net::connection_handler {
 public:
  explicit agent_link(connection_events* agent) : agent_(agent) {}
  void detach() noexcept { agent_ = nullptr; }
  void on_message(net::connection&, std::span<const std::uint8_t> payload) override {
    if (agent_) agent_->on_packet(payload);
  }
  void on_close(net::connection&, const net::close_info& info) override {
    if (auto* a = std::exchange(agent_, nullptr)) a->on_closed(info);
  }

 private:
  connection_events* agent_;
};

}  // namespace stratus::gate
