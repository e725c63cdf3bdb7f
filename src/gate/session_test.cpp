// user_session, session_hub and groups over a recording connection: what a client would read.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "codec/push.hpp"
#include "gate/groups.hpp"
#include "gate/session_hub.hpp"
#include "gate/user_session.hpp"
#include "game.pb.h"

namespace stratus::gate {
namespace {

using namespace std::chrono_literals;

/// A connection that records what is sent and how it was closed.
class recording_connection final : public net::connection {
 public:
  explicit recording_connection(boost::asio::io_context& io) : io_(io), id_(net::new_connection_id()) {}
  std::uint64_t id() const noexcept override { return id_; }
  const char* transport() const noexcept override { return "test"; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept override { return peer_; }
  executor_type get_executor() noexcept override { return io_.get_executor(); }
  void set_handler(std::shared_ptr<net::connection_handler>) override {}
  bool is_open() const noexcept override { return close_code == 0; }
  bool send(std::span<const std::uint8_t> packet) override {
    if (close_code != 0) return false;
    sent.emplace_back(reinterpret_cast<const char*>(packet.data()), packet.size());
    return true;
  }
  void close(std::uint16_t code, std::string_view) override { close_code = code; }
  std::size_t queued_bytes() const noexcept override { return 0; }
  std::uint64_t bytes_in() const noexcept override { return 0; }
  std::uint64_t bytes_out() const noexcept override { return 0; }

  /// The pushes received, decoded: (type, seq, text or reason).
  struct seen {
    std::string type;
    std::uint32_t seq;
    std::string text;
    bool operator==(const seen&) const = default;
  };
  std::vector<seen> pushes() const {
    std::vector<seen> out;
    for (const std::string& p : sent) {
      game::Notice n;  // field 2 is text in Notice, Whisper's from_userid differs: use Notice
      EXPECT_TRUE(n.ParseFromArray(p.data() + 4, static_cast<int>(p.size() - 4)));
      out.push_back({n.header().msg_type(), n.header().seq(), n.text()});
    }
    return out;
  }

  std::vector<std::string> sent;
  std::uint16_t close_code = 0;

 private:
  boost::asio::io_context& io_;
  std::uint64_t id_;
  boost::asio::ip::tcp::endpoint peer_;
};

codec::push_ptr notice(const std::string& text) {
  game::Notice n;
  n.set_text(text);
  return codec::pb_push(n);
}

struct sessions : ::testing::Test {
  boost::asio::io_context io;
  std::shared_ptr<const codec::push_framer> framer = std::make_shared<codec::pb_push_framer>();
  std::shared_ptr<recording_connection> conn() { return std::make_shared<recording_connection>(io); }
  void settle() {
    io.restart();
    io.poll();
  }
};

using seen = recording_connection::seen;

TEST_F(sessions, pushes_carry_the_session_seq_in_order) {
  auto c = conn();
  user_session s(7, "7", "tok", framer, {});
  s.attach(c);
  for (const char* t : {"a", "b", "c"}) EXPECT_TRUE(s.push(notice(t)));
  settle();
  EXPECT_EQ(c->pushes(), (std::vector<seen>{{"game.Notice", 1, "a"}, {"game.Notice", 2, "b"},
                                             {"game.Notice", 3, "c"}}));
}

TEST_F(sessions, resume_sends_the_reply_then_exactly_the_missed_pushes) {
  auto first = conn();
  user_session s(7, "7", "tok", framer, {30s, 256});
  s.attach(first);
  s.push(notice("seen"));
  settle();
  ASSERT_TRUE(s.detach(first->id(), user_session::clock::now()));
  s.push(notice("m1"));
  s.push(notice("m2"));
  settle();
  EXPECT_EQ(first->sent.size(), 1u);  // nothing goes to a dropped connection
  auto second = conn();
  std::uint32_t told = 99;
  auto replayed = s.resume(second, 1, [&](net::connection& c, std::uint32_t n) {
    told = n;
    game::Notice reply;  // stands for the resume reply: seq 0 marks it
    reply.set_text("reply");
    std::string out;
    codec::pb_push_framer{}.frame(*codec::pb_push(reply), 0, out);
    c.send({reinterpret_cast<const std::uint8_t*>(out.data()), out.size()});
  });
  ASSERT_EQ(replayed, 2u);
  EXPECT_EQ(told, 2u);
  s.push(notice("new"));
  settle();
  EXPECT_EQ(second->pushes(),
            (std::vector<seen>{{"game.Notice", 0, "reply"}, {"game.Notice", 2, "m1"},
                               {"game.Notice", 3, "m2"}, {"game.Notice", 4, "new"}}));
}

TEST_F(sessions, resume_is_refused_after_overflow_end_or_a_seq_never_sent) {
  user_session s(7, "7", "tok", framer, {30s, 2});
  auto c = conn();
  s.attach(c);
  s.detach(c->id(), user_session::clock::now());
  for (const char* t : {"1", "2", "3"}) s.push(notice(t));  // keeps 2 and 3 only
  auto noop = [](net::connection&, std::uint32_t) {};
  EXPECT_FALSE(s.resume(conn(), 0, noop));  // needs seq 1: gone
  EXPECT_FALSE(s.resume(conn(), 9, noop));  // never sent
  EXPECT_EQ(s.resume(conn(), 1, noop), 2u);
  s.end(session_end::closed);
  EXPECT_FALSE(s.resume(conn(), 3, noop));
  EXPECT_FALSE(s.push(notice("late")));
}

TEST_F(sessions, a_second_login_kicks_the_first_with_kicked_and_4001) {
  session_hub hub(framer, {});
  auto first = conn();
  auto a = hub.login(7, "7", "t1", first);
  auto second = conn();
  auto b = hub.login(7, "7", "t2", second);
  settle();
  EXPECT_TRUE(a->ended());
  EXPECT_EQ(first->close_code, 4001);
  ASSERT_EQ(first->sent.size(), 1u);
  common::Kicked k;
  ASSERT_TRUE(k.ParseFromArray(first->sent[0].data() + 4, static_cast<int>(first->sent[0].size() - 4)));
  EXPECT_EQ(k.reason(), "logged in elsewhere");
  EXPECT_EQ(hub.find(7), b);
  EXPECT_EQ(hub.find_token("t1"), nullptr);
  EXPECT_EQ(hub.find_token("t2"), b);
  EXPECT_EQ(hub.online(), 1u);
}

TEST_F(sessions, dropped_sessions_wait_for_the_grace_then_end_and_leave_their_rooms) {
  session_hub hub(framer, {1000ms, 16});
  std::vector<std::string> ended;
  hub.on_end([&](const user_session& s, session_end why) {
    ended.push_back(s.name() + ":" + to_string(why));
  });
  auto c = conn();
  auto s = hub.login(7, "seven", "t", c);
  EXPECT_EQ(hub.rooms().join("r", s), 1u);
  hub.dropped(s, c->id());
  EXPECT_EQ(hub.waiting(), 1u);
  EXPECT_EQ(hub.expire(user_session::clock::now()), 0u);  // within the grace
  EXPECT_TRUE(hub.rooms().contains("r", 7));              // still in its room
  EXPECT_EQ(hub.expire(user_session::clock::now() + 2s), 1u);
  EXPECT_EQ(ended, std::vector<std::string>{"seven:expired"});
  EXPECT_EQ(hub.rooms().size("r"), 0u);
  EXPECT_EQ(hub.rooms().count(), 0u);  // an empty room is gone
  EXPECT_EQ(hub.find(7), nullptr);
}

TEST_F(sessions, a_draining_hub_keeps_no_session_for_a_resume) {
  session_hub hub(framer, {30s, 16});
  auto c1 = conn();
  auto waiting = hub.login(1, "1", "a", c1);
  hub.dropped(waiting, c1->id());
  auto c2 = conn();
  auto live = hub.login(2, "2", "b", c2);
  hub.drain();
  EXPECT_TRUE(waiting->ended());
  hub.dropped(live, c2->id());
  EXPECT_TRUE(live->ended());
  EXPECT_EQ(hub.online(), 0u);
}

TEST_F(sessions, a_room_broadcast_reaches_members_only_encoded_once) {
  groups rooms;
  auto ca = conn(), cb = conn(), cc = conn();
  auto a = std::make_shared<user_session>(1, "1", "", framer, resume_limits{});
  auto b = std::make_shared<user_session>(2, "2", "", framer, resume_limits{});
  auto c = std::make_shared<user_session>(3, "3", "", framer, resume_limits{});
  a->attach(ca);
  b->attach(cb);
  c->attach(cc);
  EXPECT_EQ(rooms.join("den", a), 1u);
  EXPECT_EQ(rooms.join("den", b), 2u);
  EXPECT_EQ(rooms.join("den", b), 2u);  // joining twice is one membership
  auto body = notice("hi");
  EXPECT_EQ(rooms.broadcast("den", body), 2u);
  settle();
  EXPECT_EQ(ca->pushes(), (std::vector<seen>{{"game.Notice", 1, "hi"}}));
  EXPECT_EQ(cb->pushes(), (std::vector<seen>{{"game.Notice", 1, "hi"}}));
  EXPECT_TRUE(cc->sent.empty());
  EXPECT_EQ(body.use_count(), 3);  // the two resume buffers share the one body
  EXPECT_TRUE(rooms.leave("den", a));
  EXPECT_FALSE(rooms.leave("den", a));
  EXPECT_EQ(rooms.members("den"), std::vector<std::int64_t>{2});
  b->end(session_end::closed);
  EXPECT_EQ(rooms.broadcast("den", body), 0u);  // an ended session is not reached
  rooms.leave_all(b);
  EXPECT_EQ(rooms.count(), 0u);
  EXPECT_EQ(rooms.join("den", b), 0u);  // an ended session cannot join
}

TEST_F(sessions, the_rooms_observer_sees_each_count_after_a_join_or_leave_and_counts_lists_all) {
  session_hub hub(framer, {1000ms, 16});
  std::vector<std::string> seen;
  hub.rooms().set_observer([&](const std::string& room, std::size_t members) {
    seen.push_back(room + "=" + std::to_string(members));
  });
  auto c1 = conn(), c2 = conn();
  auto one = hub.login(1, "one", "t1", c1);
  auto two = hub.login(2, "two", "t2", c2);
  hub.rooms().join("r", one);
  hub.rooms().join("r", two);
  hub.rooms().join("s", two);
  auto counts = hub.rooms().counts();
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<std::pair<std::string, std::size_t>>{{"r", 2}, {"s", 1}}));
  EXPECT_FALSE(hub.rooms().leave("s", one));  // not a member: nothing changed
  hub.end(two, session_end::closed);          // its session ends: it leaves both rooms
  hub.rooms().set_observer(nullptr);
  hub.rooms().leave("r", one);
  std::sort(seen.begin() + 3, seen.end());  // the order of an ended session's rooms is free
  EXPECT_EQ(seen, (std::vector<std::string>{"r=1", "r=2", "s=1", "r=1", "s=0"}));
}

}  // namespace
}  // namespace stratus::gate
