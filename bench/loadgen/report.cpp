#include "loadgen/report.hpp"

#include <cstdio>

#include "loadgen/tool_text.hpp"

namespace stratus::loadgen {
namespace {

using ull = unsigned long long;

}  // namespace

std::string format_text(const options& o, const summary& s) {
  std::string out = printf_string(
      "stratus-bench %s over %s %s  connections=%d inflight=%d payload=%zu "
      "threads=%d%s\n",
      o.protocol.c_str(), o.transport.c_str(), o.url.c_str(), o.connections, o.inflight, o.payload,
      o.threads, o.connect_only ? " connect-only" : "");
  out += printf_string(
      "connect:  %llu ok, %llu failed in %.3f s (per connection p50 %.2f ms, p99 %.2f ms, max "
      "%.2f ms)\n",
      ull(s.connected), ull(s.connect_failed), s.connect_seconds,
      s.connect_us.percentile(0.5) / 1e3, s.connect_us.percentile(0.99) / 1e3,
      s.connect_us.max() / 1e3);
  if (!o.connect_only) {
    const double rate = s.seconds > 0 ? s.requests / s.seconds : 0;
    out +=
        printf_string("requests: %llu in %.2f s = %.0f req/s\n", ull(s.requests), s.seconds, rate);
    out += printf_string(
        "latency:  p50 %llu us, p99 %llu us, p99.9 %llu us, max %llu us, mean %.0f us\n",
        ull(s.latency_us.percentile(0.5)), ull(s.latency_us.percentile(0.99)),
        ull(s.latency_us.percentile(0.999)), ull(s.latency_us.max()), s.latency_us.mean());
  }
  out += printf_string(
      "errors:   %llu (error replies %llu, mismatched %llu, undecodable %llu, disconnects %llu); "
      "pushes %llu\n",
      ull(s.error_replies + s.mismatched + s.bad_packets + s.disconnects), ull(s.error_replies),
      ull(s.mismatched), ull(s.bad_packets), ull(s.disconnects), ull(s.pushes));
  if (!s.first_error.empty()) out += "first error: " + s.first_error + "\n";
  return out;
}

std::string format_json(const options& o, const summary& s) {
  const double rate = s.seconds > 0 ? s.requests / s.seconds : 0;
  std::string out = "{";
  out += printf_string(
      "\"protocol\":\"%s\",\"transport\":\"%s\",\"url\":\"%s\",\"connections\":%d,\"inflight\":%d,"
      "\"payload\":%zu,"
      "\"threads\":%d,\"connect_only\":%s,\"request\":\"%s\",",
      json_escape(o.protocol).c_str(), json_escape(o.transport).c_str(), json_escape(o.url).c_str(),
      o.connections, o.inflight, o.payload, o.threads, o.connect_only ? "true" : "false",
      json_escape(o.request).c_str());
  out += printf_string(
      "\"connected\":%llu,\"connect_failed\":%llu,\"connect_seconds\":%.6f,"
      "\"connect_p50_us\":%llu,\"connect_p99_us\":%llu,\"connect_max_us\":%llu,",
      ull(s.connected), ull(s.connect_failed), s.connect_seconds, ull(s.connect_us.percentile(0.5)),
      ull(s.connect_us.percentile(0.99)), ull(s.connect_us.max()));
  out += printf_string(
      "\"seconds\":%.6f,\"requests\":%llu,\"requests_per_second\":%.1f,"
      "\"p50_us\":%llu,\"p99_us\":%llu,\"p999_us\":%llu,\"max_us\":%llu,\"mean_us\":%.1f,",
      s.seconds, ull(s.requests), rate, ull(s.latency_us.percentile(0.5)),
      ull(s.latency_us.percentile(0.99)), ull(s.latency_us.percentile(0.999)),
      ull(s.latency_us.max()), s.latency_us.mean());
  out += printf_string(
      "\"errors\":%llu,\"error_replies\":%llu,\"mismatched\":%llu,\"undecodable\":%llu,"
      "\"disconnects\":%llu,\"pushes\":%llu,",
      ull(s.error_replies + s.mismatched + s.bad_packets + s.disconnects), ull(s.error_replies),
      ull(s.mismatched), ull(s.bad_packets), ull(s.disconnects), ull(s.pushes));
  out += "\"first_error\":\"" + json_escape(s.first_error) + "\"}\n";
  return out;
}

}  // namespace stratus::loadgen
