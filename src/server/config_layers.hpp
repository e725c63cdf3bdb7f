#pragma once
// The one explicit list of the layers whose config keys the binary reads.

namespace stratus::server {

/// Declares the keys of every layer (node, gate, services, app, admin) with the runtime;
/// main() calls it first, before any config is loaded.
void declare_config_keys();

}  // namespace stratus::server
