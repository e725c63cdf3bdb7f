#pragma once
// Start-up of the two backend services from the config.

#include "runtime/config.hpp"
#include "runtime/node.hpp"

namespace stratus::services {

/// Opens the cache and the database the config names, applies the migrations, and launches
/// `.cacheproxyd` and `.dbproxyd`. Throws std::runtime_error on failure (start-up failure).
void launch_backends(runtime::node& node, const runtime::config& cfg);

}  // namespace stratus::services
