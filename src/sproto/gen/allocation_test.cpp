// Heap allocations of generated code on the hot paths, counted by replacing the global
// operator new of the test binary: none per signin request encode or dispatch, none per
// medium encode or decode into a reused message (string_view flavour, or owned strings whose
// capacity is reused). The first use of a buffer or message grows it; that is warm-up.
// The dynamic API's loop forms too: request() of a short packet, request_to(), dispatch_to(),
// decode_to() and decode_view_to() into a reused value.

#include <gtest/gtest.h>

#include "samples/shapes.hpp"
#include "sproto/codec.hpp"
#include "sproto/gen/counting_new.hpp"
#include "sproto/gen/rpc_host.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

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

TEST(dynamic_allocations, signin_loop_forms_are_allocation_free) {
  auto parsed = parse_schema(R"(
    .package { type 0 : integer session 1 : integer ud 2 : string }
    signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
  )");
  ASSERT_TRUE(parsed.ok());
  auto client = *sproto::host::create(*parsed);
  auto server = *sproto::host::create(*parsed);
  sproto::value args(sproto::object{{"userid", "alice"}});
  std::string packet;
  EXPECT_EQ(allocations_of([&] { packet = *client.request("signin", args, 1); }), 0u);
  EXPECT_EQ(allocations_of([&] {
              packet.clear();
              ASSERT_TRUE(client.request_to("signin", args, 1, {}, packet).ok());
            }),
            0u);
  sproto::incoming in;
  EXPECT_EQ(allocations_of([&] { ASSERT_TRUE(server.dispatch_to(packet, in).ok()); }), 0u);
}

TEST(dynamic_allocations, medium_decode_into_a_reused_value_is_allocation_free) {
  auto parsed = parse_schema(R"(
    .Point { x 0 : integer y 1 : integer name 2 : string }
    .Medium { f0 0 : integer f5 5 : string f17 17 : *integer points 19 : *Point }
  )");
  ASSERT_TRUE(parsed.ok());
  const sproto::schema& s = **parsed;
  const sproto::struct_type& t = *s.find_type("Medium");
  sproto::value v;
  v["f0"] = 1;
  v["f5"] = "a text field longer than a short string";
  for (int i = 0; i < 8; ++i) v["f17"].push_back(i * 77);
  for (int i = 0; i < 10; ++i) {
    v["points"].push_back(sproto::value(sproto::object{
        {"x", i}, {"y", -i}, {"name", "point name long enough to allocate " + std::to_string(i)}}));
  }
  std::string plain = *sproto::encode(s, t, v);
  std::string packed = sproto::pack(plain);
  std::string unpacked;
  sproto::value owned;
  EXPECT_EQ(allocations_of([&] {
              unpacked.clear();
              ASSERT_TRUE(sproto::unpack_to(packed, unpacked).ok());
              ASSERT_TRUE(sproto::decode_to(s, t, unpacked, owned).ok());
            }),
            0u);
  EXPECT_EQ(owned, v);
  sproto::value viewed;
  std::string kept;
  EXPECT_EQ(allocations_of([&] {
              auto bytes = sproto::unpack_into_kept(packed, kept);
              ASSERT_TRUE(bytes.ok());
              ASSERT_TRUE(sproto::decode_view_to(s, t, *bytes, viewed).ok());
            }),
            0u);
  EXPECT_EQ(viewed, v);
}

}  // namespace
}  // namespace stratus::sproto::gen
