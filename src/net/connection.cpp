#include "net/connection.hpp"

#include <atomic>

namespace stratus::net {

std::uint64_t new_connection_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace stratus::net
