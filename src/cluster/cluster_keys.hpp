#pragma once
#include "runtime/config_layers.hpp"

namespace stratus::cluster {

/// The cluster's config keys: cluster, node_name, cluster_heartbeat_ms, cluster_dead_after_ms.
runtime::config_layer config_keys();

}  // namespace stratus::cluster
