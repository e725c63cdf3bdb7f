#pragma once
// Internal: the two implementations behind pack_to()/unpack_to(), exposed so that tests can
// check that they agree.

#include <string>
#include <string_view>

#include "sproto/result.hpp"

namespace stratus::sproto {

/// True when pack_to()/unpack_to() use the SSSE3 word codec on this CPU.
bool pack_uses_ssse3();

namespace detail {

/// Portable word codec.
void pack_portable(std::string_view in, std::string& out);
status unpack_portable(std::string_view in, std::string& out);

/// SSSE3 word codec (pshufb); only call when pack_uses_ssse3().
void pack_ssse3(std::string_view in, std::string& out);
status unpack_ssse3(std::string_view in, std::string& out);

/// pack_raw()/unpack_raw() through either codec; unpack returns why the stream is invalid, or
/// nullptr (`written` = bytes written, also on failure).
std::size_t pack_raw_portable(const char* in, std::size_t n, char* out);
std::size_t pack_raw_ssse3(const char* in, std::size_t n, char* out);
const char* unpack_raw_portable(const char* in, std::size_t n, char* out, std::size_t& written);
const char* unpack_raw_ssse3(const char* in, std::size_t n, char* out, std::size_t& written);

}  // namespace detail
}  // namespace stratus::sproto
