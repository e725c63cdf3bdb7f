#include "gate/request_metrics.hpp"

#include <algorithm>

#include "runtime/clocks.hpp"

namespace stratus::gate {

namespace {

// A single writer per counter: a relaxed load and store is enough, and cheaper than an
// atomic read-modify-write.
void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

std::uint64_t read(const std::atomic<std::uint64_t>& c) noexcept {
  return c.load(std::memory_order_relaxed);
}

std::string_view protocol_label(wire_protocol p) {
  return p == wire_protocol::protobuf ? "protobuf" : "sproto";
}

}  // namespace

request_metrics::request_metrics() {
  for (std::size_t i = 0; i < handler_buckets.size(); ++i)
    bucket_cycles_[i] = runtime::seconds_to_cycles(handler_buckets[i]);
}

request_metrics& request_metrics::instance() {
  static request_metrics metrics;
  return metrics;
}

std::uint16_t request_metrics::add_message(wire_protocol protocol, std::string_view name) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i].protocol == protocol && names_[i].name == name)
      return static_cast<std::uint16_t>(i);
  if (names_.size() == max_messages) return other;
  names_.push_back(row_name{protocol, std::string(name)});
  return static_cast<std::uint16_t>(names_.size() - 1);
}

request_metrics::block& request_metrics::mine() {
  // Worker threads live as long as the process: each gets its block once and keeps it.
  thread_local block* b = nullptr;
  if (b == nullptr) {
    auto made = std::make_unique<block>();
    b = made.get();
    std::lock_guard lock(mutex_);
    blocks_.push_back(std::move(made));
  }
  return *b;
}

void request_metrics::count_request(wire_protocol protocol, std::uint16_t message,
                                    std::uint64_t cycles) noexcept {
  if (!enabled()) return;
  block& b = mine();
  const std::size_t row = std::min<std::size_t>(message, other);
  bump(b.requests[static_cast<std::size_t>(protocol)][row]);
  std::size_t bucket = 0;
  while (bucket < bucket_cycles_.size() && cycles > bucket_cycles_[bucket]) ++bucket;
  bump(b.latency[row][bucket]);
  bump(b.latency_cycles[row], cycles);
}

void request_metrics::count_unknown(wire_protocol protocol) noexcept {
  if (!enabled()) return;
  bump(mine().requests[static_cast<std::size_t>(protocol)][other]);
}

void request_metrics::count_error(codec::error_code code) noexcept {
  if (!enabled()) return;
  const auto i = static_cast<std::size_t>(code);
  if (i < error_codes) bump(mine().errors[i]);
}

void request_metrics::count_close(std::uint16_t code) noexcept {
  if (!enabled()) return;
  const auto* at = std::find(close_codes.begin(), close_codes.end(), code);
  bump(mine().closes[static_cast<std::size_t>(at - close_codes.begin())]);
}

request_figures request_metrics::figures() const {
  std::lock_guard lock(mutex_);
  request_figures f;
  auto row = [&](wire_protocol p, std::size_t r, std::string name) {
    request_figures::message_row m{std::string(protocol_label(p)), std::move(name)};
    m.buckets.assign(handler_buckets.size(), 0);
    std::uint64_t cycles = 0;
    for (const auto& b : blocks_) {
      m.requests += read(b->requests[static_cast<std::size_t>(p)][r]);
      for (std::size_t i = 0; i < handler_buckets.size(); ++i) m.buckets[i] += read(b->latency[r][i]);
      m.over += read(b->latency[r][handler_buckets.size()]);
      cycles += read(b->latency_cycles[r]);
    }
    m.seconds = static_cast<double>(runtime::cycles_to_ns(cycles)) / 1e9;
    f.messages.push_back(std::move(m));
  };
  for (std::size_t r = 0; r < names_.size(); ++r) row(names_[r].protocol, r, names_[r].name);
  row(wire_protocol::protobuf, other, "other");
  row(wire_protocol::sproto, other, "other");
  for (std::size_t c = 0; c < error_codes; ++c) {
    std::uint64_t n = 0;
    for (const auto& b : blocks_) n += read(b->errors[c]);
    f.errors.emplace_back(std::string(codec::to_wire(static_cast<codec::error_code>(c))), n);
  }
  for (std::size_t c = 0; c <= close_codes.size(); ++c) {
    std::uint64_t n = 0;
    for (const auto& b : blocks_) n += read(b->closes[c]);
    f.closes.emplace_back(c < close_codes.size() ? std::to_string(close_codes[c]) : "other", n);
  }
  return f;
}

}  // namespace stratus::gate
