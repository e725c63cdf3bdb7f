#include "admin/metric_families.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include <prometheus/text_serializer.h>

namespace stratus::admin {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// Builds one family at a time: `add(value, labels)` appends a sample.
class family_builder {
 public:
  family_builder(std::vector<MetricFamily>& out, std::string name, std::string help,
                 MetricType type)
      : out_(out), family_{std::move(name), std::move(help), type, {}} {}
  ~family_builder() {
    if (!family_.metric.empty()) out_.push_back(std::move(family_));
  }
  family_builder& add(double value, std::vector<ClientMetric::Label> labels = {}) {
    ClientMetric m;
    m.label = std::move(labels);
    if (family_.type == MetricType::Counter)
      m.counter.value = value;
    else
      m.gauge.value = value;
    family_.metric.push_back(std::move(m));
    return *this;
  }

 private:
  std::vector<MetricFamily>& out_;
  MetricFamily family_;
};

void add_gate(std::vector<MetricFamily>& out, const gate_figures& g) {
  family_builder(out, "stratus_connections_open",
                 "Connections open now on the WebSocket port (wss: from the TLS handshake on)",
                 MetricType::Gauge)
      .add(static_cast<double>(g.open));
  family_builder(out, "stratus_connections_accepted_total", "TCP connections accepted",
                 MetricType::Counter)
      .add(static_cast<double>(g.accepted));
  family_builder(out, "stratus_connections_refused_total",
                 "upgrades refused, by reason (full: max_connections reached; tls: the TLS "
                 "handshake failed)",
                 MetricType::Counter)
      .add(static_cast<double>(g.refused_full), {{"reason", "full"}})
      .add(static_cast<double>(g.refused_tls), {{"reason", "tls"}})
      .add(static_cast<double>(g.refused - std::min(g.refused, g.refused_full + g.refused_tls)),
           {{"reason", "other"}});
  family_builder(out, "stratus_connections_send_overflows_total",
                 "connections dropped because their send queue passed max_send_queue",
                 MetricType::Counter)
      .add(static_cast<double>(g.send_overflows));
  family_builder(out, "stratus_network_bytes_total",
                 "bytes through the gate's sockets, WebSocket framing included",
                 MetricType::Counter)
      .add(static_cast<double>(g.bytes_in), {{"direction", "in"}})
      .add(static_cast<double>(g.bytes_out), {{"direction", "out"}});
  family_builder(out, "stratus_network_messages_total", "binary WebSocket messages",
                 MetricType::Counter)
      .add(static_cast<double>(g.messages_in), {{"direction", "in"}})
      .add(static_cast<double>(g.messages_out), {{"direction", "out"}});
}

void add_requests(std::vector<MetricFamily>& out, const gate::request_figures& r) {
  family_builder requests(out, "stratus_requests_total",
                          "requests by protocol and message type (other: types no handler "
                          "is registered for)",
                          MetricType::Counter);
  for (const auto& m : r.messages)
    requests.add(static_cast<double>(m.requests), {{"protocol", m.protocol}, {"message", m.message}});
  family_builder errors(out, "stratus_error_replies_total", "error replies by wire error code",
                        MetricType::Counter);
  for (const auto& [code, n] : r.errors) errors.add(static_cast<double>(n), {{"code", code}});
  family_builder closes(out, "stratus_connections_closed_total",
                        "connections closed, by close code (other: codes without a label)",
                        MetricType::Counter);
  for (const auto& [code, n] : r.closes) closes.add(static_cast<double>(n), {{"code", code}});

  MetricFamily latency{"stratus_handler_seconds",
                       "time from a request's handler start to its reply, by message type",
                       MetricType::Histogram, {}};
  for (const auto& m : r.messages) {
    if (m.message == "other") continue;  // unknown types run no handler
    ClientMetric c;
    c.label = {{"message", m.message}};
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < m.buckets.size(); ++i) {
      cumulative += m.buckets[i];
      c.histogram.bucket.push_back({cumulative, gate::request_metrics::handler_buckets[i]});
    }
    cumulative += m.over;
    c.histogram.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
    c.histogram.sample_count = cumulative;
    c.histogram.sample_sum = m.seconds;
    latency.metric.push_back(std::move(c));
  }
  if (!latency.metric.empty()) out.push_back(std::move(latency));
}

void add_calls(std::vector<MetricFamily>& out,
               const std::vector<std::pair<std::string, std::uint64_t>>& calls) {
  family_builder f(out, "stratus_calls_total",
                   "calls between services by outcome (ok, or why no response came)",
                   MetricType::Counter);
  for (const auto& [outcome, n] : calls) f.add(static_cast<double>(n), {{"outcome", outcome}});
}

void add_services(std::vector<MetricFamily>& out, const std::vector<runtime::service_stats>& all) {
  struct sums {
    double handled = 0, queued = 0, cpu_s = 0, count = 0;
  };
  std::map<std::string, sums> rows;  // named services, plus "unnamed" for the rest
  for (const runtime::service_stats& s : all) {
    const bool named = !s.name.empty() && s.name[0] == '.';
    sums& r = rows[named ? s.name : "unnamed"];
    r.handled += static_cast<double>(s.handled);
    r.queued += s.queued;
    r.cpu_s += static_cast<double>(s.cpu_ns) / 1e9;
    r.count += 1;
  }
  family_builder count(out, "stratus_services", "live services", MetricType::Gauge);
  family_builder handled(out, "stratus_service_messages_handled_total", "messages handled",
                         MetricType::Counter);
  family_builder queued(out, "stratus_service_mailbox_messages", "messages waiting in mailboxes",
                        MetricType::Gauge);
  family_builder cpu(out, "stratus_service_cpu_seconds_total", "time spent in handlers",
                     MetricType::Counter);
  for (const auto& [name, r] : rows) {
    count.add(r.count, {{"service", name}});
    handled.add(r.handled, {{"service", name}});
    queued.add(r.queued, {{"service", name}});
    cpu.add(r.cpu_s, {{"service", name}});
  }
}

