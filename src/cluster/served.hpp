#pragma once
// Calls from other nodes that a service of this node is answering (internal to src/cluster):
// which node and session to answer, by the session the call was posted to the local service
// with. The link posts another node's call straight from its NATS thread to the service, with
// the link's reply port as the source; the reply finds its caller here.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace stratus::cluster {

namespace detail {
struct exposed_type;
}

/// The calls this node is serving for others. Thread-safe.
class served_calls {
 public:
  using clock = std::chrono::steady_clock;
  struct call {
    std::string from_node;
    std::uint64_t session = 0;  ///< the caller's session on its node
    const detail::exposed_type* type = nullptr;
    clock::time_point deadline;
  };

  /// Records a call; the local session to post it with (never 0).
  std::int32_t add(call c) {
    std::lock_guard lock(mu_);
    std::int32_t s;
    do {
      if (++next_ <= 0) next_ = 1;
      s = next_;
    } while (calls_.count(s));  // after a wrap, a call still waiting keeps its session
    calls_.emplace(s, std::move(c));
    return s;
  }

  /// The call answered by a reply to `session`, removed; nothing when it expired already.
  std::optional<call> take(std::int32_t session) {
    std::lock_guard lock(mu_);
    auto it = calls_.find(session);
    if (it == calls_.end()) return std::nullopt;
    call c = std::move(it->second);
    calls_.erase(it);
    return c;
  }

  /// Removes the calls past their deadline; a reply that comes later is dropped.
  std::vector<call> expire(clock::time_point now) {
    std::vector<call> out;
    std::lock_guard lock(mu_);
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (now >= it->second.deadline) {
        out.push_back(std::move(it->second));
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }

 private:
  mutable std::mutex mu_;
  std::int32_t next_ = 0;
  std::unordered_map<std::int32_t, call> calls_;
};

}  // namespace stratus::cluster
