#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/address.hpp"
#include "runtime/envelope.hpp"

namespace stratus::runtime {

class service;
class worker;

/// The runtime's half of a service: its address, mailbox and counters. Reference counted so a
/// sender may hold one while the service exits; a closed cell refuses new mail.
class cell {
 public:
  cell(address addr, worker& home, std::unique_ptr<service> svc, std::size_t mailbox_warn);
  /// A port (node::open_port): no service and no mailbox; a reply pushed to it runs `on_reply`
  /// on the pushing thread.
  cell(address addr, worker& home, std::function<void(envelope&)> on_reply);
  ~cell();
  cell(const cell&) = delete;
  cell& operator=(const cell&) = delete;

  address addr() const noexcept { return addr_; }
  worker& home() const noexcept { return home_; }
  /// The service's registered name, or its type name; read on the home thread.
  const std::string& name() const noexcept { return name_; }
  /// A copy of the name, from any thread.
  std::string name_copy() const;
  void set_name(std::string name);
  /// The service's C++ type (demangled); set before the cell is published, then read-only.
  const std::string& type() const noexcept { return type_; }
  void set_type(std::string type) { type_ = std::move(type); }
  /// The service's own figures for node::stats() (pool state, error counts), from any thread.
  std::string note_copy() const;
  void set_note(std::string note);

  /// Queues a message; false when the service has exited (the message is left in `env`). A
  /// port takes replies only, and hands them to its function at once.
  bool push(envelope& env);
  /// Queues every message of `envs` in order, scheduling the service once; false (none taken)
  /// when the service has exited. Not for ports.
  bool push_all(std::vector<envelope>& envs);
  bool is_port() const noexcept { return static_cast<bool>(on_reply_); }
  /// Runs queued messages; called on the home worker thread only.
  void run();
  /// Closes the mailbox and returns what was still queued. Home thread only.
  std::vector<envelope> close();
  bool closed() const noexcept { return closed_flag_.load(std::memory_order_acquire); }

  service* svc() const noexcept { return svc_.get(); }
  std::unique_ptr<service> take_service() noexcept;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Statistics, readable from any thread.
  std::atomic<std::uint64_t> handled{0};
  std::atomic<std::uint64_t> cpu_cycles{0};  // see cycles_to_ns()
  std::atomic<std::uint32_t> queued{0};

 private:
  bool queue(envelope* envs, std::size_t count);

  const address addr_;
  worker& home_;
  std::string name_;
  std::string type_;
  std::string note_;  // guarded by mu_
  std::unique_ptr<service> svc_;
  const std::function<void(envelope&)> on_reply_;  // ports only
  std::atomic<int> refs_{1};
  std::atomic<bool> closed_flag_{false};

  mutable std::mutex mu_;
  std::vector<envelope> inbox_;  // guarded by mu_
  std::vector<envelope> batch_;  // home thread only: messages being handled
  bool scheduled_ = false;       // guarded by mu_
  bool closed_ = false;          // guarded by mu_
  const std::size_t warn_initial_;
  std::size_t warn_at_;  // guarded by mu_: next mailbox length that logs a warning
};

/// An owning reference to a cell.
class cell_ref {
 public:
  cell_ref() noexcept = default;
  explicit cell_ref(cell* c) noexcept : c_(c) {}  // adopts one reference
  static cell_ref share(cell* c) noexcept {
    if (c) c->add_ref();
    return cell_ref(c);
  }
  cell_ref(const cell_ref& o) noexcept : c_(o.c_) {
    if (c_) c_->add_ref();
  }
  cell_ref(cell_ref&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  cell_ref& operator=(cell_ref o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~cell_ref() {
    if (c_) c_->release();
  }
  cell* get() const noexcept { return c_; }
  cell* operator->() const noexcept { return c_; }
  explicit operator bool() const noexcept { return c_ != nullptr; }

 private:
  cell* c_ = nullptr;
};

}  // namespace stratus::runtime
