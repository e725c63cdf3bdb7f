#pragma once
// The demo game in sproto mode: ping, signup, signin, login, echo (wire.md, sproto mode).
#include <memory>
#include <string>
#include <vector>

#include "gate/gate_options.hpp"
#include "gate/sproto_driver.hpp"

namespace stratus::app {

/// Folders searched for proto.c2s.sproto / proto.s2c.sproto, in order: ./proto, then beside
/// the binary (runtime::install_candidates).
std::vector<std::string> sproto_search_path();

/// Parses the two schemas once (shared, read-only, by every agent) and registers the demo
/// handlers. Throws std::runtime_error naming the file and problem when a schema is missing
/// or does not parse (a start-up failure).
std::shared_ptr<const gate::sproto_app> make_sproto_game(const gate::gate_options& opts);

/// Same, from schema texts (for tests).
std::shared_ptr<const gate::sproto_app> make_sproto_game(std::string_view c2s_text,
                                                         std::string_view s2c_text,
                                                         const gate::gate_options& opts);

}  // namespace stratus::app
