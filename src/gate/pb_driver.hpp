#pragma once
// protobuf mode of the gateway (wire.md): packets are u32 little-endian length || a message
// whose field 1 is common.Header; handlers are typed and registered by message type.
#include <memory>
#include <string>

#include "gate/agent.hpp"
#include "gate/pb_handlers.hpp"
#include "gate/pb_session.hpp"

namespace stratus::gate {

/// The protocol driver of protobuf mode: decodes the header, checks the token, runs the
/// handler, replies.
class pb_driver final : public protocol_driver {
 public:
  pb_driver(agent& a, std::shared_ptr<const pb_app> app);

  const intake_limits& limits() const noexcept override { return app_->intake; }
  int max_bad_packets() const noexcept override { return app_->max_bad_packets; }
  std::optional<runtime::task<void>> decode(std::string_view packet, std::string& out,
                                            bool& malformed) override;
  void refuse(std::string_view packet, codec::error_code code, std::string_view why,
              std::string& out) override;
  session_hub& hub() const noexcept override { return *app_->hub; }

 private:
  runtime::task<void> run(codec::decoded_request<pb_handlers::entry> req);

  agent& agent_;
  std::shared_ptr<const pb_app> app_;
  pb_session session_;
  std::string out_;  // the reply of the running handler
};

/// The driver factory of protobuf mode, for start_agent().
driver_factory pb_drivers(std::shared_ptr<const pb_app> app);

}  // namespace stratus::gate
