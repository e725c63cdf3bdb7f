// Prints the runtime's headline figures: one-way sends, call round trips, fan-out and service
// creation, each at 1 and 2 worker threads (median of 5 runs).
//   build/release/bin/runtime_bench [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <future>
#include <string>
#include <vector>

#include "runtime/log.hpp"
#include "runtime/node.hpp"

namespace rt = stratus::runtime;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct tick {
  std::uint64_t n;
};
struct sync_req {
  using response = std::uint64_t;
};
struct echo_req {
  std::uint64_t v;
  using response = std::uint64_t;
};

/// Counts one-way messages; answers sync with the count so far.
class sink : public rt::service {
 public:
  static void describe(rt::handlers<sink>& h) {
    h.on(&sink::on_tick);
    h.on(&sink::on_sync);
    h.on(&sink::on_echo);
  }
  void on_tick(tick t) { count_ += t.n; }
  std::uint64_t on_sync(sync_req) { return count_; }
  std::uint64_t on_echo(echo_req e) { return e.v + 1; }

 private:
  std::uint64_t count_ = 0;
};

class quitter : public rt::service {
 public:
  void on_start() override { exit(); }
};

rt::node_options with_threads(int t) {
  rt::node_options o;
  o.threads = t;
  o.mailbox_warn = 0;
  o.call_timeout = 30s;
  return o;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// One-way messages from `senders` services to as many sinks, windowed by a sync call.
double one_way(int threads, int senders, std::uint64_t per_sender) {
  rt::node n(with_threads(threads));
  n.start();
  std::vector<rt::address> sinks;
  for (int i = 0; i < senders; ++i) sinks.push_back(n.launch_service<sink>());
  std::vector<std::future<void>> done;
  auto t0 = clock_type::now();
  for (int i = 0; i < senders; ++i) {
    rt::address to = sinks[static_cast<std::size_t>(i)];
    done.push_back(n.exec([to, per_sender](rt::service& s) -> rt::task<void> {
      constexpr std::uint64_t window = 20000;
      for (std::uint64_t sent = 0; sent < per_sender; sent += window) {
        for (std::uint64_t k = 0; k < window; ++k) s.send(to, tick{1});
        (void)co_await s.call(to, sync_req{});
      }
    }));
  }
  for (auto& f : done) f.get();
  double secs = seconds_since(t0);
  n.stop();
  n.wait();
  return static_cast<double>(per_sender) * senders / secs;
}

/// Call round trips: `callers` services each keeping `inflight` coroutines calling a callee.
double calls(int threads, int callers, int inflight, std::uint64_t per_coroutine) {
  rt::node n(with_threads(threads));
  n.start();
  std::vector<rt::address> callees;
  for (int i = 0; i < callers; ++i) callees.push_back(n.launch_service<sink>());
  std::vector<std::future<void>> done;
  auto t0 = clock_type::now();
  for (int i = 0; i < callers; ++i) {
    rt::address to = callees[static_cast<std::size_t>(i)];
    done.push_back(n.exec([to, inflight, per_coroutine](rt::service& s) -> rt::task<void> {
      auto left = std::make_shared<int>(inflight);
      auto all_done = std::make_shared<std::promise<void>>();
      for (int k = 0; k < inflight; ++k) {
        s.fork([](rt::service& s, rt::address to, std::uint64_t count,
                  std::shared_ptr<int> left) -> rt::task<void> {
          for (std::uint64_t j = 0; j < count; ++j) {
            auto r = co_await s.call(to, echo_req{j});
            if (!r.ok() || *r != j + 1) std::abort();
          }
          --*left;
        }(s, to, per_coroutine, left));
      }
      while (*left > 0) co_await s.sleep(1ms);
    }));
  }
  for (auto& f : done) f.get();
  double secs = seconds_since(t0);
  n.stop();
  n.wait();
  return static_cast<double>(per_coroutine) * inflight * callers / secs;
}

/// One service sends to each of `width` services, `rounds` times; messages/s delivered.
double fan_out(int threads, int width, int rounds) {
  rt::node n(with_threads(threads));
  n.start();
  std::vector<rt::address> targets;
  for (int i = 0; i < width; ++i) targets.push_back(n.launch_service<sink>());
  auto t0 = clock_type::now();
  n.exec([&](rt::service& s) -> rt::task<void> {
     for (int r = 0; r < rounds; ++r) {
       for (rt::address t : targets) s.send(t, tick{1});
     }
     for (rt::address t : targets) {  // every message delivered before we stop the clock
       auto c = co_await s.call(t, sync_req{});
       if (!c.ok() || *c != static_cast<std::uint64_t>(rounds)) std::abort();
     }
   }).get();
  double secs = seconds_since(t0);
  n.stop();
  n.wait();
  return static_cast<double>(width) * rounds / secs;
}

/// Services launched, started and exited per second.
double creation(int threads, int count) {
  rt::node n(with_threads(threads));
  n.start();
  auto t0 = clock_type::now();
  for (int i = 0; i < count; ++i) n.launch_service<quitter>();
  while (n.service_count() > 0) std::this_thread::sleep_for(100us);
  double secs = seconds_since(t0);
  n.stop();
  n.wait();
  return count / secs;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double measure(int runs, F f) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) v.push_back(f());
  return median(v);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  rt::log::init({"error", ""});
  const char* only = std::getenv("BENCH_ONLY");
  std::printf("stratus runtime benchmark (median of %d runs)\n", runs);
  std::printf("%-44s %8s %16s\n", "case", "threads", "per second");
  auto want = [&](const char* name) { return !only || std::strcmp(only, name) == 0; };
  std::vector<int> thread_counts{1, 2};
  if (const char* t = std::getenv("BENCH_THREADS")) thread_counts = {std::atoi(t)};
  for (int threads : thread_counts) {
    if (want("send")) std::printf("%-44s %8d %16.0f\n", "one-way send, 1 sender -> 1 receiver", threads,
                measure(runs, [&] { return one_way(threads, 1, 2000000); }));
    if (want("send")) std::printf("%-44s %8d %16.0f\n", "one-way send, 2 senders -> 2 receivers", threads,
                measure(runs, [&] { return one_way(threads, 2, 2000000); }));
    if (want("calls")) std::printf("%-44s %8d %16.0f\n", "call round trip, 1 caller x 1 in flight", threads,
                measure(runs, [&] { return calls(threads, 1, 1, 50000); }));
    if (want("calls")) std::printf("%-44s %8d %16.0f\n", "call round trip, 2 callers x 64 in flight", threads,
                measure(runs, [&] { return calls(threads, 2, 64, 40000); }));
    if (want("fanout")) std::printf("%-44s %8d %16.0f\n", "fan-out to 1,000 services (messages)", threads,
                measure(runs, [&] { return fan_out(threads, 1000, 1000); }));
    if (want("create")) std::printf("%-44s %8d %16.0f\n", "service launch + start + exit", threads,
                measure(runs, [&] { return creation(threads, 200000); }));
  }
  return 0;
}
