// Two nodes over a real nats-server: cross-node calls with typed errors, a node killed with
// SIGKILL while calls to it wait (each fails with node_down within cluster_dead_after_ms),
// and NATS itself going away and coming back.
#include "cluster/cluster.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "game.pb.h"
#include "cluster/nats_test_server.hpp"
#include "runtime/call_metrics.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

STRATUS_RESPONSE(game::PingReq, game::PingResp);
STRATUS_RESPONSE(game::EchoReq, game::EchoResp);

namespace stratus::cluster {
namespace {

using testing::free_port;
using testing::nats_server;

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// Answers PingReq (after `delay`), on node b.
class pinger : public runtime::service {
 public:
  explicit pinger(std::chrono::milliseconds delay) : delay_(delay) {}
  static void describe(runtime::handlers<pinger>& h) { h.on(&pinger::on_ping); }
  runtime::task<game::PingResp> on_ping(game::PingReq) {
    if (delay_.count() > 0) co_await sleep(delay_);
    game::PingResp resp;
    resp.set_server_time_ms(4242);
    co_return resp;
  }

 private:
  std::chrono::milliseconds delay_;
};

/// Answers PingReq with the id of the request the call was made for (after a short sleep:
/// the id must survive it), on node b.
class request_pinger : public runtime::service {
 public:
  static void describe(runtime::handlers<request_pinger>& h) { h.on(&request_pinger::on_ping); }
  runtime::task<game::PingResp> on_ping(game::PingReq) {
    co_await sleep(5ms);
    game::PingResp resp;
    resp.set_server_time_ms(static_cast<std::int64_t>(runtime::log::current_request()));
    co_return resp;
  }
};

/// Never answers in time: b's own call timeout (1 s) answers for it.
class stuck : public runtime::service {
 public:
  static void describe(runtime::handlers<stuck>& h) { h.on(&stuck::on_ping); }
  runtime::task<game::PingResp> on_ping(game::PingReq) {
    co_await sleep(60s);
    co_return game::PingResp{};
  }
};

/// Answers pings two at a time: the first waits for the second, and both answers are given in
/// one turn, so they reach the calling node in one batch.
class pairs : public runtime::service {
 public:
  static void describe(runtime::handlers<pairs>& h) { h.on(&pairs::on_ping); }
  runtime::task<game::PingResp> on_ping(game::PingReq) {
    if (!waiting_) {
      parked wait{&waiting_};
      co_await wait;
    } else {
      resume(std::exchange(waiting_, nullptr), 0);
    }
    co_return game::PingResp{};
  }

