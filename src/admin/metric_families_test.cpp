// The exposition text: prometheus-cpp's format, bounded labels, units in the names.
#include "admin/metric_families.hpp"

#include <gtest/gtest.h>

namespace stratus::admin {
namespace {

metrics_snapshot sample() {
  metrics_snapshot s;
  s.services.push_back({1, ".cacheproxyd", "cache_proxy", 0, 10, 2, 3'000'000'000, ""});
  s.services.push_back({2, "pb_agent", "pb_agent", 1, 5, 0, 1'000'000'000, ""});
  s.services.push_back({3, "pb_agent", "pb_agent", 0, 7, 1, 0, ""});
  runtime::work_lane_stats lane;
  lane.name = "db";
  lane.done = 4;
  s.lanes.push_back(lane);
  s.gate = gate_figures{5, 2, 3, 1, 0, 100, 200, 6, 7};
  s.cache = backend::kv_stats{4, 4, 9, 1, 0, 0};
  s.process.resident_bytes = 1024;
  return s;
}

TEST(MetricFamilies, SumsUnnamedServicesIntoOneRow) {
  const std::string text = render_metrics(sample());
  EXPECT_NE(text.find("stratus_service_messages_handled_total{service=\".cacheproxyd\"} 10"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stratus_service_messages_handled_total{service=\"unnamed\"} 12"),
            std::string::npos);
  EXPECT_NE(text.find("stratus_service_cpu_seconds_total{service=\".cacheproxyd\"} 3"),
            std::string::npos);
  EXPECT_EQ(text.find("pb_agent"), std::string::npos);  // no label per agent
}

TEST(MetricFamilies, GateLanesBackendsAndProcess) {
  const std::string text = render_metrics(sample());
  EXPECT_NE(text.find("# TYPE stratus_connections_accepted_total counter"), std::string::npos);
  EXPECT_NE(text.find("stratus_connections_open 2"), std::string::npos);
  EXPECT_NE(text.find("stratus_connections_refused_total{reason=\"full\"} 1"), std::string::npos);
  EXPECT_NE(text.find("stratus_connections_refused_total{reason=\"other\"} 2"), std::string::npos);
  EXPECT_NE(text.find("stratus_network_bytes_total{direction=\"out\"} 200"), std::string::npos);
  EXPECT_NE(text.find("stratus_work_lane_jobs_total{lane=\"db\",outcome=\"done\"} 4"),
            std::string::npos);
  EXPECT_NE(text.find("stratus_backend_up{backend=\"db\"} 0"), std::string::npos);
  EXPECT_NE(text.find("stratus_backend_operations_total{backend=\"cache\",outcome=\"ok\"} 9"),
            std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes 1024"), std::string::npos);
}

TEST(MetricFamilies, NoGateNoGateFamilies) {
  metrics_snapshot s = sample();
  s.gate.reset();
  EXPECT_EQ(render_metrics(s).find("stratus_connections_open"), std::string::npos);
}

}  // namespace
}  // namespace stratus::admin
