// 0-packing a word (8 bytes) at a time (loops in pack_loop.hpp). On x86-64 CPUs with SSSE3
// the words go through pshufb (pack_ssse3.cpp), elsewhere through portable table lookups.

#include "sproto/pack.hpp"

#include <atomic>

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

// The raw forms are called per message on hot paths: they go through pointers that the first
// call sets to the codec of this CPU, so that later calls pay no check.
using pack_raw_fn = std::size_t (*)(const char*, std::size_t, char*);
using unpack_raw_fn = const char* (*)(const char*, std::size_t, char*, std::size_t&);

std::size_t pack_raw_first(const char* in, std::size_t n, char* out);
const char* unpack_raw_first(const char* in, std::size_t n, char* out, std::size_t& written);

std::atomic<pack_raw_fn> pack_raw_impl{&pack_raw_first};
std::atomic<unpack_raw_fn> unpack_raw_impl{&unpack_raw_first};

std::size_t pack_raw_first(const char* in, std::size_t n, char* out) {
  const pack_raw_fn fn = use_ssse3() ? &detail::pack_raw_ssse3 : &detail::pack_raw_portable;
  pack_raw_impl.store(fn, std::memory_order_relaxed);
  return fn(in, n, out);
}

const char* unpack_raw_first(const char* in, std::size_t n, char* out, std::size_t& written) {
  const unpack_raw_fn fn = use_ssse3() ? &detail::unpack_raw_ssse3 : &detail::unpack_raw_portable;
  unpack_raw_impl.store(fn, std::memory_order_relaxed);
  return fn(in, n, out, written);
}

}  // namespace

namespace detail {

void pack_portable(std::string_view in, std::string& out) {
  pack_string<scalar_codec>(in, out);
}

status unpack_portable(std::string_view in, std::string& out) {
  return unpack_string<scalar_codec>(in, out);
}

std::size_t pack_raw_portable(const char* in, std::size_t n, char* out) {
  return pack_memory<scalar_codec>(in, n, out);
}

const char* unpack_raw_portable(const char* in, std::size_t n, char* out, std::size_t& written) {
  return unpack_memory<scalar_codec>(in, n, out, written);
}

#if !defined(STRATUS_SPROTO_SSSE3)
// Built without pack_ssse3.cpp (not x86-64): never selected, kept so that callers link.
void pack_ssse3(std::string_view in, std::string& out) {
  pack_portable(in, out);
}
status unpack_ssse3(std::string_view in, std::string& out) {
  return unpack_portable(in, out);
}
std::size_t pack_raw_ssse3(const char* in, std::size_t n, char* out) {
  return pack_raw_portable(in, n, out);
}
const char* unpack_raw_ssse3(const char* in, std::size_t n, char* out, std::size_t& written) {
  return unpack_raw_portable(in, n, out, written);
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

std::size_t pack_raw(const char* in, std::size_t n, char* out) {
  return pack_raw_impl.load(std::memory_order_relaxed)(in, n, out);
}

result<std::size_t> unpack_raw(std::string_view in, char* out) {
  std::size_t written = 0;
  const unpack_raw_fn fn = unpack_raw_impl.load(std::memory_order_relaxed);
  if (const char* why = fn(in.data(), in.size(), out, written)) {
    return make_error(error_kind::unpack, why);
  }
  return written;
}

bool pack_uses_ssse3() {
  return use_ssse3();
}

}  // namespace stratus::sproto
