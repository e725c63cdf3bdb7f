#pragma once
// The handover store on the shared cache (`.cacheproxyd`, Redis in a cluster): a draining
// node leaves each session under "resume:<token>" for the resume grace, and the node a client
// resumes on takes it (wire.md "Drain": clients resume on another node of the cluster).

#include <chrono>

#include "gate/remote_users.hpp"

namespace stratus::app {

class cache_handover final : public gate::handover_store {
 public:
  /// Sessions are kept for `grace` (resume_grace_s).
  explicit cache_handover(std::chrono::milliseconds grace) : grace_(grace) {}
  runtime::task<void> keep(runtime::service& self, std::vector<gate::session_state> states) override;
  runtime::task<std::optional<gate::session_state>> take(runtime::service& self,
                                                         std::string token) override;

 private:
  std::chrono::milliseconds grace_;
};

}  // namespace stratus::app
