#pragma once
// Failed logins counted per account and per source address; past a limit, further attempts are
// refused (RATE_LIMITED) for a lock-out window that doubles while the failures go on, without
// running the password hash that an attacker wants the server to pay for.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stratus::app {

/// Limits of a login_throttle (config keys in brackets).
struct login_throttle_options {
  int account_failures = 5;        ///< failures of one account per window [login_max_failures]
  int address_failures = 50;       ///< failures from one address per window [login_ip_max_failures]
  int concurrent = 32;             ///< password checks of one account at once [login_max_concurrent]
  std::chrono::seconds window{60};   ///< how long failures are remembered [login_window_s]
  std::chrono::seconds lockout{30};  ///< first lock-out; doubles up to 64x [login_lockout_s]
  std::size_t max_tracked = 100000;  ///< accounts + addresses remembered at once
};

/// Thread-safe; one per node, shared by every agent.
class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(login_throttle_options o = {}) : opts_(o) {}

  /// How long `account` (from `address`) must still wait; nullopt when it may try now.
  std::optional<std::chrono::seconds> blocked(std::string_view account, std::string_view address,
                                              clock::time_point now = clock::now());
  /// Counts a failed attempt (wrong password).
  void failed(std::string_view account, std::string_view address,
              clock::time_point now = clock::now());
  /// A successful login clears the account's failures (not the address's).
  void succeeded(std::string_view account);
  /// Starts a password check of `account`; false when `concurrent` checks of it run already
  /// (a storm against one account takes at most that many places in the hashing queue).
  /// Each true is paired with end_attempt().
  bool begin_attempt(std::string_view account);
  /// Ends what begin_attempt() started.
  void end_attempt(std::string_view account);
  /// Accounts and addresses remembered now.
  std::size_t tracked() const;
  /// The limits.
  const login_throttle_options& options() const noexcept { return opts_; }

 private:
  struct entry {
    int failures = 0;
    int lockouts = 0;  // consecutive lock-outs; each doubles the next
    clock::time_point window_start{};
    clock::time_point locked_until{};
  };
  void count(std::unordered_map<std::string, entry>& map, std::string_view key, int limit,
             clock::time_point now);
  void prune(clock::time_point now);

  const login_throttle_options opts_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, entry> accounts_;
  std::unordered_map<std::string, entry> addresses_;
  std::unordered_map<std::string, int> in_flight_;  // password checks running, per account
};

}  // namespace stratus::app
