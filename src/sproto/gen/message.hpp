#pragma once
// Entry points for generated messages (the output of `stratus-sproto gen`): encode, decode and
// their packed forms. A generated type T provides, found by ADL:
//   bool encode_message(const T&, writer&, int depth);
//   bool decode_message(T&, const char*, std::size_t, int depth, bool exact, std::size_t& used,
//                       decode_context&);

#include <cstddef>
#include <string>
#include <string_view>

#include "sproto/gen/decode_fields.hpp"
#include "sproto/gen/encode_fields.hpp"
#include "sproto/gen/maybe.hpp"
#include "sproto/pack.hpp"
#include "sproto/result.hpp"

namespace stratus::sproto::gen {

/// The "type" of a protocol part that does not exist (no request, or no response content).
struct no_body {
  friend bool operator==(no_body, no_body) { return true; }
};
/// Encodes nothing.
inline bool encode_message(const no_body&, writer&, int) {
  return true;
}
/// Decodes nothing (the body is not examined, as in the reference).
inline bool decode_message(no_body&, const char*, std::size_t, int, bool, std::size_t& used,
                           decode_context&) {
  used = 0;
  return true;
}

/// The error of a failed generated encode.
inline error encode_error() {
  return make_error(error_kind::bad_value,
                    "a decimal does not fit an int64, or structs nest deeper than 64");
}

/// Appends the encoding of `m` to `out` (left unchanged on failure).
template <class M>
status encode(const M& m, std::string& out) {
  const std::size_t start = out.size();
  writer w(out);
  if (!encode_message(m, w, 0)) {
    w.rewind(start);
    return encode_error();
  }
  return ok_t{};
}

/// Decodes `in` into `m` (fields absent from `in` are reset, storage is reused). Returns the
/// bytes used; bytes after the message are ignored. With string_view fields, `m` points into `in`.
template <class M>
result<std::size_t> decode(std::string_view in, M& m) {
  decode_context cx;
  std::size_t used = 0;
  if (!decode_message(m, in.data(), in.size(), 0, false, used, cx)) {
    return make_error(cx.kind, cx.what);
  }
  return used;
}

/// Appends pack(encode(m)) to `out`; `scratch` holds the unpacked bytes (reuse it).
template <class M>
status pencode(const M& m, std::string& scratch, std::string& out) {
  scratch.clear();
  if (auto st = encode(m, scratch); !st) return st;
  pack_to(scratch, out);
  return ok_t{};
}

/// Unpacks `packed` into `scratch` (replacing its contents) and decodes `m` from it; string_view
/// fields then point into `scratch`.
template <class M>
result<std::size_t> pdecode(std::string_view packed, M& m, std::string& scratch) {
  scratch.clear();
  if (auto st = unpack_to(packed, scratch); !st) return st.error();
  return decode(scratch, m);
}

}  // namespace stratus::sproto::gen