void add_lanes(std::vector<MetricFamily>& out, const std::vector<runtime::work_lane_stats>& lanes) {
  family_builder threads(out, "stratus_work_lane_threads", "threads of the lane",
                         MetricType::Gauge);
  family_builder queued(out, "stratus_work_lane_queued_jobs", "jobs waiting", MetricType::Gauge);
  family_builder limit(out, "stratus_work_lane_queue_limit_jobs", "most jobs that may wait",
                       MetricType::Gauge);
  family_builder running(out, "stratus_work_lane_running_jobs", "jobs running", MetricType::Gauge);
  family_builder jobs(out, "stratus_work_lane_jobs_total",
                      "jobs by outcome (done, refused: queue full, dropped: never ran)",
                      MetricType::Counter);
  for (const runtime::work_lane_stats& l : lanes) {
    threads.add(static_cast<double>(l.threads), {{"lane", l.name}});
    queued.add(static_cast<double>(l.queued), {{"lane", l.name}});
    limit.add(static_cast<double>(l.max_queued), {{"lane", l.name}});
    running.add(static_cast<double>(l.running), {{"lane", l.name}});
    jobs.add(static_cast<double>(l.done), {{"lane", l.name}, {"outcome", "done"}});
    jobs.add(static_cast<double>(l.refused), {{"lane", l.name}, {"outcome", "refused"}});
    jobs.add(static_cast<double>(l.dropped), {{"lane", l.name}, {"outcome", "dropped"}});
  }
}

void add_backends(std::vector<MetricFamily>& out, const metrics_snapshot& s) {
  family_builder up(out, "stratus_backend_up", "1 when the proxy service answered the scrape",
                    MetricType::Gauge);
  up.add(s.cache ? 1 : 0, {{"backend", "cache"}}).add(s.db ? 1 : 0, {{"backend", "db"}});
  family_builder pool(out, "stratus_backend_pool_connections", "configured pool connections",
                      MetricType::Gauge);
  family_builder open(out, "stratus_backend_connections_up", "pool connections open now",
                      MetricType::Gauge);
  family_builder reconnects(out, "stratus_backend_reconnects_total",
                            "connections re-established after a loss", MetricType::Counter);
  family_builder ops(out, "stratus_backend_operations_total",
                     "commands (cache) and statements (db) by outcome", MetricType::Counter);
  if (const auto& c = s.cache) {
    pool.add(static_cast<double>(c->pool_size), {{"backend", "cache"}});
    open.add(static_cast<double>(c->connections_up), {{"backend", "cache"}});
    reconnects.add(static_cast<double>(c->reconnects), {{"backend", "cache"}});
    ops.add(static_cast<double>(c->commands_ok), {{"backend", "cache"}, {"outcome", "ok"}});
    ops.add(static_cast<double>(c->commands_failed), {{"backend", "cache"}, {"outcome", "failed"}});
    ops.add(static_cast<double>(c->error_replies),
            {{"backend", "cache"}, {"outcome", "error_reply"}});
  }
  if (const auto& d = s.db) {
    pool.add(static_cast<double>(d->pool_size), {{"backend", "db"}});
    open.add(static_cast<double>(d->connections_up), {{"backend", "db"}});
    reconnects.add(static_cast<double>(d->reconnects), {{"backend", "db"}});
    ops.add(static_cast<double>(d->queries_ok), {{"backend", "db"}, {"outcome", "ok"}});
    ops.add(static_cast<double>(d->queries_failed), {{"backend", "db"}, {"outcome", "failed"}});
    family_builder(out, "stratus_db_slow_queries_total", "statements slower than slow_query_ms",
                   MetricType::Counter)
        .add(static_cast<double>(d->slow_queries));
  }
}

void add_process(std::vector<MetricFamily>& out, const metrics_snapshot& s) {
  const process_figures& p = s.process;
  family_builder(out, "process_resident_memory_bytes", "resident set size", MetricType::Gauge)
      .add(p.resident_bytes);
  family_builder(out, "process_virtual_memory_bytes", "virtual memory size", MetricType::Gauge)
      .add(p.virtual_bytes);
  family_builder(out, "process_cpu_seconds_total", "user and system CPU time", MetricType::Counter)
      .add(p.cpu_seconds);
  family_builder(out, "process_open_fds", "open file descriptors", MetricType::Gauge)
      .add(p.open_fds);
  family_builder(out, "process_max_fds", "most file descriptors allowed", MetricType::Gauge)
      .add(p.max_fds);
  family_builder(out, "process_threads", "kernel threads", MetricType::Gauge).add(p.threads);
  family_builder(out, "process_start_time_seconds", "start time since the epoch", MetricType::Gauge)
      .add(p.start_time_seconds);
  family_builder(out, "stratus_uptime_seconds",
                 "seconds since the admin layer started (node start-up)", MetricType::Gauge)
      .add(s.uptime_seconds);
}

}  // namespace

std::vector<MetricFamily> metric_families(const metrics_snapshot& snap) {
  std::vector<MetricFamily> out;
  if (snap.gate) add_gate(out, *snap.gate);
  add_requests(out, snap.requests);
  add_calls(out, snap.calls);
  add_services(out, snap.services);
  add_lanes(out, snap.lanes);
  add_backends(out, snap);
  add_process(out, snap);
  return out;
}

std::string render_metrics(const metrics_snapshot& snap) {
  return prometheus::TextSerializer().Serialize(metric_families(snap));
}

}  // namespace stratus::admin
