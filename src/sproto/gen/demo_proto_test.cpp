// The generated C++ of the project's own protocols (proto/proto.c2s.sproto and s2c, library
// sproto_demo_proto): a c2s request with the extra header field `seq`, a reply, and a push,
// checked byte for byte against the dynamic API on the same schema files.

#include <gtest/gtest.h>

#include "proto/c2s.hpp"
#include "proto/s2c.hpp"
#include "sproto/gen/rpc_host.hpp"
#include "sproto/host.hpp"
#include "sproto/parser.hpp"

namespace stratus::sproto::gen {
namespace {

namespace c2s = stratus::proto::c2s;
namespace s2c = stratus::proto::s2c;

TEST(demo_proto, c2s_request_and_reply_match_the_dynamic_host) {
  auto schema = load_schema_file(STRATUS_SOURCE_DIR "/proto/proto.c2s.sproto");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  auto dynamic = *host::create(*schema);

  rpc_host<c2s::package_view> client, server;
  c2s::say_request_view say;
  say.to = std::string_view("bob");
  say.text = std::string_view("hello");
  c2s::package_view header;
  header.session = 9;
  header.seq = 41;
  std::string packet;
  ASSERT_TRUE(client.request<c2s::protocol::say>(say, header, packet).ok());

  auto in = dynamic.dispatch(packet);  // the dynamic host reads it as the same request
  ASSERT_TRUE(in.ok()) << in.error().message;
  const auto& req = std::get<incoming_request>(*in);
  EXPECT_EQ(req.name(), "say");
  EXPECT_EQ(req.args["text"].as_bytes(), "hello");

  ASSERT_EQ(*server.dispatch(packet), rpc_host<c2s::package_view>::kind::request);
  EXPECT_EQ(*server.header().seq, 41);
  c2s::say_response_view delivered;
  delivered.delivered = true;
  std::string reply;
  ASSERT_TRUE(server.respond<c2s::protocol::say>(9, delivered, reply).ok());
  EXPECT_EQ(reply, *req.respond(value(object{{"delivered", true}})));
  ASSERT_EQ(*client.dispatch(reply), rpc_host<c2s::package_view>::kind::response);
  c2s::say_response_view got;
  ASSERT_TRUE(client.body_as(got).ok());
  EXPECT_TRUE(*got.delivered);
}

TEST(demo_proto, s2c_push_decodes_by_tag) {
  rpc_host<s2c::package_view> server, client;
  s2c::whisper_request_view w;
  w.from = std::string_view("alice");
  w.text = std::string_view("psst");
  std::string packet;
  ASSERT_TRUE(server.request<s2c::protocol::whisper>(w, std::nullopt, packet).ok());
  EXPECT_EQ(server.pending(), 0u);  // a push waits for nothing
  ASSERT_TRUE(client.dispatch(packet).ok());
  std::string_view from;
  auto st = s2c::visit_request<std::string_view>(client.tag(), client.body(),
                                                 [&](auto proto, const auto& args) {
                                                   if constexpr (decltype(proto)::tag == 4) {
                                                     from = *args.from;
                                                   }
                                                 });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(from, "alice");
}

}  // namespace
}  // namespace stratus::sproto::gen
