#include "loadgen/driver.hpp"

#include "loadgen/tls_pipe.hpp"

#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "loadgen/worker.hpp"

namespace stratus::loadgen {
namespace {

/// Sums of the workers' live counters.
struct totals {
  std::uint64_t replies = 0, error_replies = 0, mismatched = 0, bad_packets = 0;
  std::uint64_t disconnects = 0, pushes = 0, connected = 0, connect_failed = 0;
  std::int64_t open = 0;
};

totals sum(const std::vector<std::unique_ptr<worker>>& workers) {
  totals t;
  const auto get = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
  for (const auto& w : workers) {
    worker_stats& s = w->stats();
    t.replies += get(s.replies);
    t.error_replies += get(s.error_replies);
    t.mismatched += get(s.mismatched);
    t.bad_packets += get(s.bad_packets);
    t.disconnects += get(s.disconnects);
    t.pushes += get(s.pushes);
    t.connected += get(s.connected);
    t.connect_failed += get(s.connect_failed);
    t.open += get(s.open);
  }
  return t;
}

double seconds_since(bench_clock::time_point t) {
  return std::chrono::duration<double>(bench_clock::now() - t).count();
}

/// Prints a progress line to stderr once a second while a phase runs.
class progress {
 public:
  progress(const options& o, const std::vector<std::unique_ptr<worker>>& workers)
      : opts_(o), workers_(workers), started_(bench_clock::now()), last_(started_) {}

  /// Sleeps a little; prints a line when a second has passed since the last one.
  void tick(const char* phase) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = bench_clock::now();
    const double since_last = std::chrono::duration<double>(now - last_).count();
    if (since_last < 1.0) return;
    const totals t = sum(workers_);
    if (!opts_.quiet) {
      const auto errors = t.error_replies + t.mismatched + t.bad_packets + t.disconnects;
      std::fprintf(stderr, "[%6.1fs] %-10s open %lld/%d  failed %llu  %.0f req/s  errors %llu\n",
                   seconds_since(started_), phase, static_cast<long long>(t.open),
                   opts_.connections, static_cast<unsigned long long>(t.connect_failed),
                   (t.replies - last_replies_) / since_last,
                   static_cast<unsigned long long>(errors));
    }
    last_ = now;
    last_replies_ = t.replies;
  }

 private:
  const options& opts_;
  const std::vector<std::unique_ptr<worker>>& workers_;
  bench_clock::time_point started_, last_;
  std::uint64_t last_replies_ = 0;
};

}  // namespace

summary run_benchmark(const options& opts,
                      const boost::asio::ip::tcp::resolver::results_type& targets,
                      const std::atomic<bool>& interrupted) {
  run_state run{opts, targets};
  std::shared_ptr<SSL_CTX> tls = opts.tls ? make_client_tls_context() : nullptr;
  run.tls = tls.get();
  // Connection i goes to thread i % T; each thread caps its share of open handshakes.
  const int threads = std::min(opts.threads, opts.connections);
  std::vector<std::vector<int>> shares(threads);
  for (int i = 0; i < opts.connections; ++i) shares[i % threads].push_back(i);
  std::vector<std::unique_ptr<worker>> workers;
  for (auto& share : shares) {
    workers.push_back(std::make_unique<worker>(run, std::move(share),
                                               (opts.max_handshakes + threads - 1) / threads));
  }
  progress meter(opts, workers);
  summary result;

  // 1. Connect: until every connection has logged in or failed.
  const auto connect_started = bench_clock::now();
  for (auto& w : workers) w->start();
  for (totals t = sum(workers); t.connected + t.connect_failed < std::uint64_t(opts.connections);
       t = sum(workers)) {
    if (interrupted) break;
    meter.tick("connecting");
  }
  result.connect_seconds = seconds_since(connect_started);
  const auto hold = [&](double seconds, const char* phase) {
    const auto start = bench_clock::now();
    while (!interrupted && seconds_since(start) < seconds) {
      meter.tick(phase);
      if (sum(workers).open == 0) break;  // every connection is gone: nothing left to measure
    }
  };

  // 2. Warm up, then measure (or hold idle); the window is bounded by two snapshots.
  totals before, after;
  if (sum(workers).connected > 0) {
    if (opts.connect_only) {
      hold(opts.duration, "idle");
    } else {
      hold(opts.warmup, "warmup");
      before = sum(workers);
      run.measuring = true;
      const auto window = bench_clock::now();
      hold(opts.duration, "load");
      run.measuring = false;
      result.seconds = seconds_since(window);
      after = sum(workers);
    }
  }

  // 3. Close politely; after 3 s a thread is stopped wherever it is.
  run.stopping = true;
  for (auto& w : workers) w->stop();
  for (auto& w : workers) w->join(std::chrono::milliseconds(3000));

  const totals end = sum(workers);
  result.connected = end.connected;
  result.connect_failed = end.connect_failed;
  result.requests = after.replies - before.replies;
  result.error_replies = after.error_replies - before.error_replies;
  result.mismatched = after.mismatched - before.mismatched;
  result.bad_packets = after.bad_packets - before.bad_packets;
  result.disconnects = end.disconnects;
  result.pushes = end.pushes;
  for (auto& w : workers) {
    result.latency_us.merge(w->stats().latency_us);
    result.connect_us.merge(w->stats().connect_us);
    if (result.first_error.empty()) result.first_error = w->stats().first_error;
  }
  return result;
}

}  // namespace stratus::loadgen
