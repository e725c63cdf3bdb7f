#pragma once
// Completing the calls this node made to others and resuming their callers (internal to
// src/cluster): one at a time (a timeout, a node found dead), or all the answers of one
// incoming batch together, one post per worker.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/cluster.hpp"

namespace stratus::cluster {

/// Completes a call: true when its caller is to resume now, else false (it was done already,
/// or it waits for more calls of its group).
inline bool complete(const std::shared_ptr<detail::remote_call>& st,
                     runtime::result<std::string> outcome) {
  if (!st || st->finished.exchange(true)) return false;
  st->outcome = std::move(outcome);
  // A call awaited with others resumes the caller when the last of them is done.
  return !st->group || st->group->fetch_sub(1, std::memory_order_acq_rel) == 1;
}

/// Resumes the callers still waiting (on their own thread).
inline void resume_all(std::vector<std::shared_ptr<detail::remote_call>> ready) {
  for (auto& st : ready)
    if (st->alive.load(std::memory_order_acquire)) st->svc->resume(st->waiter, st->request);
}

/// Completes one call and posts its caller's resumption to the caller's worker.
inline void finish(const std::shared_ptr<detail::remote_call>& st,
                   runtime::result<std::string> outcome) {
  if (!complete(st, std::move(outcome))) return;
  boost::asio::post(st->svc->io_context(), [st] { resume_all({st}); });
}

/// The callers to resume after one incoming batch, one post per worker: they run in one turn,
/// so the calls they make next leave in one batch too.
struct resumptions {
  std::vector<std::pair<boost::asio::io_context*, std::vector<std::shared_ptr<detail::remote_call>>>> by_worker;

  void add(const std::shared_ptr<detail::remote_call>& st, runtime::result<std::string> outcome) {
    if (!complete(st, std::move(outcome))) return;
    boost::asio::io_context* ctx = &st->svc->io_context();
    for (auto& [c, calls] : by_worker) {
      if (c == ctx) {
        calls.push_back(st);
        return;
      }
    }
    by_worker.emplace_back(ctx, std::vector{st});
  }

  /// Posts each worker its callers as one round: `begin_round(workers)` first, then
  /// `round_done()` on each worker once its callers ran (the outbox flushes after the last).
  template <class Begin, class Done>
  void post(Begin begin_round, Done round_done) {
    if (by_worker.empty()) return;
    begin_round(static_cast<int>(by_worker.size()));
    for (auto& [ctx, calls] : by_worker) {
      boost::asio::post(*ctx, [round_done, calls = std::move(calls)]() mutable {
        resume_all(std::move(calls));
        round_done();
      });
    }
  }
};

}  // namespace stratus::cluster
