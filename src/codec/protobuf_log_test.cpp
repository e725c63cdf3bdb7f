#include "codec/protobuf_log.hpp"

#include <gtest/gtest.h>

#include <string>

#include "game.pb.h"

namespace stratus::codec {
namespace {

TEST(protobuf_log, invalid_utf8_from_a_client_is_not_logged) {
  silence_protobuf_parse_logs();
  game::PingReq ping;
  ping.mutable_header()->set_msg_type("game.LoginReq");
  const std::string body = ping.SerializeAsString() + std::string("\x12\x02\xff\xfe", 4);
  testing::internal::CaptureStderr();
  game::LoginReq login;
  EXPECT_FALSE(login.ParseFromString(body));
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  google::protobuf::SetLogHandler(nullptr);
}

}  // namespace
}  // namespace stratus::codec
