#include "admin/snapshot_collector.hpp"

#include <memory>

#include "admin/process_figures.hpp"
#include "gate/gate_service.hpp"
#include "runtime/call_metrics.hpp"
#include "runtime/node.hpp"
#include "runtime/probe.hpp"
#include "services/cache_messages.hpp"
#include "services/db_messages.hpp"

namespace stratus::admin {

runtime::task<std::optional<gate_figures>> ask_gate(runtime::service& self) {
  auto seen = std::make_shared<std::optional<gate_figures>>();
  // Runs on the gate's thread, where the listener cannot be destroyed under us.
  runtime::probe p{[seen](runtime::service& s) {
    auto* gate = dynamic_cast<gate::gate_service*>(&s);
    const net::net_stats* st = gate ? gate->listener_stats() : nullptr;
    if (st == nullptr) return;
    auto r = [](const auto& a) { return a.load(std::memory_order_relaxed); };
    *seen = gate_figures{r(st->accepted),     r(st->open),           r(st->refused),
                         r(st->refused_full), r(st->send_overflows), r(st->bytes_in),
                         r(st->bytes_out),    r(st->messages_in),    r(st->messages_out)};
    (*seen)->refused_tls = r(st->refused_tls);
  }};
  runtime::result<runtime::done> answered = co_await self.call(".gate", std::move(p), scrape_wait);
  // Written before the reply was posted; the mailbox hand-over orders it before this read.
  if (!answered.ok()) co_return std::nullopt;
  co_return *seen;
}

runtime::task<metrics_snapshot> collect_snapshot(runtime::service& self,
                                                 std::chrono::steady_clock::time_point started) {
  metrics_snapshot snap;
  runtime::node& node = self.owner();
  snap.services = node.stats();
  snap.lanes = node.work_lanes();
  snap.process = read_process_figures();
  snap.requests = gate::request_metrics::instance().figures();
  snap.calls = runtime::call_metrics::instance().figures();
  snap.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  snap.gate = co_await ask_gate(self);
  services::cache::stats cache_req;
  auto cache = co_await self.call(".cacheproxyd", std::move(cache_req), scrape_wait);
  if (cache.ok()) snap.cache = cache.value();
  services::db::stats db_req;
  auto db = co_await self.call(".dbproxyd", std::move(db_req), scrape_wait);
  if (db.ok()) snap.db = db.value();
  co_return snap;
}

}  // namespace stratus::admin
