#include "sproto/pack.hpp"

#include "sproto/pack_simd.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace stratus::sproto {
namespace {

TEST(pack, documentation_examples) {
  std::string in("\x08\0\0\0\x03\0\x02\0\x19\0\0\0\xaa\x01\0\0", 16);
  EXPECT_EQ(pack(in), std::string("\x51\x08\x03\x02\x31\x19\xaa\x01", 8));
  std::string run(30, '\x8a');
  std::string want = std::string("\xff\x03", 2) + run + std::string(2, '\0');
  EXPECT_EQ(pack(run), want);
}

TEST(pack, random_round_trips_and_worst_case_size) {
  std::mt19937 rng(1);
  for (int i = 0; i < 500; ++i) {
    std::string in(rng() % 3000, '\0');
    int density = static_cast<int>(rng() % 4);
    for (auto& c : in)
      c = (static_cast<int>(rng() % 4) < density) ? static_cast<char>(rng() | 1) : 0;
    std::string packed = pack(in);
    std::size_t words = (in.size() + 7) / 8;
    EXPECT_LE(packed.size(), words * 8 + 2 * (words / 256 + 1) + words);
    auto u = unpack(packed);
    ASSERT_TRUE(u.ok());
    std::string padded = in + std::string(words * 8 - in.size(), '\0');
    EXPECT_EQ(*u, padded);
  }
}

TEST(pack, truncated_streams_are_errors) {
  EXPECT_FALSE(unpack("\xff").ok());
  EXPECT_FALSE(unpack(std::string("\xff\x00\x01", 3)).ok());
  EXPECT_FALSE(unpack("\x03\x01").ok());
  std::string out = "keep";
  EXPECT_FALSE(unpack_to("\x03\x01", out).ok());
  EXPECT_EQ(out, "keep");
}

// The portable and SSSE3 word codecs give the same bytes and the same errors.
TEST(pack, word_codecs_agree) {
  if (!pack_uses_ssse3()) GTEST_SKIP() << "no SSSE3 codec on this build or CPU";
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string in(rng() % 700, '\0');
    int density = static_cast<int>(rng() % 9);
    for (auto& c : in) c = (static_cast<int>(rng() % 8) < density) ? static_cast<char>(rng()) : 0;
    std::string a, b;
    detail::pack_portable(in, a);
    detail::pack_ssse3(in, b);
    ASSERT_EQ(a, b);
    // Unpack the packed bytes and corrupted/truncated forms of them.
    for (std::string p : {a, a.substr(0, a.size() / 2), in}) {
      std::string ua = "x", ub = "x";
      auto sa = detail::unpack_portable(p, ua);
      auto sb = detail::unpack_ssse3(p, ub);
      ASSERT_EQ(sa.ok(), sb.ok());
      ASSERT_EQ(ua, ub);
    }
  }
}

// pack_raw()/unpack_raw() give the bytes and verdicts of the string forms, within their bounds
// (buffers of exactly the bound, so that ASan sees any write past it).
TEST(pack, raw_forms_agree_with_string_forms) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string in(rng() % 700, '\0');
    int density = static_cast<int>(rng() % 9);
    for (auto& c : in) c = (static_cast<int>(rng() % 8) < density) ? static_cast<char>(rng()) : 0;
    const std::string packed = pack(in);
    auto room = std::make_unique<char[]>(pack_bound(in.size()));
    const std::size_t n = pack_raw(in.data(), in.size(), room.get());
    ASSERT_EQ(std::string(room.get(), n), packed);
    for (std::string p : {packed, packed.substr(0, packed.size() / 2), in}) {
      auto want = unpack(p);
      auto out = std::make_unique<char[]>(unpack_bound(p.size()));
      auto got = unpack_raw(p, out.get());
      ASSERT_EQ(got.ok(), want.ok());
      if (got) ASSERT_EQ(std::string(out.get(), *got), *want);
    }
  }
}

// pack_to() appends, whichever of its paths the size picks (stack, sized string, staged).
TEST(pack, pack_to_appends_at_every_size) {
  std::mt19937 rng(5);
  for (std::size_t size : {0, 5, 64, 100, 420, 1024, 1025, 4096}) {
    std::string in(size, '\0');
    for (auto& c : in) c = (rng() % 3 != 0) ? static_cast<char>(rng() | 1) : 0;
    std::string out = "prefix";
    pack_to(in, out);
    auto room = std::make_unique<char[]>(pack_bound(in.size()));
    const std::size_t n = pack_raw(in.data(), in.size(), room.get());
    EXPECT_EQ(out, "prefix" + std::string(room.get(), n)) << size;
    auto back = unpack(std::string_view(out).substr(6));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->substr(0, size), in);
  }
}

}  // namespace
}  // namespace stratus::sproto
