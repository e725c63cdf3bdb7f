// Heap allocations of generated code on the hot paths, counted by replacing the global
// operator new of the test binary: none per signin request encode or dispatch, none per
// medium encode or decode into a reused message (string_view flavour, or owned strings whose
// capacity is reused). The first use of a buffer or message grows it; that is warm-up.

#include <gtest/gtest.h>

#include "samples/shapes.hpp"
#include "sproto/gen/counting_new.hpp"
#include "sproto/gen/rpc_host.hpp"

namespace stratus::sproto::gen {
namespace {

namespace shapes = stratus::sproto::samples::shapes;
using host = rpc_host<shapes::package_view>;

// Allocations made by `fn`, run `n` times after one warm-up run.
template <class F>
std::size_t allocations_of(F&& fn, int n = 100) {
  fn();
  const std::size_t before = allocations.load();
  for (int i = 0; i < n; ++i) fn();
  return allocations.load() - before;
}

template <class S>
shapes::basic_Medium<S> medium(std::vector<std::string>& text) {
  shapes::basic_Medium<S> m;
  for (int i = 0; i < 12; ++i) text.push_back("text field number " + std::to_string(i));
  m.f0 = 0;
  m.f1 = 1000003;
  m.f2 = 2000006;
  m.f3 = 3000009;
  m.f4 = 4000012;
  m.f5 = S(text[5]);
  m.f6 = S(text[6]);
  m.f7 = S(text[7]);
  m.f8 = S(text[8]);
  m.f9 = true;
  m.f10 = false;
  m.f11 = 3.25;
  m.f12 = -1e10;
  m.f13 = 12.5;
  m.f14 = -7;
  m.f15 = std::int64_t{1} << 40;
  m.f16 = S(text[9]);
  for (int i = 0; i < 8; ++i) m.f17.emplace().push_back(i * 77);
  for (int i = 0; i < 10; ++i) {
    shapes::basic_Point<S> p;
    p.x = i;
    p.y = -i * 100000;
    p.name = S(text[i]);
    m.points.emplace().push_back(p);
  }
  return m;
}

TEST(generated_allocations, the_counter_sees_allocations) {
  EXPECT_EQ(allocations_of([] { std::string s(100, 'x'); }, 10), 10u);
}

TEST(generated_allocations, signin_request_encode_is_allocation_free) {
  host client;
  shapes::signin_request_view args;
  args.userid = std::string_view("a-rather-long-user-identifier@example.org");
  std::string out;
  EXPECT_EQ(allocations_of([&] {
              out.clear();
              ASSERT_TRUE(client.request<shapes::protocol::signin>(args, 1, out).ok());
            }),
            0u);
}

TEST(generated_allocations, signin_dispatch_is_allocation_free) {
  host client, server;
  shapes::signin_request_view args;
  args.userid = std::string_view("a-rather-long-user-identifier@example.org");
  std::string packet;
  ASSERT_TRUE(client.request<shapes::protocol::signin>(args, 1, packet).ok());
  std::string_view userid;
  EXPECT_EQ(allocations_of([&] {
              ASSERT_TRUE(server.dispatch(packet).ok());
              auto st = shapes::visit_request<std::string_view>(
                  server.tag(), server.body(), [&](auto, const auto& a) {
                    if constexpr (requires { a.userid; }) userid = *a.userid;
                  });
              ASSERT_TRUE(st.ok());
            }),
            0u);
  EXPECT_EQ(userid, *args.userid);
}

TEST(generated_allocations, reply_round_trip_is_allocation_free) {
  host client, server;
  shapes::signin_request_view args;
  args.userid = std::string_view("alice");
  shapes::signin_response_view ok;
  ok.ok = true;
  std::string request, reply;
  shapes::signin_response_view got;
  EXPECT_EQ(allocations_of([&] {
              request.clear();
              reply.clear();
              ASSERT_TRUE(client.request<shapes::protocol::signin>(args, 7, request).ok());
              ASSERT_TRUE(server.dispatch(request).ok());
              ASSERT_TRUE(server.respond<shapes::protocol::signin>(7, ok, reply).ok());
              ASSERT_EQ(*client.dispatch(reply), host::kind::response);
              ASSERT_TRUE(client.body_as(got).ok());
            }),
            0u);
  EXPECT_TRUE(*got.ok);
  EXPECT_EQ(client.pending(), 0u);
}

TEST(generated_allocations, medium_encode_and_decode_reuse_their_storage) {
  std::vector<std::string> text;
  auto m = medium<std::string>(text);
  std::string scratch, packed;
  EXPECT_EQ(allocations_of([&] {
              packed.clear();
              ASSERT_TRUE(pencode(m, scratch, packed).ok());
            }),
            0u);
  shapes::Medium_view view;
  std::string unpacked;
  EXPECT_EQ(allocations_of([&] { ASSERT_TRUE(pdecode(packed, view, unpacked).ok()); }), 0u);
  shapes::Medium owned;  // owned strings: their capacity is reused after the first decode
  EXPECT_EQ(allocations_of([&] { ASSERT_TRUE(pdecode(packed, owned, unpacked).ok()); }), 0u);
  EXPECT_EQ(owned, m);
  EXPECT_EQ(*view.points->at(3).name, *m.points->at(3).name);
}

}  // namespace
}  // namespace stratus::sproto::gen
