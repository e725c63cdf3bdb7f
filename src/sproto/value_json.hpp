#pragma once
// The JSON mapping of sproto values used by the conformance vectors and the CLI
// (shared/sproto-vectors/README.md "JSON value mapping"). Separate target `sproto_json`,
// so that the core library depends on the standard library only.

#include <nlohmann/json.hpp>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"
#include "sproto/value.hpp"

namespace stratus::sproto {

/// Converts a JSON object to a value of struct type `t`. Field values keep their JSON kind
/// (so a wrong kind reaches the encoder, which reports it); `*S()` maps become map values,
/// `{"$double"...}` doubles, `{"$binary": hex}` bytes.
result<value> value_from_json(const schema& s, const struct_type& t, const nlohmann::json& j);

/// Converts a decoded value of struct type `t` to JSON.
nlohmann::json value_to_json(const schema& s, const struct_type& t, const value& v);

/// JSON for a double: {"$double": number-or-"nan"/"inf"/"-inf", "$bits": 16 hex digits}.
nlohmann::json double_to_json(double d);

/// Lowercase hex of bytes.
std::string to_hex(std::string_view bytes);

/// Bytes of a hex string; error on odd length or a non-hex digit. Whitespace is ignored.
result<std::string> from_hex(std::string_view hex);

/// True when `s` is valid UTF-8.
bool is_utf8(std::string_view s);

}  // namespace stratus::sproto
