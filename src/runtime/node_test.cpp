// Node-level behaviour: launching by type, mass creation, stop, statistics and warnings.
#include "runtime/node.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <mutex>
#include <map>
#include <condition_variable>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "runtime/log.hpp"
#include "runtime/offload.hpp"
#include "runtime/probe.hpp"
#include "runtime/worker.hpp"

namespace stratus::runtime {
namespace {

using namespace std::chrono_literals;

struct ping {
  using response = std::string;
};
struct spin {
  std::chrono::milliseconds for_;
};

class echo_args : public service {
 public:
  explicit echo_args(const std::vector<std::string>& args) : args_(args) {}
  static void describe(handlers<echo_args>& h) {
    h.on(&echo_args::on_ping);
    h.on(&echo_args::on_spin);
  }
  std::string on_ping(ping) {
    std::string out;
    for (auto& a : args_) out += a + ";";
    return out;
  }
  void on_spin(spin s) {
    auto end = std::chrono::steady_clock::now() + s.for_;
    while (std::chrono::steady_clock::now() < end) {
    }
  }

 private:
  std::vector<std::string> args_;
};

std::atomic<int> stopped_count{0};

class quitter : public service {
 public:
  void on_start() override { exit(); }
};

class stop_counter : public service {
 public:
  void on_stop() override { ++stopped_count; }
};

node_options two_threads() {
  node_options o;
  o.threads = 2;
  return o;
}

TEST(Node, HundredThousandServicesComeAndGo) {
  node n(two_threads());
  n.start();
  constexpr int count = 100000;
  for (int i = 0; i < count; ++i) n.launch_service<quitter>();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (n.service_count() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(n.service_count(), 0u);
  n.stop();
  n.wait();
}

TEST(Node, StopRunsEveryOnStopAndWaitReturns) {
  stopped_count = 0;
  node n(two_threads());
  n.start();
  for (int i = 0; i < 100; ++i) n.launch_service<stop_counter>();
  std::this_thread::sleep_for(20ms);
  n.stop();
  n.wait();
  EXPECT_EQ(stopped_count.load(), 100);
  EXPECT_EQ(n.service_count(), 0u);
}

TEST(Node, DestroyingANeverStartedNodeFreesItsServices) {
  stopped_count = 0;
  {
    node n(two_threads());
    for (int i = 0; i < 10; ++i) n.launch_service<stop_counter>();
  }
  EXPECT_EQ(stopped_count.load(), 10);
}

TEST(Node, StatsCountHandledMessages) {
  node n(two_threads());
  n.start();
  address a = n.launch_service<echo_args>(std::vector<std::string>{});
  auto f = n.exec([&](service& s) -> task<void> {
    for (int i = 0; i < 10; ++i) (void)co_await s.call(a, ping{});
  });
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  // Counters are added at the end of each batch, so the last reply can reach the caller a
  // moment before its message is counted: wait for the figures to settle.
  service_stats seen;
  for (int i = 0; i < 400 && seen.handled != 11u; ++i) {
    for (const service_stats& st : n.stats())
      if (st.addr == a) seen = st;
    if (seen.handled != 11u) std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(seen.addr, a);
  EXPECT_EQ(seen.handled, 11u);  // start + 10 pings, never more
  EXPECT_EQ(seen.name, "echo_args");
  EXPECT_GT(seen.cpu_ns, 0u);
  n.stop();
  n.wait();
}

TEST(Node, EveryServiceAnswersAProbeOnItsOwnThread) {
  node n(two_threads());
  n.start();
  address a = n.launch_named<stop_counter>(".quiet");  // no handlers of its own
  std::string seen_name;
  bool ok = false;
  auto f = n.exec([&](service& s) -> task<void> {
    probe p{[&seen_name](service& target) { seen_name = target.name(); }};
    result<done> r = co_await s.call(a, std::move(p));
    ok = r.ok();
  });
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(ok);
  EXPECT_EQ(seen_name, ".quiet");
  n.stop();
  n.wait();
}

/// Answers a ping after a minute: killed first, its caller hears dead_service.
class slow_answer : public service {
 public:
  static void describe(handlers<slow_answer>& h) { h.on(&slow_answer::on_ping); }
  task<std::string> on_ping(ping) {
    co_await sleep(60s);
    co_return "late";
  }
};

/// What a port heard: replies by session, with the worker each ran on.
struct port_log {
  struct heard {
    message_kind kind;
    std::string body;  // the string reply, or the call_error's message
    call_errc code = call_errc::timeout;
    int worker = -1;
    std::uint64_t request = 0;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::int32_t, heard> by_session;

  std::function<void(envelope&)> recorder() {
    return [this](envelope& env) {
      heard h{env.kind, {}, call_errc::timeout, worker::current() ? worker::current()->index() : -1,
              env.request};
      if (env.kind == message_kind::response) h.body = env.body.get<std::string>();
      if (env.kind == message_kind::error) {
        h.code = env.body.get<call_error>().code;
        h.body = env.body.get<call_error>().message;
      }
      std::lock_guard lock(mu);
      by_session[env.session] = h;
      cv.notify_all();
    };
  }
  std::optional<heard> wait_for(std::int32_t session) {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, 5s, [&] { return by_session.count(session) > 0; })) return std::nullopt;
    return by_session[session];
  }
};

TEST(Node, APortHearsRepliesOnTheReplyingServicesThread) {
  node n(two_threads());
  n.start();
  const std::size_t services_before = n.service_count();
  port_log heard;
  const address port = n.open_port(heard.recorder());
  EXPECT_EQ(n.service_count(), services_before);  // a port is no service
  const address echo = n.launch_service<echo_args>(std::vector<std::string>{"x"});
  const address slow = n.launch_service<slow_answer>();

  // A call from outside any service, with the port as its source: the reply comes back on the
  // echo service's own worker thread, with the request id the call carried.
  envelope call{port, 7, message_kind::send, payload(ping{}), 42};
  ASSERT_TRUE(n.post(echo, call));
  auto reply = heard.wait_for(7);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->kind, message_kind::response);
  EXPECT_EQ(reply->body, "x;");
  int echo_worker = -2;
  for (const service_stats& st : n.stats()) {
    if (st.addr == echo) echo_worker = st.worker;
    EXPECT_NE(st.addr, port);  // stats list services only
  }
  EXPECT_EQ(reply->worker, echo_worker);
  EXPECT_EQ(reply->request, 42u);

  // Several at once, in order: each is answered.
  std::vector<envelope> three;
  for (std::int32_t s = 20; s < 23; ++s) three.push_back(envelope{port, s, message_kind::send, payload(ping{}), 0});
  ASSERT_TRUE(n.post_all(echo, three));
  for (std::int32_t s = 20; s < 23; ++s) {
    auto r = heard.wait_for(s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "x;");
  }

  // The service dies before answering: the port hears dead_service.
  envelope pending{port, 8, message_kind::send, payload(ping{}), 0};
  ASSERT_TRUE(n.post(slow, pending));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(n.kill(slow));
  auto died = heard.wait_for(8);
  ASSERT_TRUE(died);
  EXPECT_EQ(died->kind, message_kind::error);
  EXPECT_EQ(died->code, call_errc::dead_service);
  std::vector<envelope> to_the_dead;
  to_the_dead.push_back(envelope{port, 30, message_kind::send, payload(ping{}), 0});
  EXPECT_FALSE(n.post_all(slow, to_the_dead));
  EXPECT_TRUE(to_the_dead[0].body.holds<ping>());  // not taken

  // A port takes replies only; nobody posts into a port.
  EXPECT_FALSE(n.send(port, ping{}));
  envelope into_port{no_address, 0, message_kind::send, payload(ping{}), 0};
  EXPECT_FALSE(n.post(port, into_port));

  // Closed, it hears nothing more: a reply to it is dropped.
  n.close_port(port);
  envelope late{port, 9, message_kind::send, payload(ping{}), 0};
  ASSERT_TRUE(n.post(echo, late));
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(heard.mu);
    EXPECT_EQ(heard.by_session.count(9), 0u);
  }

