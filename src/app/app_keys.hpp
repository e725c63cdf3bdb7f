#pragma once
// The config keys the demo game (accounts, login) reads, declared next to the code that reads them.

#include "runtime/config_layers.hpp"

namespace stratus::app {

/// This layer's keys, for runtime::declare_config_layers (called from main).
runtime::config_layer config_keys();

}  // namespace stratus::app
