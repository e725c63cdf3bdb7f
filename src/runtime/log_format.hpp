#pragma once
// The shape of log lines: "text" (the default: `time [level] [service] message`) or "json"
// (one object per line with the same fields, for log shippers). Kept out of log.hpp, which
// every file includes.

#include <string_view>

namespace stratus::runtime::log {

/// Switches every later line to `format` ("text" or "json"); throws std::invalid_argument
/// otherwise. Thread-safe.
void set_format(std::string_view format);

}  // namespace stratus::runtime::log