  // A port left open does not hold up shutdown.
  port_log other;
  (void)n.open_port(other.recorder());
  const auto t0 = std::chrono::steady_clock::now();
  n.stop();
  n.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);  // the grace is 5 s
  EXPECT_EQ(n.service_count(), 0u);
}

TEST(Node, KillEndsAServiceAndStatsNameItsType) {
  node n(two_threads());
  n.start();
  const int before = stopped_count.load();
  address a = n.launch_named<stop_counter>(".victim");
  std::string type;
  for (const service_stats& st : n.stats())
    if (st.addr == a) type = st.type;
  EXPECT_NE(type.find("stop_counter"), std::string::npos) << type;
  EXPECT_TRUE(n.kill(a));
  for (int i = 0; i < 400 && n.lookup(".victim") != no_address; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(n.lookup(".victim"), no_address);
  EXPECT_EQ(stopped_count.load(), before + 1);
  EXPECT_FALSE(n.kill(a));
  n.stop();
  n.wait();
}

std::promise<std::vector<int>>* fork_result = nullptr;
std::promise<std::vector<int>>* timeout_result = nullptr;

// timeout(d, fn) fires in deadline order, and a throwing callback leaves the service alive.
class timeouts : public service {
 public:
  void on_start() override {
    timeout(std::chrono::milliseconds(60), [this] { done(3); });
    timeout(std::chrono::milliseconds(10), [] { throw std::runtime_error("boom"); });
    timeout(std::chrono::milliseconds(20), [this] { order_.push_back(1); });
    timeout(std::chrono::milliseconds(40), [this] { order_.push_back(2); });
  }
  void done(int i) {
    order_.push_back(i);
    timeout_result->set_value(order_);
    exit();
  }

 private:
  std::vector<int> order_;
};

class noted : public service {
 public:
  void on_start() override { publish_stats("pool 4 up 3"); }
};

TEST(Node, PublishedFiguresShowInStats) {
  node n(two_threads());
  n.start();
  address a = n.launch_service<noted>();
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    for (const service_stats& s : n.stats()) {
      if (s.addr == a && s.note == "pool 4 up 3") found = true;
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(found);
  n.stop();
  n.wait();
}

TEST(Node, TimeoutRunsCallbacksInDeadlineOrder) {
  std::promise<std::vector<int>> result;
  timeout_result = &result;
  auto fut = result.get_future();
  node n(two_threads());
  n.start();
  n.launch_service<timeouts>();
  ASSERT_EQ(fut.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(fut.get(), (std::vector<int>{1, 2, 3}));
  n.stop();
  n.wait();
}

class fork_sleep : public service {
 public:
  void on_start() override {
    for (int i = 3; i >= 1; --i) fork(tick(i));
  }
  task<void> tick(int i) {
    co_await sleep(std::chrono::milliseconds(30 * i));
    order_.push_back(i);
    if (order_.size() == 3) {
      fork_result->set_value(order_);
      exit();
    }
  }

 private:
  std::vector<int> order_;
};

TEST(Node, ForkedCoroutinesSleepIndependently) {
  std::promise<std::vector<int>> result;
  fork_result = &result;
  auto fut = result.get_future();
  node n(two_threads());
  n.start();
  n.launch_service<fork_sleep>();
  ASSERT_EQ(fut.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(fut.get(), (std::vector<int>{1, 2, 3}));
  n.stop();
  n.wait();
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Node, WarnsAboutLongHandlersAndOverloadedMailboxes) {
  auto file = std::filesystem::temp_directory_path() / "stratus_node_warn_test.log";
  std::filesystem::remove(file);
  log::init({"info", file.string()});
  node_options o = two_threads();
  o.slow_handler = 200ms;
  o.mailbox_warn = 64;
  node n(o);
  n.start();
  address a = n.launch_service<echo_args>(std::vector<std::string>{});
  {
    log::request_scope request(0x5107);  // the warning names the request of the stuck message
    n.send(a, spin{500ms});
  }
  for (int i = 0; i < 200; ++i) n.send(a, ping{});
  std::this_thread::sleep_for(700ms);
  n.stop();
  n.wait();
  log::flush();
  const std::string text = read_file(file);
  log::init({"info", ""});
  EXPECT_NE(text.find("endless loop"), std::string::npos) << text;
  EXPECT_NE(text.find("req=0000000000005107 service "), std::string::npos) << text;
  EXPECT_NE(text.find("overloaded"), std::string::npos) << text;
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace stratus::runtime

namespace stratus::runtime {
namespace {

struct slow_square {
  int v;
  using response = int;
};

class blocking_user : public service {
 public:
  static void describe(handlers<blocking_user>& h) { h.on(&blocking_user::on_square); }
  task<int> on_square(slow_square m) {
    const auto worker_thread = std::this_thread::get_id();
    int r = co_await offload(*this, [v = m.v] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a blocking driver call
      return v * v;
    });
    if (std::this_thread::get_id() != worker_thread) throw std::runtime_error("wrong thread");
    co_return r;
  }
};

TEST(Node, OffloadRunsBlockingWorkOffTheWorkerAndResumesOnIt) {
  node n(two_threads());
  n.start();
  address named = n.launch_named<blocking_user>(".blocking");
  EXPECT_EQ(n.launch_named<blocking_user>(".blocking"), no_address);
  ASSERT_NE(named, no_address);
  auto f = n.exec([&](service& s) -> task<void> {
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await s.call(".blocking", slow_square{7});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(*r, 49);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
  });
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  f.get();
  n.stop();
  n.wait();
}

}  // namespace
}  // namespace stratus::runtime
