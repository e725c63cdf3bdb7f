#pragma once
// Config keys declared by the layer that reads them. main() hands the runtime the explicit
// list of layers (declare_config_layers) before it loads the file; the runtime then checks
// types, choices, limits and each layer's own cross-key rules, and offers typed access.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config.hpp"

namespace stratus::runtime {

/// A layer's rule over several keys: the reason the config is wrong, or empty when it is fine.
using config_check = std::function<std::string(const config&)>;

/// The keys one layer reads ("node", "gate", "services", "app", "admin").
struct config_layer {
  std::string_view name;         ///< shown by `stratus --list-keys`
  std::vector<config_key> keys;  ///< in the order of the documented `config` file
  config_check check = {};       ///< cross-key rule, run after each key was checked
};

/// Declares every layer's keys (replacing earlier declarations). Call it before loading a
/// config and before other threads read config keys. Until it is called only the node's keys
/// are declared.
void declare_config_layers(std::vector<config_layer> layers);

/// The declared layers, in declaration order.
std::span<const config_layer> declared_config_layers();

/// The runtime's own keys: threads, logging, call timeouts, mailbox warnings.
config_layer node_config_keys();

}  // namespace stratus::runtime
