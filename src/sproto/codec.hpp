#pragma once
// Wire encoding of struct values (spec section 3): value <-> bytes against a schema.

#include <cstddef>
#include <string>
#include <string_view>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"
#include "sproto/value.hpp"

namespace stratus::sproto {

namespace gen {
class writer;
}  // namespace gen

/// A decoded message and how many input bytes it used.
struct decoded {
  value v;                   ///< the message as an object value
  std::size_t consumed = 0;  ///< bytes of the input the message occupied
};

/// Encodes `v` (an object) as type `t` of `s`, appending the bytes to `out`.
/// Keys that are not fields of `t` are ignored; nil fields are absent.
status encode_to(const schema& s, const struct_type& t, const value& v, std::string& out);

/// Same, appending through a generated-code writer (left at its start position on failure).
status encode_to(const schema& s, const struct_type& t, const value& v, gen::writer& out);

/// Encodes `v` as type `t` of `s`.
result<std::string> encode(const schema& s, const struct_type& t, const value& v);

/// Encodes `v` as the type named `type_name`.
result<std::string> encode(const schema& s, std::string_view type_name, const value& v);

/// Decodes a message of type `t`. Bytes after the message are ignored (see `consumed`).
/// Safe on any input: malformed bytes give an error, never a crash.
result<decoded> decode(const schema& s, const struct_type& t, std::string_view bytes);

/// Decodes a message of type `t` into `out`, reusing what `out` holds: decoding the same shape
/// again keeps its strings' and arrays' storage (no allocation in the steady state). Returns
/// the bytes used. On error `out` holds a partial message.
result<std::size_t> decode_to(const schema& s, const struct_type& t, std::string_view bytes,
                              value& out);

/// Like decode_to(), but string and binary fields become byte views into `bytes` (no copy:
/// value::is_bytes_view(), read with value::bytes()). Opt-in for callers that keep `bytes`
/// alive and unchanged while they read `out` (e.g. an unpack buffer reused per message); copy
/// what must outlive it (value::own_bytes()). Everything else is as decode_to().
result<std::size_t> decode_view_to(const schema& s, const struct_type& t, std::string_view bytes,
                                   value& out);

/// Decodes a message of the type named `type_name`.
result<decoded> decode(const schema& s, std::string_view type_name, std::string_view bytes);

}  // namespace stratus::sproto
