#pragma once
// Evaluation of a skynet-style config text with embedded Lua 5.4 (used by config.cpp).

#include <map>
#include <string>
#include <string_view>

#include "runtime/config.hpp"

namespace stratus::runtime::detail {

/// Every `key = value` global a config text defines; `include "f"` resolves against the
/// folder of `file`. Throws config_error naming `file` (or the included file) on failure.
std::map<std::string, config_value, std::less<>> evaluate_config(std::string_view text,
                                                                 const std::string& file);

/// skynet's textual `$NAME` -> getenv("NAME") pass; an unset variable is a config_error.
std::string substitute_env(std::string_view text, const std::string& file);

}  // namespace stratus::runtime::detail
