// Cross-node call round trips per second and latency, with 1 and 64 calls in flight, against
// a local call and a bare NATS request/reply (the same two processes, the same nats-server, one
// run). Node b runs in a child process; node a and the bare NATS client in this one. "CPU us"
// is the processor time all three processes (a, b, nats-server) spent per round trip: on a
// shared machine it moves less than calls/s does.
//   cluster_bench [--seconds S] [--only-remote N]
// --only-remote N runs just the cross-node case with N calls in flight, for a profiler.
#include <arpa/inet.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster.hpp"
#include "cluster/nats_test_server.hpp"
#include "game.pb.h"
#include "runtime/node.hpp"

STRATUS_RESPONSE(game::PingReq, game::PingResp);

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
namespace cl = stratus::cluster;
namespace rt = stratus::runtime;

class pinger : public rt::service {
 public:
  static void describe(rt::handlers<pinger>& h) { h.on(&pinger::on_ping); }
  game::PingResp on_ping(game::PingReq) {
    game::PingResp r;
    r.set_server_time_ms(1);
    return r;
  }
};

/// Answers PingReq after 60 s: calls to it are pending when its node is killed.
class sleeper : public rt::service {
 public:
  static void describe(rt::handlers<sleeper>& h) { h.on(&sleeper::on_ping); }
  rt::task<game::PingResp> on_ping(game::PingReq) {
    co_await sleep(std::chrono::seconds(60));
    co_return game::PingResp{};
  }
};

cl::cluster_options options(const std::string& name, const std::string& url) {
  cl::cluster_options o;
  o.servers = {url};
  o.node_name = name;
  return o;
}

struct figures {
  double per_s = 0;
  double p50_us = 0, p99_us = 0;
  double cpu_us = 0;  // per round trip, all processes
};

/// The processor time (user + system) process `pid` has used, in seconds.
double cpu_seconds(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return 0;
  char buf[1024];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  const char* p = std::strrchr(buf, ')');  // the command name may hold spaces
  unsigned long utime = 0, stime = 0;
  if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                        &stime) != 2)
    return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// The processor time of this process, node b's and nats-server's, together.
struct cpu_meter {
  std::vector<pid_t> pids;
  double total() const {
    double t = 0;
    for (pid_t p : pids) t += cpu_seconds(p);
    return t;
  }
};
cpu_meter meter;

figures summarize(std::vector<double>& us, double seconds) {
  figures f;
  f.per_s = static_cast<double>(us.size()) / seconds;
  if (us.empty()) return f;
  std::sort(us.begin(), us.end());
  f.p50_us = us[us.size() / 2];
  f.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  return f;
}

/// `in_flight` coroutines on node a, each calling in a loop for `seconds`.
figures run_calls(rt::node& a, int in_flight, double seconds, bool remote) {
  std::mutex mu;
  std::vector<double> us;
  std::atomic<long> failed{0};
  const auto until = steady::now() + std::chrono::duration<double>(seconds);
  std::vector<std::future<void>> loops;
  const double cpu0 = meter.total();
  for (int i = 0; i < in_flight; ++i) {
    loops.push_back(a.exec([&](rt::service& self) -> rt::task<void> {
      std::vector<double> mine;
      game::PingReq ping;
      while (steady::now() < until) {
        const auto t0 = steady::now();
        bool ok = false;
        if (remote) {
          auto r = co_await cl::call(self, "b", ".pinger", ping);
          ok = r.ok();
        } else {
          auto r = co_await self.call(".pinger", game::PingReq(ping));
          ok = r.ok();
        }
        if (!ok) ++failed;
        mine.push_back(std::chrono::duration<double, std::micro>(steady::now() - t0).count());
      }
      std::lock_guard lock(mu);
      us.insert(us.end(), mine.begin(), mine.end());
    }));
  }
  for (auto& l : loops) l.wait();
  const double cpu = meter.total() - cpu0;
  if (failed) std::fprintf(stderr, "%ld calls failed\n", failed.load());
  figures f = summarize(us, seconds);
  f.cpu_us = us.empty() ? 0 : cpu * 1e6 / static_cast<double>(us.size());
  return f;
}

