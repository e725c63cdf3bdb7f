#include "server/config_layers.hpp"

#include "admin/admin_keys.hpp"
#include "cluster/cluster_keys.hpp"
#include "app/app_keys.hpp"
#include "gate/gate_keys.hpp"
#include "runtime/config_layers.hpp"
#include "services/service_keys.hpp"

namespace stratus::server {

void declare_config_keys() {
  // Lowest layer first: `stratus --list-keys` and the `config` file follow this order.
  runtime::declare_config_layers({runtime::node_config_keys(), gate::config_keys(),
                                  cluster::config_keys(), services::config_keys(),
                                  app::config_keys(), admin::config_keys()});
}

}  // namespace stratus::server
