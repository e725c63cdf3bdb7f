#pragma once
// Turns one metrics_snapshot into Prometheus metric families and their text exposition.
// Label sets stay bounded: named services (".cacheproxyd") get a row each, the thousands of
// unnamed ones (connection agents) are summed into service="unnamed".

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "admin/metrics_snapshot.hpp"

namespace stratus::admin {

/// The families of `snap`, names prefixed `stratus_` (process figures use `process_`).
std::vector<prometheus::MetricFamily> metric_families(const metrics_snapshot& snap);

/// The Prometheus text format (version 0.0.4) of `snap`, by prometheus-cpp's serializer.
std::string render_metrics(const metrics_snapshot& snap);

}  // namespace stratus::admin