/// Bare NATS: a responder echoing on "bench.echo" (in node b's process would be fairer, but the
/// responder is a cnats callback thread either way), `in_flight` requests kept outstanding.
struct bare_state {
  natsConnection* nc = nullptr;
  std::string inbox;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> us;
  std::vector<steady::time_point> sent;  // per slot
};

void on_bare_reply(natsConnection* nc, natsSubscription*, natsMsg* msg, void* closure) {
  auto* st = static_cast<bare_state*>(closure);
  int slot = 0;
  std::memcpy(&slot, natsMsg_GetData(msg), sizeof slot);
  natsMsg_Destroy(msg);
  const auto now = steady::now();
  {
    std::lock_guard lock(st->mu);
    st->us.push_back(std::chrono::duration<double, std::micro>(now - st->sent[slot]).count());
    st->sent[slot] = steady::now();
  }
  if (!st->stop.load())
    natsConnection_PublishRequest(nc, "bench.echo", st->inbox.c_str(), &slot, sizeof slot);
}

void on_bare_echo(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
  natsConnection_Publish(nc, natsMsg_GetReply(msg), natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  natsMsg_Destroy(msg);
}

/// A connection that writes each message at once, as the cluster link does (cnats otherwise
/// leaves small messages to its flusher thread, about 1 ms later).
natsConnection* connect_asap(const std::string& url) {
  natsOptions* o = nullptr;
  natsOptions_Create(&o);
  natsOptions_SetURL(o, url.c_str());
  natsOptions_SetSendAsap(o, true);
  natsConnection* nc = nullptr;
  natsConnection_Connect(&nc, o);
  natsOptions_Destroy(o);
  return nc;
}

figures run_bare(const std::string& url, int in_flight, double seconds) {
  natsConnection* responder = connect_asap(url);
  natsSubscription* echo = nullptr;
  natsConnection_Subscribe(&echo, responder, "bench.echo", on_bare_echo, nullptr);
  natsConnection_Flush(responder);
  bare_state st;
  st.nc = connect_asap(url);
  st.inbox = "bench.inbox";
  natsSubscription* replies = nullptr;
  natsConnection_Subscribe(&replies, st.nc, st.inbox.c_str(), on_bare_reply, &st);
  natsConnection_Flush(st.nc);
  st.sent.assign(static_cast<std::size_t>(in_flight), steady::now());
  const double cpu0 = meter.total();
  for (int slot = 0; slot < in_flight; ++slot) {
    st.sent[slot] = steady::now();
    natsConnection_PublishRequest(st.nc, "bench.echo", st.inbox.c_str(), &slot, sizeof slot);
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  st.stop = true;
  const double cpu = meter.total() - cpu0;
  std::this_thread::sleep_for(200ms);
  natsSubscription_Destroy(replies);
  natsSubscription_Destroy(echo);
  natsConnection_Destroy(st.nc);
  natsConnection_Destroy(responder);
  std::lock_guard lock(st.mu);
  figures f = summarize(st.us, seconds);
  f.cpu_us = st.us.empty() ? 0 : cpu * 1e6 / static_cast<double>(st.us.size());
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  int only_remote = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--seconds") seconds = std::stod(argv[i + 1]);
    if (std::string(argv[i]) == "--only-remote") only_remote = std::stoi(argv[i + 1]);
  }
  cl::testing::nats_server nats(cl::testing::free_port());
  const std::string url = nats.url();
  const pid_t b = ::fork();
  if (b == 0) {
    cl::expose<game::PingReq>();
    rt::node n({});
    n.start();
    n.launch_named<cl::cluster_service>(".cluster", options("b", url));
    n.launch_named<pinger>(".pinger");
    n.launch_named<sleeper>(".sleeper");
    n.wait();
    ::_exit(0);
  }
  meter.pids = {::getpid(), b, nats.pid()};
  rt::node_options ao; if (getenv("A_THREADS")) ao.threads = atoi(getenv("A_THREADS"));
  rt::node a(ao);
  a.start();
  a.launch_named<cl::cluster_service>(".cluster", options("a", url));
  a.launch_named<pinger>(".pinger");
  for (bool up = false; !up; std::this_thread::sleep_for(50ms)) {
    a.exec([&](rt::service& self) -> rt::task<void> {
       for (auto& n : cl::live_nodes(self)) up = up || n == "b";
       co_return;
     }).wait();
  }
  std::printf("cluster_bench: %.0f s per case, nodes a and b (2 processes, 2 threads each) and "
              "nats-server on this machine\n",
              seconds);
  std::printf("%-34s %12s %10s %10s %10s\n", "case", "calls/s", "p50 us", "p99 us", "CPU us");
  if (only_remote > 0) {
    figures remote = run_calls(a, only_remote, seconds, true);
    std::printf("%-34s %12.0f %10.1f %10.1f %10.1f\n", ("cross-node call, " + std::to_string(only_remote) + " in flight").c_str(), remote.per_s, remote.p50_us, remote.p99_us, remote.cpu_us);
    ::kill(b, SIGKILL);
    ::waitpid(b, nullptr, 0);
    a.stop();
    a.wait();
    return 0;
  }
  for (int in_flight : {1, 64}) {
    figures local = run_calls(a, in_flight, seconds, false);
    figures remote = run_calls(a, in_flight, seconds, true);
    figures bare = run_bare(url, in_flight, seconds);
    std::printf("%-34s %12.0f %10.1f %10.1f %10.1f\n", ("local call, " + std::to_string(in_flight) + " in flight").c_str(), local.per_s, local.p50_us, local.p99_us, local.cpu_us);
    std::printf("%-34s %12.0f %10.1f %10.1f %10.1f\n", ("cross-node call, " + std::to_string(in_flight) + " in flight").c_str(), remote.per_s, remote.p50_us, remote.p99_us, remote.cpu_us);
    std::printf("%-34s %12.0f %10.1f %10.1f %10.1f\n", ("bare NATS req/reply, " + std::to_string(in_flight) + " in flight").c_str(), bare.per_s, bare.p50_us, bare.p99_us, bare.cpu_us);
    std::printf("%-34s %12.2f\n", "  cross-node / bare NATS", remote.per_s / std::max(1.0, bare.per_s));
  }
  // 64 calls wait on node b when it is killed: each must fail with node_down within the
  // dead-after interval.
  std::atomic<int> node_down{0}, other{0};
  std::mutex last_mu;
  steady::time_point last{};
  std::vector<std::future<void>> pending;
  for (int i = 0; i < 64; ++i) {
    pending.push_back(a.exec([&](rt::service& self) -> rt::task<void> {
      game::PingReq ping;
      auto r = co_await cl::call(self, "b", ".sleeper", ping, std::chrono::seconds(30));
      ++(!r && r.error().code == rt::call_errc::node_down ? node_down : other);
      std::lock_guard lock(last_mu);
      last = std::max(last, steady::now());
    }));
  }
  std::this_thread::sleep_for(300ms);
  const auto killed = steady::now();
  ::kill(b, SIGKILL);
  ::waitpid(b, nullptr, 0);
  for (auto& p : pending) p.wait();
  std::printf("kill -9 with 64 calls pending: %d node_down, %d other, the last %.0f ms after the "
              "kill (cluster_dead_after_ms %lld)\n",
              node_down.load(), other.load(),
              std::chrono::duration<double, std::milli>(last - killed).count(),
              static_cast<long long>(options("a", url).dead_after.count()));
  a.stop();
  a.wait();
  return 0;
}
