#pragma once
#include <cstdint>
#include <string>

namespace stratus::runtime {

/// A service's address, like a skynet handle: never reused while any message may still name it.
using address = std::uint32_t;

/// No service; also the source of messages sent from outside any service.
inline constexpr address no_address = 0;

/// Formats an address the way skynet prints handles (":0000000a").
std::string format_address(address a);

/// A readable C++ type name from a mangled one ("calculator" from "10calculator").
std::string demangle(const char* mangled);

}  // namespace stratus::runtime
