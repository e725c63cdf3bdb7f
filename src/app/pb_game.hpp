#pragma once
#include <memory>

#include "gate/gate_options.hpp"
#include "gate/pb_handlers.hpp"

namespace stratus::app {

/// The demo game's protobuf handlers (login, ping, echo) and its token check, in one list.
std::shared_ptr<const gate::pb_app> make_pb_game(const gate::gate_options& opts);

}  // namespace stratus::app
