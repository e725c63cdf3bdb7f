#include "fanout/fanout_run.hpp"

#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "fanout/fanout_worker.hpp"
#include "fanout/proc_stats.hpp"
#include "loadgen/tool_text.hpp"

namespace stratus::fanout {
namespace {

using ull = unsigned long long;

struct totals {
  std::uint64_t joined = 0, open_failed = 0, receipts = 0, errors = 0, disconnects = 0;
  std::uint64_t out_of_order = 0, seq_gaps = 0;
};

totals sum(const std::vector<std::unique_ptr<fanout_worker>>& workers) {
  totals t;
  const auto get = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
  for (const auto& w : workers) {
    worker_stats& s = w->stats();
    t.joined += get(s.joined);
    t.open_failed += get(s.open_failed);
    t.errors += get(s.errors);
    t.disconnects += get(s.disconnects);
    t.out_of_order += get(s.out_of_order);
    t.seq_gaps += get(s.seq_gaps);
    t.receipts += w->log().receipts();
  }
  return t;
}

double seconds_between(std::int64_t a_ns, std::int64_t b_ns) {
  return static_cast<double>(b_ns - a_ns) / 1e9;
}

using loadgen::json_escape;
using loadgen::printf_string;

}  // namespace

fanout_result run_fanout(const fanout_options& opts,
                         const boost::asio::ip::tcp::resolver::results_type& targets,
                         const std::atomic<bool>& interrupted) {
  run_state run{opts, targets};
  run.sent_ns.assign(opts.max_says, 0);
  const int threads = std::min(opts.threads, opts.members);
  std::vector<std::vector<int>> shares(threads);
  for (int i = 0; i < opts.members; ++i) shares[i % threads].push_back(i);  // 0: the speaker
  std::vector<std::unique_ptr<fanout_worker>> workers;
  for (auto& share : shares) {
    workers.push_back(std::make_unique<fanout_worker>(
        run, std::move(share), (opts.max_handshakes + threads - 1) / threads));
  }
  fanout_result r;
  std::int64_t last_print = now_ns();
  const auto progress = [&](const char* phase) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (opts.quiet || seconds_between(last_print, now_ns()) < 1) return;
    last_print = now_ns();
    const totals t = sum(workers);
    std::fprintf(stderr, "%-8s joined %llu/%d failed %llu  says %u  receipts %llu  errors %llu\n",
                 phase, ull(t.joined), opts.members, ull(t.open_failed),
                 run.says_sent.load(std::memory_order_relaxed), ull(t.receipts),
                 ull(t.errors + t.disconnects));
  };

  // 1. Open: every member logs in and joins, or fails.
  const std::int64_t started = now_ns();
  for (auto& w : workers) w->start();
  for (totals t = sum(workers);
       t.joined + t.open_failed < std::uint64_t(opts.members) && !interrupted; t = sum(workers)) {
    progress("joining");
  }
  r.connect_seconds = seconds_between(started, now_ns());

  // 2. Say: warm-up, then the measured says; CPU and RSS over the measured part.
  if (sum(workers).joined == std::uint64_t(opts.members) && !interrupted) {
    const std::int64_t ns_per_s = 1'000'000'000;
    r.server_rss_joined_kb = opts.server_pid > 0 ? read_proc(opts.server_pid).rss_kb : 0;
    run.measure_from_ns = now_ns() + static_cast<std::int64_t>(opts.warmup * ns_per_s);
    run.measure_until_ns =
        run.measure_from_ns + static_cast<std::int64_t>(opts.duration * ns_per_s);
    workers[0]->speak();
    while (now_ns() < run.measure_from_ns && !interrupted) progress("warmup");
    const proc_reading server_a = read_proc(opts.server_pid), self_a = read_proc(0);
    const std::int64_t window_a = now_ns();
    std::int64_t last_rss = 0;
    const auto sample_rss = [&] {
      if (opts.server_pid <= 0 || seconds_between(last_rss, now_ns()) < 0.1) return;
      last_rss = now_ns();
      r.server_rss_peak_kb = std::max(r.server_rss_peak_kb, read_proc(opts.server_pid).rss_kb);
    };
    const std::int64_t give_up = run.measure_until_ns + 30 * ns_per_s;
    while (!run.speaker_done.load(std::memory_order_acquire) && !interrupted &&
           now_ns() < give_up) {
      sample_rss();
      progress("saying");
    }
    // 3. Drain: every member gets every say sent, or the drain time passes.
    const std::uint64_t expected =
        std::uint64_t{run.says_sent.load(std::memory_order_relaxed)} * opts.members;
    const std::int64_t drain_until =
        now_ns() + static_cast<std::int64_t>(opts.drain_timeout * ns_per_s);
    while (sum(workers).receipts < expected && !interrupted && now_ns() < drain_until) {
      sample_rss();
      progress("draining");
    }
    const proc_reading server_b = read_proc(opts.server_pid), self_b = read_proc(0);
    const double window = seconds_between(window_a, now_ns());
    if (opts.server_pid > 0) r.server_cpu_percent = cpu_percent(server_a, server_b, window);
    r.client_cpu_percent = cpu_percent(self_a, self_b, window);
  }

  // 4. Close politely; after 3 s a thread is stopped wherever it is.
  run.stopping = true;
  for (auto& w : workers) w->stop();
  for (auto& w : workers) w->join(std::chrono::milliseconds(3000));

