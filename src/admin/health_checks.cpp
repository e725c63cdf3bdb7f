#include "admin/health_checks.hpp"

#include <nlohmann/json.hpp>

#include "admin/snapshot_collector.hpp"
#include "runtime/probe.hpp"
#include "services/cache_messages.hpp"
#include "services/db_messages.hpp"

namespace stratus::admin {

std::string check_report::json() const {
  nlohmann::json j{{"status", ok ? "ok" : "fail"}};
  if (!reasons.empty()) j["reasons"] = reasons;
  return j.dump();
}

runtime::task<check_report> check_live(runtime::service& self,
                                       std::vector<runtime::address> heartbeats) {
  check_report report;
  for (std::size_t worker = 0; worker < heartbeats.size(); ++worker) {
    runtime::probe p;
    auto r = co_await self.call(heartbeats[worker], std::move(p), scrape_wait);
    if (!r.ok()) {
      report.ok = false;
      report.reasons.push_back("worker " + std::to_string(worker) + ": " +
                               (r.error().code == runtime::call_errc::timeout
                                    ? std::string("no reply in 1 s")
                                    : r.error().message));
    }
  }
  co_return report;
}

runtime::task<check_report> check_ready(runtime::service& self) {
  check_report report;
  auto fail = [&report](std::string why) {
    report.ok = false;
    report.reasons.push_back(std::move(why));
  };
  auto call_failure = [](const runtime::call_error& e) {
    return e.code == runtime::call_errc::timeout ? std::string("no reply in 1 s") : e.message;
  };

  std::optional<gate_figures> gate = co_await ask_gate(self);
  if (!gate) fail("gate: not listening");

  services::cache::command ping{{"PING"}};
  auto cache = co_await self.call(".cacheproxyd", std::move(ping), scrape_wait);
  if (!cache.ok())
    fail("cache: " + call_failure(cache.error()));
  else if (!cache.value().ok())
    fail("cache: " + cache.value().error().message);

  services::db::query select{"SELECT 1", {}};
  auto db = co_await self.call(".dbproxyd", std::move(select), scrape_wait);
  if (!db.ok())
    fail("db: " + call_failure(db.error()));
  else if (!db.value().ok())
    fail("db: " + db.value().error().message);
  co_return report;
}

}  // namespace stratus::admin
