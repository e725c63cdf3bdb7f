#pragma once
#include <cstdint>
#include <string>

#include "runtime/address.hpp"

namespace stratus::runtime {

/// One service's counters, as reported by node::stats(). handled and cpu_ns are added when a
/// batch of messages ends, so a reply can reach its caller just before its message is counted.
struct service_stats {
  address addr = no_address;
  std::string name;
  std::string type;  ///< the service's C++ type (demangled)
  int worker = 0;
  std::uint64_t handled = 0;  ///< messages handled
  std::uint32_t queued = 0;   ///< messages waiting in the mailbox now
  std::uint64_t cpu_ns = 0;   ///< time spent running its handlers
  std::string note;           ///< the service's own figures (service::publish_stats), or empty
};

}  // namespace stratus::runtime
