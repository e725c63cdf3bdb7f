#pragma once
// Redis command semantics over a memory_table, for the commands the in-process store supports.

#include <string>
#include <string_view>
#include <vector>

#include "backend/kv_reply.hpp"
#include "backend/memory_table.hpp"

namespace stratus::backend {

/// True when `name` (any case) is a command memory_store implements.
bool memory_supports(std::string_view name);

/// Runs one supported command (args[0] is the name) the way Redis would, at time `now`.
/// Bad arity, wrong types and non-integers become error replies with Redis's wording.
kv_reply memory_execute(memory_table& table, const std::vector<std::string>& args,
                        memory_table::clock::time_point now);

}  // namespace stratus::backend