 private:
  struct parked {
    std::coroutine_handle<>* slot;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { *slot = h; }
    void await_resume() const noexcept {}
  };
  std::coroutine_handle<> waiting_;
};

cluster_options options(const std::string& name, const std::string& url) {
  cluster_options o;
  o.servers = {url};
  o.node_name = name;
  o.heartbeat = 100ms;
  o.dead_after = 600ms;
  return o;
}

/// Runs node b (its `.cluster` and `.pinger`) in a child process until it is killed; only
/// call before the test starts any thread.
pid_t spawn_node_b(const std::string& url, std::chrono::milliseconds delay) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  expose<game::PingReq>();
  runtime::node_options o;
  o.call_timeout = 1s;
  runtime::node n(o);
  n.start();
  n.launch_named<cluster_service>(".cluster", options("b", url));
  n.launch_named<pinger>(".pinger", delay);
  n.launch_named<request_pinger>(".request_pinger");
  n.launch_named<stuck>(".stuck");
  n.launch_named<pairs>(".pairs");
  n.wait();
  ::_exit(0);
}

/// Runs `body` as a coroutine on `n` and waits for it.
void run_on(runtime::node& n, std::function<runtime::task<void>(runtime::service&)> body) {
  ASSERT_EQ(n.exec(std::move(body)).wait_for(30s), std::future_status::ready);
}

bool wait_for_node(runtime::node& n, const std::string& name, std::chrono::seconds within) {
  const auto until = steady::now() + within;
  while (steady::now() < until) {
    bool up = false;
    run_on(n, [&](runtime::service& self) -> runtime::task<void> {
      for (const auto& node : live_nodes(self)) up = up || node == name;
      co_return;
    });
    if (up) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

/// A nats-server, node b in a child process (spawn_node_b, answering after `b_delay`) and
/// node a in this one, with its `.cluster`. Node b is killed and node a stopped at the end,
/// also when an assertion ends the test early.
struct two_nodes {
  explicit two_nodes(std::chrono::milliseconds b_delay = 0ms)
      : nats(free_port()), b(spawn_node_b(nats.url(), b_delay)), a(runtime::node_options{}) {
    a.start();
    a.launch_named<cluster_service>(".cluster", options("a", nats.url()));
  }
  ~two_nodes() {
    kill_b();
    a.stop();
    a.wait();
  }
  /// True once node a sees node b alive.
  bool joined(std::chrono::seconds within = 10s) { return wait_for_node(a, "b", within); }
  void kill_b() {
    if (b <= 0) return;
    ::kill(b, SIGKILL);
    ::waitpid(b, nullptr, 0);
    b = -1;
  }

  nats_server nats;
  pid_t b;
  runtime::node a;
};

/// How many calls ended with `outcome` in this process (runtime::call_metrics).
std::uint64_t calls_with(const std::string& outcome) {
  for (const auto& [name, n] : runtime::call_metrics::instance().figures())
    if (name == outcome) return n;
  return 0;
}

TEST(cluster, calls_cross_nodes_and_every_failure_has_its_own_error) {
  two_nodes nodes;
  ASSERT_TRUE(nodes.joined());
  runtime::node& a = nodes.a;
  run_on(a, [&](runtime::service& self) -> runtime::task<void> {
    game::PingReq ping;
    auto ok = co_await call(self, "b", ".pinger", ping);
    EXPECT_TRUE(ok);
    if (ok) EXPECT_EQ(ok->server_time_ms(), 4242);
    auto nobody = co_await call(self, "b", ".nobody", ping);
    EXPECT_FALSE(nobody);
    if (nobody) co_return;
    EXPECT_EQ(nobody.error().code, runtime::call_errc::no_such_service);
    EXPECT_EQ(nobody.error().message, "no service .nobody on node b");
    game::EchoReq echo;  // not exposed on b
    auto unexposed = co_await call(self, "b", ".pinger", echo);
    EXPECT_FALSE(unexposed);
    if (unexposed) co_return;
    EXPECT_EQ(unexposed.error().code, runtime::call_errc::no_handler);
    // A handler that outlives the serving node's call timeout: that node answers timeout
    // (the caller would wait its own 10 s).
    const auto stuck_from = steady::now();
    auto late = co_await call(self, "b", ".stuck", ping, 10s);
    EXPECT_FALSE(late);
    if (late) co_return;
    EXPECT_EQ(late.error().code, runtime::call_errc::timeout);
    EXPECT_EQ(late.error().message, "call timed out");
    EXPECT_LT(steady::now() - stuck_from, 5s);
    const auto t0 = steady::now();
    const std::uint64_t node_down_before = calls_with("node_down");
    auto unknown = co_await call(self, "zz", ".pinger", ping);
    EXPECT_FALSE(unknown);
    if (unknown) co_return;
    EXPECT_EQ(unknown.error().code, runtime::call_errc::node_down);
    EXPECT_EQ(calls_with("node_down"), node_down_before + 1);  // counted like local calls
    EXPECT_LT(steady::now() - t0, 100ms);  // at once: never a wait for a timeout
    auto sent = send(self, "b", ".pinger", ping);
    EXPECT_TRUE(sent);
    // The same call to every other live node at once (here: b), each with its own outcome.
    auto all = co_await call_others(self, ".pinger", ping);
    EXPECT_EQ(all.size(), 1u);
    if (all.size() != 1) co_return;
    EXPECT_EQ(all[0].node, "b");
    EXPECT_TRUE(all[0].result);
    auto none = co_await call_others(self, ".nobody", ping);
    EXPECT_EQ(none.size(), 1u);
    if (none.size() != 1 || none[0].result) co_return;
    EXPECT_EQ(none[0].result.error().code, runtime::call_errc::no_such_service);
  });
  // A cluster-wide name: claimed here, seen from here; a name nobody holds has no owner.
  run_on(a, [&](runtime::service& self) -> runtime::task<void> {
    EXPECT_TRUE(claim(self, ".matchmaker"));
    EXPECT_EQ(owner_of(self, ".matchmaker"), std::optional<std::string>("a"));
    EXPECT_EQ(owner_of(self, ".nothing"), std::nullopt);
    co_return;
  });
}

/// What node a saw of a request that called node b: the id b's handler ran under, and a's
/// own once the call returned.
struct request_seen {
  std::uint64_t on_b = 0;
  std::uint64_t on_a_after = 0;
};
struct probe_b {
  std::promise<request_seen>* out;
};

/// On node a: calls b's `.pinger` for the request that sent it the probe.
class prober : public runtime::service {
 public:
  static void describe(runtime::handlers<prober>& h) { h.on(&prober::on_probe); }
  runtime::task<void> on_probe(probe_b m) {
    game::PingReq ping;
    auto r = co_await cluster::call(*this, "b", ".request_pinger", ping);
    request_seen seen;
    if (r) seen.on_b = static_cast<std::uint64_t>(r->server_time_ms());
    seen.on_a_after = runtime::log::current_request();
    m.out->set_value(seen);
  }
};

TEST(cluster, the_request_id_crosses_to_the_called_node_and_back) {
  two_nodes nodes;
  ASSERT_TRUE(nodes.joined());
  runtime::node& a = nodes.a;
  const runtime::address probe = a.launch_service<prober>();
  std::promise<request_seen> seen;
  {
    runtime::log::request_scope request(0x5eed00000001);
    a.send(probe, probe_b{&seen});
  }
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  const request_seen got = f.get();
  EXPECT_EQ(got.on_b, 0x5eed00000001u);
  EXPECT_EQ(got.on_a_after, 0x5eed00000001u);
}

/// On node a: calls b's `.pairs`, then either holds its worker for `hold` or, with no hold,
/// times a second call to b made right after.
class pair_caller : public runtime::service {
 public:
  struct go {
    std::chrono::milliseconds hold;
    std::promise<std::chrono::milliseconds>* second_call;  // with no hold
  };
  static void describe(runtime::handlers<pair_caller>& h) { h.on(&pair_caller::on_go); }
  runtime::task<void> on_go(go g) {
    game::PingReq ping;
    auto first = co_await cluster::call(*this, "b", ".pairs", ping);
    EXPECT_TRUE(first);
    if (g.hold.count() > 0) {
      std::this_thread::sleep_for(g.hold);  // a long handler: this worker does nothing else
      co_return;
    }
    const auto t0 = steady::now();
    auto second = co_await cluster::call(*this, "b", ".pinger", ping);
    EXPECT_TRUE(second);
    g.second_call->set_value(std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0));
  }
};

TEST(cluster, a_long_handler_on_one_worker_does_not_hold_up_the_calls_of_another) {
  // The answers to x (worker 0) and y (worker 1) reach a in one batch, which resumes both in one
  // round: what they call next leaves in one batch when the round's last worker is done. y then
  // holds its worker for 1.5 s; x's next call must not wait for y's worker.
  two_nodes nodes;  // node a has two workers
  ASSERT_TRUE(nodes.joined());
  runtime::node& a = nodes.a;
  const runtime::address x = a.launch_on<pair_caller>(0);
  const runtime::address y = a.launch_on<pair_caller>(1);
  std::promise<std::chrono::milliseconds> second_call;
  ASSERT_TRUE(a.send(y, pair_caller::go{1500ms, nullptr}));
  ASSERT_TRUE(a.send(x, pair_caller::go{0ms, &second_call}));
  auto f = second_call.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_LT(f.get(), 750ms) << "x's call waited for y's worker";
}

TEST(cluster, a_node_killed_with_calls_pending_fails_each_with_node_down_within_dead_after) {
  two_nodes nodes(30s);  // b never answers in time
  ASSERT_TRUE(nodes.joined());
  runtime::node& a = nodes.a;
  std::atomic<int> node_down{0};
  std::atomic<long> slowest_ms{0};
  std::promise<void> sent;
  std::vector<std::future<void>> callers;
  steady::time_point killed_at{};
  std::mutex mu;
  for (int i = 0; i < 5; ++i) {
    callers.push_back(a.exec([&, i](runtime::service& self) -> runtime::task<void> {
      game::PingReq ping;
      runtime::result<game::PingResp> r = runtime::call_error{runtime::call_errc::timeout, ""};
      if (i == 0) {  // one waits through call_others, which fails the same way
        auto all = co_await call_others(self, ".pinger", ping, 20s);
        if (all.size() == 1) r = std::move(all[0].result);
      } else {
        r = co_await call(self, "b", ".pinger", ping, 20s);
      }
      std::lock_guard lock(mu);
      if (!r && r.error().code == runtime::call_errc::node_down) ++node_down;
      const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - killed_at).count();
      slowest_ms = std::max<long>(slowest_ms, ms);
    }));
  }
  std::this_thread::sleep_for(300ms);  // the calls are out, waiting on b
  {
    std::lock_guard lock(mu);
    killed_at = steady::now();
    nodes.kill_b();
  }
  for (auto& f : callers) ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(node_down.load(), 5);
  // dead_after is 600 ms; a heartbeat tick of slack.
  EXPECT_LE(slowest_ms.load(), 600 + 300) << "pending calls failed " << slowest_ms << " ms after the kill";
  run_on(a, [&](runtime::service& self) -> runtime::task<void> {
    game::PingReq ping;
    const auto t0 = steady::now();
    auto later = co_await call(self, "b", ".pinger", ping);
    EXPECT_FALSE(later);
    if (later) co_return;
    EXPECT_EQ(later.error().code, runtime::call_errc::node_down);
    EXPECT_LT(steady::now() - t0, 100ms);
  });
}

TEST(cluster, nats_going_away_fails_calls_fast_and_everything_recovers_when_it_returns) {
  two_nodes nodes;
  ASSERT_TRUE(nodes.joined());
  runtime::node& a = nodes.a;
  nodes.nats.stop();
  std::this_thread::sleep_for(300ms);
  run_on(a, [&](runtime::service& self) -> runtime::task<void> {
    game::PingReq ping;
    const auto t0 = steady::now();
    auto r = co_await call(self, "b", ".pinger", ping);
    EXPECT_FALSE(r);
    if (r) co_return;
    EXPECT_EQ(r.error().code, runtime::call_errc::node_down);
    EXPECT_LT(steady::now() - t0, 100ms);
  });
  nodes.nats.start();
  ASSERT_TRUE(nodes.joined(15s));
  bool answered = false;
  const auto until = steady::now() + 10s;
  while (!answered && steady::now() < until) {
    run_on(a, [&](runtime::service& self) -> runtime::task<void> {
      game::PingReq ping;
      auto r = co_await call(self, "b", ".pinger", ping, 1s);
      answered = r.ok();
    });
  }
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace stratus::cluster
