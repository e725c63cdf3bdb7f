// 0-packing a word (8 bytes) at a time (loops in pack_loop.hpp). On x86-64 CPUs with SSSE3
// the words go through pshufb (pack_ssse3.cpp), elsewhere through portable table lookups.

#include "sproto/pack.hpp"

#include "sproto/pack_loop.hpp"
#include "sproto/pack_simd.hpp"

namespace stratus::sproto {
namespace {

bool use_ssse3() {
#if defined(STRATUS_SPROTO_SSSE3)
  static const bool supported = __builtin_cpu_supports("ssse3");
  return supported;
#else
  return false;
#endif
}

}  // namespace

namespace detail {

void pack_portable(std::string_view in, std::string& out) {
  pack_loop<scalar_codec>(in, out);
}

status unpack_portable(std::string_view in, std::string& out) {
  return unpack_loop<scalar_codec>(in, out);
}

#if !defined(STRATUS_SPROTO_SSSE3)
// Built without pack_ssse3.cpp (not x86-64): never selected, kept so that callers link.
void pack_ssse3(std::string_view in, std::string& out) {
  pack_portable(in, out);
}
status unpack_ssse3(std::string_view in, std::string& out) {
  return unpack_portable(in, out);
}
#endif

}  // namespace detail

void pack_to(std::string_view in, std::string& out) {
#if defined(STRATUS_SPROTO_SSSE3)
  if (use_ssse3()) return detail::pack_ssse3(in, out);
#endif
  detail::pack_portable(in, out);
}

std::string pack(std::string_view in) {
  std::string out;
  pack_to(in, out);
  return out;
}

status unpack_to(std::string_view in, std::string& out) {
#if defined(STRATUS_SPROTO_SSSE3)
  if (use_ssse3()) return detail::unpack_ssse3(in, out);
#endif
  return detail::unpack_portable(in, out);
}

result<std::string> unpack(std::string_view in) {
  std::string out;
  if (auto st = unpack_to(in, out); !st) return st.error();
  return out;
}

bool pack_uses_ssse3() {
  return use_ssse3();
}

}  // namespace stratus::sproto
