#include "app/sproto_handlers.hpp"

#include <gtest/gtest.h>

#include "codec/sproto_wire.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace stratus::app {
namespace {

std::string proto_file(const char* name) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "../../proto" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(sproto_game, every_demo_protocol_has_a_handler) {
  gate::gate_options opts;
  opts.max_bad_packets = 5;
  opts.heartbeat = std::chrono::milliseconds(250);
  auto app = make_sproto_game(proto_file("proto.c2s.sproto"), proto_file("proto.s2c.sproto"), opts);
  // Every c2s protocol but `resume`, which the gate answers itself.
  for (const char* name :
       {"ping", "signup", "signin", "login", "echo", "say", "join", "leave", "room_say"}) {
    EXPECT_TRUE(app->serves(name)) << name;
    // ... by a typed handler (generated code), not the dynamic sproto::value API.
    const sproto::protocol* p = app->c2s->find_protocol(std::string_view(name));
    ASSERT_TRUE(p) << name;
    EXPECT_TRUE(app->typed_for(p->tag)) << name;
  }
  EXPECT_EQ(app->served(), 9u);
  EXPECT_TRUE(app->handlers.empty());
  EXPECT_FALSE(app->serves("resume"));
  EXPECT_EQ(app->max_bad_packets, 5);
  EXPECT_EQ(app->heartbeat.count(), 250);
  ASSERT_TRUE(app->s2c->find_protocol("heartbeat"));
  ASSERT_TRUE(app->s2c->find_protocol("push"));
}

TEST(sproto_game, broken_schema_stops_start_up_with_the_reason) {
  gate::gate_options opts;
  try {
    make_sproto_game("ping 1 {} ping 2 {}", proto_file("proto.s2c.sproto"), opts);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("=c2s"), std::string::npos) << e.what();
  }
  // Parses, but lacks the .package header type.
  EXPECT_THROW(make_sproto_game("ping 1 {}", "heartbeat 1 {}", opts), std::runtime_error);
}

TEST(sproto_game, frames_hold_at_most_65535_bytes) {
  std::string out = "old";
  EXPECT_TRUE(codec::frame_sproto(std::string(65535, 'a'), out));
  EXPECT_EQ(out.size(), 65537u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0xff);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0xff);
  EXPECT_TRUE(codec::frame_sproto("ab", out));
  EXPECT_EQ(out, std::string("\x00\x02"
                             "ab",
                             4));
  EXPECT_FALSE(codec::frame_sproto(std::string(65536, 'a'), out));
  EXPECT_EQ(out, std::string("\x00\x02"
                             "ab",
                             4));  // untouched, nothing truncated
}

}  // namespace
}  // namespace stratus::app
