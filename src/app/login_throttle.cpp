#include "app/login_throttle.hpp"

#include <algorithm>

namespace stratus::app {

namespace {
std::optional<std::chrono::seconds> wait_of(const auto& map, std::string_view key,
                                            std::chrono::steady_clock::time_point now) {
  auto it = map.find(std::string(key));
  if (it == map.end() || it->second.locked_until <= now) return std::nullopt;
  auto left = std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  return std::max(left, std::chrono::seconds(1));
}
}  // namespace

std::optional<std::chrono::seconds> login_throttle::blocked(std::string_view account,
                                                            std::string_view address,
                                                            clock::time_point now) {
  std::lock_guard lock(mu_);
  auto a = wait_of(accounts_, account, now);
  auto b = address.empty() ? std::nullopt : wait_of(addresses_, address, now);
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

void login_throttle::failed(std::string_view account, std::string_view address,
                            clock::time_point now) {
  std::lock_guard lock(mu_);
  if (accounts_.size() + addresses_.size() >= opts_.max_tracked) prune(now);
  count(accounts_, account, opts_.account_failures, now);
  if (!address.empty()) count(addresses_, address, opts_.address_failures, now);
}

void login_throttle::succeeded(std::string_view account) {
  std::lock_guard lock(mu_);
  accounts_.erase(std::string(account));
}

bool login_throttle::begin_attempt(std::string_view account) {
  std::lock_guard lock(mu_);
  int& n = in_flight_[std::string(account)];
  if (n >= opts_.concurrent) return false;
  ++n;
  return true;
}

void login_throttle::end_attempt(std::string_view account) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(std::string(account));
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

std::size_t login_throttle::tracked() const {
  std::lock_guard lock(mu_);
  return accounts_.size() + addresses_.size();
}

void login_throttle::count(std::unordered_map<std::string, entry>& map, std::string_view key,
                           int limit, clock::time_point now) {
  entry& e = map[std::string(key)];
  if (now - e.window_start > opts_.window) {
    // A quiet window forgives the failures; a lock-out that long ago no longer escalates.
    if (now - e.locked_until > opts_.window) e.lockouts = 0;
    e.failures = 0;
    e.window_start = now;
  }
  if (++e.failures < limit) return;
  e.locked_until = now + opts_.lockout * (1 << std::min(e.lockouts, 6));
  ++e.lockouts;
  e.failures = 0;
  e.window_start = now;
}

void login_throttle::prune(clock::time_point now) {
  // Forget what no longer matters; if an attacker made that many keys still matter, forget the
  // quietest half of them rather than grow without bound.
  for (auto* map : {&accounts_, &addresses_}) {
    std::erase_if(*map, [&](const auto& kv) {
      return kv.second.locked_until <= now && now - kv.second.window_start > opts_.window;
    });
  }
  if (accounts_.size() + addresses_.size() < opts_.max_tracked / 2) return;
  for (auto* map : {&accounts_, &addresses_}) {
    std::erase_if(*map, [&](const auto& kv) { return kv.second.locked_until <= now; });
  }
  if (accounts_.size() + addresses_.size() >= opts_.max_tracked) {
    (accounts_.size() > addresses_.size() ? accounts_ : addresses_).clear();
  }
}

}  // namespace stratus::app
