#pragma once
#include <memory>

#include "gate/pb_handlers.hpp"

namespace stratus::app {

/// The demo game's protobuf handlers (login, ping, echo) and its token check, in one list.
std::shared_ptr<const gate::pb_app> make_pb_game(int max_bad_packets);

}  // namespace stratus::app
