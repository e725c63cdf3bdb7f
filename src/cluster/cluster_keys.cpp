// The config keys of the cluster layer; in the order of the commented `config` file.
#include "cluster/cluster_keys.hpp"

#include <string>
#include <vector>

#include "runtime/config.hpp"

namespace stratus::cluster {

runtime::config_layer config_keys() {
  using t = runtime::config_type;
  using str = std::string;
  using std::int64_t;
  runtime::config_layer layer{"cluster", {
      {"cluster", t::string_list, std::vector<str>{},
       "NATS server URLs of the cluster (nats://host:4222); empty: a single node"},
      {"node_name", t::string, str{}, "this node's name, unique in the cluster"},
      {"cluster_heartbeat_ms", t::integer, int64_t{500},
       "interval of the heartbeats every node publishes", false, false, {}, 50, 60000},
      {"cluster_dead_after_ms", t::integer, int64_t{2000},
       "a node silent this long is down: calls to it fail with node_down, its names are freed",
       false, false, {}, 100, 600000},
      {"room_directory", t::boolean, false,
       "this node runs the room directory .rooms (one node of the cluster): room says go to "
       "the nodes with members only"},
  }};
  layer.check = [](const runtime::config& cfg) -> std::string {
    if (cfg.get_strings("cluster").empty()) return {};
    const std::string name = cfg.get_string("node_name");
    if (name.empty()) return "node_name is required with cluster";
    if (name.find_first_of(".*> \t") != std::string::npos)
      return "node_name may not hold '.', '*', '>' or spaces (it is part of a NATS subject)";
    if (cfg.get_int("cluster_dead_after_ms") < 2 * cfg.get_int("cluster_heartbeat_ms"))
      return "cluster_dead_after_ms must be at least twice cluster_heartbeat_ms";
    return {};
  };
  return layer;
}

}  // namespace stratus::cluster