  const totals t = sum(workers);
  r.joined = t.joined;
  r.open_failed = t.open_failed;
  r.errors = t.errors;
  r.disconnects = t.disconnects;
  r.out_of_order = t.out_of_order;
  r.seq_gaps = t.seq_gaps;
  say_log& merged = workers[0]->log();
  for (std::size_t i = 1; i < workers.size(); ++i) merged.merge(workers[i]->log());
  for (auto& w : workers) {
    if (r.first_error.empty()) r.first_error = w->stats().first_error;
  }
  if (run.speaker_done.load(std::memory_order_acquire)) {
    r.says_sent = run.says_sent.load(std::memory_order_relaxed);
    r.figures = summarize(run.sent_ns, merged, run.first_measured, run.end_measured,
                          static_cast<std::uint64_t>(opts.members));
  }
  return r;
}

std::string format_text(const fanout_options& o, const fanout_result& r) {
  const fanout_figures& f = r.figures;
  std::string out =
      printf_string("stratus-fanout over %s %s  members=%d %s text=%zu bytes threads=%d\n",
                    o.transport.c_str(), o.url.c_str(), o.members,
                    o.rate > 0 ? printf_string("rate=%.0f says/s", o.rate).c_str() : "closed-loop",
                    o.text_bytes, o.threads);
  out += printf_string("joined:    %llu ok, %llu failed in %.2f s\n", ull(r.joined),
                       ull(r.open_failed), r.connect_seconds);
  out += printf_string(
      "says:      %u measured (%u sent) in %.2f s = %.1f says/s; receipts %llu of %llu\n", f.says,
      r.says_sent, f.seconds, f.says_per_s, ull(f.receipts), ull(f.expected));
  out += printf_string("delivered: %.0f member receipts/s\n", f.delivered_per_s);
  out += printf_string("say->last receipt:  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
                       f.last_p50_us / 1e3, f.last_p99_us / 1e3, f.last_max_us / 1e3);
  out += printf_string("say->first receipt: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
                       f.first_p50_us / 1e3, f.first_p99_us / 1e3, f.first_max_us / 1e3);
  if (o.server_pid > 0) {
    out += printf_string("server:    CPU %.0f%%  RSS %.1f MB joined, %.1f MB peak\n",
                         r.server_cpu_percent, r.server_rss_joined_kb / 1024.0,
                         r.server_rss_peak_kb / 1024.0);
  }
  out += printf_string("this tool: CPU %.0f%% (of %d thread%s)\n", r.client_cpu_percent, o.threads,
                       o.threads == 1 ? "" : "s");
  out += printf_string(
      "errors:    %llu (disconnects %llu); notices out of order %llu; push seq gaps %llu\n",
      ull(r.errors + r.disconnects), ull(r.disconnects), ull(r.out_of_order), ull(r.seq_gaps));
  if (!r.first_error.empty()) out += "first error: " + r.first_error + "\n";
  return out;
}

std::string format_json(const fanout_options& o, const fanout_result& r) {
  const fanout_figures& f = r.figures;
  std::string out = "{";
  out += printf_string(
      "\"transport\":\"%s\",\"url\":\"%s\",\"members\":%d,\"rate\":%.3f,\"text_bytes\":%zu,"
      "\"threads\":%d,",
      o.transport.c_str(), json_escape(o.url).c_str(), o.members, o.rate, o.text_bytes, o.threads);
  out += printf_string(
      "\"joined\":%llu,\"open_failed\":%llu,\"connect_seconds\":%.3f,\"says_sent\":%u,"
      "\"says\":%u,\"seconds\":%.6f,\"says_per_second\":%.2f,\"receipts\":%llu,"
      "\"expected\":%llu,\"delivered_per_second\":%.1f,",
      ull(r.joined), ull(r.open_failed), r.connect_seconds, r.says_sent, f.says, f.seconds,
      f.says_per_s, ull(f.receipts), ull(f.expected), f.delivered_per_s);
  out += printf_string(
      "\"last_p50_us\":%llu,\"last_p99_us\":%llu,\"last_max_us\":%llu,"
      "\"first_p50_us\":%llu,\"first_p99_us\":%llu,\"first_max_us\":%llu,",
      ull(f.last_p50_us), ull(f.last_p99_us), ull(f.last_max_us), ull(f.first_p50_us),
      ull(f.first_p99_us), ull(f.first_max_us));
  out += printf_string(
      "\"server_cpu_percent\":%.1f,\"server_rss_joined_kb\":%llu,\"server_rss_peak_kb\":%llu,"
      "\"client_cpu_percent\":%.1f,",
      r.server_cpu_percent, ull(r.server_rss_joined_kb), ull(r.server_rss_peak_kb),
      r.client_cpu_percent);
  out += printf_string(
      "\"errors\":%llu,\"disconnects\":%llu,\"out_of_order\":%llu,\"seq_gaps\":%llu,"
      "\"complete\":%s,",
      ull(r.errors), ull(r.disconnects), ull(r.out_of_order), ull(r.seq_gaps),
      r.complete() ? "true" : "false");
  out += "\"first_error\":\"" + json_escape(r.first_error) + "\"}\n";
  return out;
}

}  // namespace stratus::fanout
