#pragma once
// What every connection of one listener shares: settings, counters, the open callback.

#include <functional>
#include <memory>

#include "net/net_stats.hpp"
#include "net/ws_options.hpp"

namespace stratus::net {

class ws_connection;

/// Shared pointer to an open connection, handed to the layer above.
using ws_connection_ptr = std::shared_ptr<ws_connection>;

/// Called once per connection after its upgrade, on that connection's io_context
/// thread (so concurrently from several workers): attach a handler here.
using open_callback = std::function<void(const ws_connection_ptr&)>;

/// State shared by a listener and its connections (they outlive the listener safely).
struct connection_context {
  /// Listener and per-connection settings.
  ws_options options;
  /// Counters of this listener.
  net_stats stats;
  /// Called for every opened connection.
  open_callback on_open;
};

}  // namespace stratus::net
