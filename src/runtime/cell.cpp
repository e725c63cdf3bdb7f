#include "runtime/cell.hpp"

#include <chrono>
#include <iterator>

#include "runtime/clocks.hpp"
#include "runtime/log.hpp"
#include "runtime/service.hpp"
#include "runtime/worker.hpp"

namespace stratus::runtime {

cell::cell(address addr, worker& home, std::unique_ptr<service> svc, std::size_t mailbox_warn)
    : addr_(addr),
      home_(home),
      svc_(std::move(svc)),
      warn_initial_(mailbox_warn ? mailbox_warn : SIZE_MAX),
      warn_at_(warn_initial_) {}

cell::cell(address addr, worker& home, std::function<void(envelope&)> on_reply)
    : addr_(addr), home_(home), on_reply_(std::move(on_reply)), warn_initial_(SIZE_MAX),
      warn_at_(SIZE_MAX) {}

cell::~cell() = default;

std::unique_ptr<service> cell::take_service() noexcept {
  return std::move(svc_);
}

void cell::set_name(std::string name) {
  std::lock_guard lock(mu_);
  name_ = std::move(name);
}

std::string cell::name_copy() const {
  std::lock_guard lock(mu_);
  return name_;
}

std::string cell::note_copy() const {
  std::lock_guard lock(mu_);
  return note_;
}

void cell::set_note(std::string note) {
  std::lock_guard lock(mu_);
  note_ = std::move(note);
}

bool cell::push(envelope& env) {
  if (on_reply_) {
    if (env.kind != message_kind::response && env.kind != message_kind::error) return false;
    if (closed_flag_.load(std::memory_order_acquire)) return false;
    on_reply_(env);
    return true;
  }
  return queue(&env, 1);
}

bool cell::push_all(std::vector<envelope>& envs) {
  if (on_reply_) return false;
  return envs.empty() || queue(envs.data(), envs.size());
}

bool cell::queue(envelope* envs, std::size_t count) {
  bool schedule_now = false;
  std::size_t overload = 0;
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    for (std::size_t i = 0; i < count; ++i) inbox_.push_back(std::move(envs[i]));
    const std::size_t n = inbox_.size();
    queued.store(static_cast<std::uint32_t>(n), std::memory_order_relaxed);
    if (n >= warn_at_) {
      overload = n;
      warn_at_ = n * 2;
    }
    schedule_now = !scheduled_;
    scheduled_ = true;
  }
  if (overload) {
    log::warn("mailbox of {} ({}) holds {} messages: the service is overloaded",
              format_address(addr_), name_copy(), overload);
  }
  if (schedule_now) home_.schedule(this);
  return true;
}

std::vector<envelope> cell::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  closed_flag_.store(true, std::memory_order_release);
  queued.store(0, std::memory_order_relaxed);
  return std::exchange(inbox_, {});
}

void cell::run() {
  {
    std::lock_guard lock(mu_);
    batch_.swap(inbox_);
    queued.store(0, std::memory_order_relaxed);
    if (batch_.size() < warn_initial_ / 2) warn_at_ = warn_initial_;
    if (closed_ || batch_.empty()) {
      scheduled_ = false;
      batch_.clear();
      return;
    }
  }
  service* s = svc_.get();
  const std::uint64_t started = cycle_count();
  const std::size_t n = batch_.size();
  std::size_t i = 0;
  home_.running.store(addr_, std::memory_order_relaxed);
  {
    detail::resume_scope scope(*s, false);
    while (i < n) {
      home_.version.store(home_.version.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
      home_.request.store(batch_[i].request, std::memory_order_relaxed);
      s->deliver(batch_[i++]);
      if (s->exiting()) break;
    }
  }
  home_.running.store(no_address, std::memory_order_relaxed);
  handled.fetch_add(i, std::memory_order_relaxed);
  cpu_cycles.fetch_add(cycle_count() - started, std::memory_order_relaxed);
  if (s->exiting()) {
    std::vector<envelope> rest(std::make_move_iterator(batch_.begin() + static_cast<long>(i)),
                               std::make_move_iterator(batch_.end()));
    batch_.clear();
    s->retire(std::move(rest));  // closes the mailbox; scheduled_ stays set for good
    return;
  }
  batch_.clear();
  bool again;
  {
    std::lock_guard lock(mu_);
    again = !inbox_.empty();
    if (!again) scheduled_ = false;
  }
  if (again) home_.schedule(this);
}

}  // namespace stratus::runtime
