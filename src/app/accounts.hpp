#pragma once
// The demo game's account logic: signup, login (first login creates the account) and token
// checks. Accounts live in `.dbproxyd` (Argon2id hashes, never clear passwords); session tokens
// live in `.cacheproxyd` as `session:<token>` -> userid with TTL = expires_in, and account
// lookups are cached there as `account:<name>` -> "<id>:<hash>" (cache-aside, 5 minutes).

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "common/expected.hpp"
#include "runtime/service.hpp"
#include "runtime/task.hpp"

namespace stratus::app {

/// Error codes of wire.md that the account logic produces.
namespace account_errc {
inline constexpr const char* unauthorized = "UNAUTHORIZED";
inline constexpr const char* backend_unavailable = "BACKEND_UNAVAILABLE";
inline constexpr const char* bad_request = "BAD_REQUEST";
inline constexpr const char* rate_limited = "RATE_LIMITED";
/// Internal to the account logic (a duplicate name); never sent to a client as is.
inline constexpr const char* conflict = "CONFLICT";
inline constexpr const char* internal = "INTERNAL";
}  // namespace account_errc

/// Why an account operation failed: a wire.md code and a sentence safe to show the client.
struct account_error {
  std::string code;     ///< one of account_errc
  std::string message;  ///< reason; never contains a password
};

/// Either a T or an account_error.
template <class T>
using account_result = stratus::expected<T, account_error>;

/// A successful login.
struct login_ok {
  std::int64_t userid = 0;      ///< the account's id in the database
  std::string token;            ///< random 128-bit token, 32 lowercase hex digits
  std::int32_t expires_in = 0;  ///< seconds the token stays valid (config `token_ttl_s`)
};

/// Logs in; the first login of an unknown account creates it. A wrong password gives
/// UNAUTHORIZED, an unreachable cache or database BACKEND_UNAVAILABLE, an empty, over-long
/// (> 64 bytes) or non-UTF-8 name or an empty password BAD_REQUEST. Failed logins are counted
/// per account and per `address` (the client's IP; empty: not counted by address): past
/// `login_max_failures` / `login_ip_max_failures` in `login_window_s`, attempts get
/// RATE_LIMITED for `login_lockout_s` (doubling while it goes on) without hashing anything.
/// RATE_LIMITED too when more than `password_queue` hashes wait for the `password_concurrency`
/// hashing threads. Other keys: `token_ttl_s` (3600), `password_ops` / `password_mem_kib`.
runtime::task<account_result<login_ok>> login(runtime::service& self, std::string account,
                                              std::string password, std::string address = {});

/// Creates an account and logs it in; an existing name gives BAD_REQUEST.
runtime::task<account_result<login_ok>> signup(runtime::service& self, std::string account,
                                               std::string password);

/// sproto mode's `signup` (its request carries a name only): creates `account` with no
/// password; false when the name is taken. A password-less account cannot log in by password
/// (protobuf mode's login answers UNAUTHORIZED).
runtime::task<account_result<bool>> create_without_password(runtime::service& self,
                                                            std::string account);

/// sproto mode's `signin`: the id of `account`, created with no password on first use (as a
/// first protobuf login creates the account); UNAUTHORIZED for an account with a password.
runtime::task<account_result<std::int64_t>> find_or_create(runtime::service& self,
                                                           std::string account);

/// A fresh token for `userid` (stored in the cache for `token_ttl_s`), as a login issues.
runtime::task<account_result<login_ok>> issue_token(runtime::service& self, std::int64_t userid);

/// The userid a live token belongs to; UNAUTHORIZED when unknown or expired,
/// BACKEND_UNAVAILABLE when the cache is down.
runtime::task<account_result<std::int64_t>> check_token(runtime::service& self, std::string token);

}  // namespace stratus::app
