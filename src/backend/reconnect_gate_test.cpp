#include "backend/reconnect_gate.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace stratus::backend {
namespace {

using namespace std::chrono_literals;

TEST(reconnect_gate, delay_doubles_up_to_the_cap_and_resets_on_success) {
  reconnect_gate gate(50ms, 300ms);
  EXPECT_TRUE(gate.may_connect());
  gate.connect_failed();
  EXPECT_TRUE(gate.down());
  EXPECT_EQ(gate.next_delay(), 100ms);
  std::this_thread::sleep_for(60ms);
  ASSERT_TRUE(gate.may_connect());
  gate.connect_failed();
  EXPECT_EQ(gate.next_delay(), 200ms);
  std::this_thread::sleep_for(110ms);
  ASSERT_TRUE(gate.may_connect());
  gate.connect_failed();
  EXPECT_EQ(gate.next_delay(), 300ms);
  std::this_thread::sleep_for(210ms);
  ASSERT_TRUE(gate.may_connect());
  gate.connect_failed();
  EXPECT_EQ(gate.next_delay(), 300ms);  // capped
  std::this_thread::sleep_for(310ms);
  ASSERT_TRUE(gate.may_connect());
  gate.connected();
  EXPECT_FALSE(gate.down());
  EXPECT_EQ(gate.next_delay(), 50ms);
}

TEST(reconnect_gate, while_down_callers_fail_fast_and_only_one_probes) {
  reconnect_gate gate(30ms, 1s);
  gate.connect_failed();
  EXPECT_FALSE(gate.may_connect());  // inside the backoff window
  std::this_thread::sleep_for(40ms);
  EXPECT_TRUE(gate.may_connect());   // this caller probes
  EXPECT_FALSE(gate.may_connect());  // the others do not pile on
  gate.connect_failed();
  EXPECT_FALSE(gate.may_connect());
}

}  // namespace
}  // namespace stratus::backend
