#pragma once
// A generated schema's list of its types, each with a decode-then-encode function: lets tests
// and fuzzers drive every generated decoder by type name without knowing the C++ types.

#include <string>
#include <string_view>

#include "sproto/gen/message.hpp"

namespace stratus::sproto::gen {

/// Decodes `in` as a message and encodes it again into `out`; `used` = bytes decoded.
using transcode_fn = status (*)(std::string_view in, std::string& out, std::size_t& used);

/// One type of a generated schema.
struct type_entry {
  std::string_view name;      ///< full sproto name, e.g. `Outer.Inner`
  transcode_fn owned;         ///< through the std::string flavour
  transcode_fn view;          ///< through the std::string_view flavour
};

/// transcode_fn for the generated type M.
template <class M>
status transcode(std::string_view in, std::string& out, std::size_t& used) {
  M m;
  auto r = decode(in, m);
  if (!r) return r.error();
  used = *r;
  return encode(m, out);
}

}  // namespace stratus::sproto::gen
