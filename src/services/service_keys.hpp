#pragma once
// The config keys the cache and database services reads, declared next to the code that reads them.

#include "runtime/config_layers.hpp"

namespace stratus::services {

/// This layer's keys, for runtime::declare_config_layers (called from main).
runtime::config_layer config_keys();

}  // namespace stratus::services
