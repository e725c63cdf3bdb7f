#include "app/accounts.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>

#include "app/login_throttle.hpp"
#include "runtime/config.hpp"
#include "runtime/log.hpp"
#include "runtime/offload.hpp"
#include "services/cache_messages.hpp"
#include "services/db_messages.hpp"

namespace stratus::app {

namespace {
using runtime::task;
namespace cache = services::cache;
namespace db = services::db;

constexpr std::size_t max_account_bytes = 64;  // accounts.account is VARCHAR(64)
constexpr const char* cache_name = ".cacheproxyd";
constexpr const char* db_name = ".dbproxyd";

// An optional integer key; the defaults apply when the node has no config or lacks the key.
std::int64_t option(runtime::service& self, std::string_view key, std::int64_t fallback) {
  try {
    if (const auto* v = self.config().find(key)) {
      if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
    }
  } catch (const std::logic_error&) {
    // No config on this node (tests, tools): defaults.
  }
  return fallback;
}

account_error from_backend(const backend::error& e, std::string_view what) {
  if (e.code == backend::error_code::backend_unavailable || e.code == backend::error_code::timeout)
    return {account_errc::backend_unavailable, std::string(what) + " unavailable"};
  if (e.code == backend::error_code::bad_request) {
    runtime::log::warn("accounts: {} refused the data: {}", what, e.message);
    return {account_errc::bad_request, "the " + std::string(what) + " refused this data"};
  }
  runtime::log::error("accounts: {} failed: {}", what, e.message);
  return {account_errc::internal, "internal error"};
}

// The lane that runs Argon2id: its threads bound the memory hashing can take at once
// (password_concurrency x password_mem_kib), its queue bounds the wait.
runtime::work_lane& password_lane(runtime::service& self) {
  return runtime::lane_of(
      self, {"password", static_cast<std::size_t>(option(self, "password_concurrency", 2)),
             static_cast<std::size_t>(option(self, "password_queue", 64)), self.call_timeout()});
}

const account_error busy{account_errc::rate_limited,
                         "too many logins at once; retry in a moment"};

login_throttle& throttle(runtime::service& self) {
  static login_throttle t([&] {
    login_throttle_options o;
    o.account_failures = static_cast<int>(option(self, "login_max_failures", o.account_failures));
    o.address_failures =
        static_cast<int>(option(self, "login_ip_max_failures", o.address_failures));
    o.concurrent = static_cast<int>(option(self, "login_max_concurrent", o.concurrent));
    o.window = std::chrono::seconds(option(self, "login_window_s", o.window.count()));
    o.lockout = std::chrono::seconds(option(self, "login_lockout_s", o.lockout.count()));
    return o;
  }());
  return t;
}

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;  // continuation bytes
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c >> 5) == 0x6) n = 1;
    else if ((c >> 4) == 0xe) n = 2;
    else if ((c >> 3) == 0x1e) n = 3;
    else return false;
    if (s.size() - i <= n) return false;
    std::uint32_t cp = c & (0x3fu >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr std::uint32_t min_of[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_of[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

account_error from_call(const runtime::call_error& e, std::string_view what) {
  runtime::log::warn("accounts: call to {} failed: {}", what, e.message);
  return {account_errc::backend_unavailable, std::string(what) + " unavailable"};
}

struct stored_account {
  std::int64_t id = 0;
  std::string hash;
};

constexpr std::chrono::seconds account_cache_ttl{300};

// "<id>:<hash>" as cached under account:<name>; nullopt when the text is not of that form.
std::optional<stored_account> parse_cached(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == 0 || colon == std::string::npos || colon > 18) return std::nullopt;
  stored_account a;
  for (char c : std::string_view(text).substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    a.id = a.id * 10 + (c - '0');
  }
  a.hash = text.substr(colon + 1);
  return a;
}

// The cached row of `account`; nullopt on a miss. A cache that is down counts as a miss: the
// database still answers, and whatever needs the cache next reports it.
task<std::optional<stored_account>> cached_account(runtime::service& self,
                                                   const std::string& account) {
  auto r = co_await self.call<cache::get>(cache_name, "account:" + account);
  if (!r || !*r || !**r) co_return std::nullopt;
  co_return parse_cached(***r);
}

task<void> remember_account(runtime::service& self, const std::string& account,
                            const stored_account& a) {
  auto r = co_await self.call<cache::set>(cache_name, "account:" + account,
                                          std::to_string(a.id) + ":" + a.hash, account_cache_ttl);
  (void)r;  // best effort: a miss next time costs one query
}

// The account row, nullopt when the name is unknown; the cache first, then the database.
task<account_result<std::optional<stored_account>>> find_account(runtime::service& self,
                                                                 const std::string& account) {
  std::optional<stored_account> hit = co_await cached_account(self, account);
  if (hit) co_return std::move(hit);
  auto r = co_await self.call<db::query>(
      db_name, "SELECT id, password_hash FROM accounts WHERE account = ?", db::params(account));
  if (!r) co_return from_call(r.error(), "database");
  if (!*r) co_return from_backend(r->error(), "database");
  const backend::sql_rows& rows = **r;
  if (rows.empty()) co_return std::optional<stored_account>{};
  const auto* id = std::get_if<std::int64_t>(&rows.at(0, "id"));
  const auto* hash = std::get_if<std::string>(&rows.at(0, "password_hash"));
  if (!id || !hash) co_return account_error{account_errc::internal, std::string("internal error")};
  stored_account found{*id, *hash};
  co_await remember_account(self, account, found);
  co_return std::optional<stored_account>{std::move(found)};
}

const account_error name_taken{account_errc::conflict, "account already exists"};

// Inserts the row; `name_taken` when the name exists. A statement the database certainly did
// not run (deadlock, read-only moment) is tried once more.
task<account_result<std::int64_t>> insert_account(runtime::service& self,
                                                  const std::string& account,
                                                  const std::string& hash) {
  for (int attempt = 0;; ++attempt) {
    auto r = co_await self.call<db::exec>(
        db_name, "INSERT INTO accounts (account, password_hash) VALUES (?, ?)",
        db::params(account, hash));
    if (!r) co_return from_call(r.error(), "database");
    if (*r) co_return (*r)->last_insert_id;
    const backend::error& e = r->error();
    if (e.code == backend::error_code::conflict) co_return name_taken;
    if (!e.retry_safe || attempt > 0) co_return from_backend(e, "database");
  }
}

// Hashes with Argon2id on the blocking pool and inserts; BAD_REQUEST when the name exists.
task<account_result<stored_account>> create_account(runtime::service& self,
                                                  const std::string& account,
                                                  const std::string& password) {
  auto ops = static_cast<unsigned long long>(
      option(self, "password_ops", crypto_pwhash_OPSLIMIT_INTERACTIVE));
  auto mem = static_cast<std::size_t>(
      option(self, "password_mem_kib", crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024) * 1024);
  ops = std::max<unsigned long long>(ops, crypto_pwhash_OPSLIMIT_MIN);
  mem = std::max<std::size_t>(mem, crypto_pwhash_MEMLIMIT_MIN);
  // Named job: GCC 12 mis-destroys non-trivial temporaries inside a co_await expression.
  auto job = [password, ops, mem]() -> std::optional<std::string> {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0)
      return std::nullopt;  // out of memory
    return std::string(out);
  };
  auto hashed = co_await runtime::offload_to(self, password_lane(self), std::move(job));
  if (!hashed) co_return busy;
  std::optional<std::string> hash = std::move(*hashed);
  if (!hash) co_return account_error{account_errc::internal, std::string("internal error")};
  auto id = co_await insert_account(self, account, *hash);
  if (!id) co_return id.error();
  stored_account created{*id, std::move(*hash)};
  co_await remember_account(self, account, created);
  co_return created;
}

// True when `password` matches; `busy` when the password lane cannot take the job now, and
// RATE_LIMITED when the account was locked out while the job waited its turn (a storm's
// queued guesses are then dropped unhashed).
task<account_result<bool>> verify_password(runtime::service& self, std::string hash,
                                           std::string password, std::string account,
                                           std::string address) {
  login_throttle* guard = &throttle(self);
  // Checks of one account take one turn among the others (a storm of guesses at one account
  // queues behind itself, not in front of other players' logins).
  const std::uint64_t share = std::hash<std::string>{}(account) | 1;
  auto job = [hash = std::move(hash), pw = std::move(password), account = std::move(account),
              address = std::move(address), guard]() -> std::optional<bool> {
    if (guard->blocked(account, address)) return std::nullopt;
    return crypto_pwhash_str_verify(hash.c_str(), pw.data(), pw.size()) == 0;
  };
  // The job is named: GCC 12 destroys non-trivial temporaries of a co_await operand twice.
  auto ok = co_await runtime::offload_to(self, password_lane(self), std::move(job), share);
  if (!ok) co_return busy;
  if (!*ok)
    co_return account_error{account_errc::rate_limited,
                            std::string("too many failed logins; retry later")};
  co_return **ok;
}

// Pairs login_throttle::begin_attempt with end_attempt for a coroutine's lifetime.
struct attempt_scope {
  login_throttle& guard;
  std::string account;
  ~attempt_scope() { guard.end_attempt(account); }
};

// A fresh random token stored as session:<token> -> userid for token_ttl_s seconds.
task<account_result<login_ok>> new_token(runtime::service& self, std::int64_t userid) {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  auto ttl = static_cast<std::int32_t>(option(self, "token_ttl_s", 3600));
  login_ok ok{userid, hex, ttl};
  auto r = co_await self.call<cache::set>(cache_name, "session:" + ok.token,
                                          std::to_string(userid), std::chrono::seconds(ttl));
  if (!r) co_return from_call(r.error(), "cache");
  if (!*r) co_return from_backend(r->error(), "cache");
  co_return ok;
}

std::optional<account_error> check_name(const std::string& account) {
  if (account.empty() || account.size() > max_account_bytes)
    return account_error{account_errc::bad_request, std::string("account must be 1 to 64 bytes")};
  if (!valid_utf8(account))
    return account_error{account_errc::bad_request, std::string("account must be UTF-8 text")};
  return std::nullopt;
}

std::optional<account_error> check_credentials(const std::string& account,
                                               const std::string& password) {
  if (auto bad = check_name(account)) return bad;
  if (password.empty())
    return account_error{account_errc::bad_request, std::string("empty password")};
  if (sodium_init() < 0)
    return account_error{account_errc::internal, std::string("internal error")};
  return std::nullopt;
}
}  // namespace

task<account_result<login_ok>> issue_token(runtime::service& self, std::int64_t userid) {
  co_return co_await new_token(self, userid);
}

task<account_result<login_ok>> login(runtime::service& self, std::string account,
                                     std::string password, std::string address) {
  if (auto bad = check_credentials(account, password)) co_return *bad;
  login_throttle& guard = throttle(self);
  if (auto wait = guard.blocked(account, address))
    co_return account_error{account_errc::rate_limited,
                            "too many failed logins; retry in " + std::to_string(wait->count()) +
                                " s"};
  auto found = co_await find_account(self, account);
  if (!found) co_return found.error();
  if (!*found) {
    auto created = co_await create_account(self, account, password);
    if (created) co_return co_await new_token(self, created->id);
    if (created.error().code != account_errc::conflict) co_return created.error();
    found = co_await find_account(self, account);  // created by a concurrent first login
    if (!found) co_return found.error();
    if (!*found) co_return account_error{account_errc::internal, std::string("internal error")};
  }
  stored_account acc = std::move(**found);
  if (acc.hash.empty())
    co_return account_error{account_errc::unauthorized,
                            "this account was made by sproto signin and has no password"};
  if (!guard.begin_attempt(account))
    co_return account_error{account_errc::rate_limited,
                            std::string("too many logins of this account at once")};
  attempt_scope scope{guard, account};
  auto match = co_await verify_password(self, std::move(acc.hash), std::move(password), account,
                                        address);
  if (!match) co_return match.error();
  if (!*match) {
    guard.failed(account, address);
    co_return account_error{account_errc::unauthorized, std::string("wrong account or password")};
  }
  guard.succeeded(account);
  co_return co_await new_token(self, acc.id);
}

task<account_result<login_ok>> signup(runtime::service& self, std::string account,
                                      std::string password) {
  if (auto bad = check_credentials(account, password)) co_return *bad;
  auto created = co_await create_account(self, account, password);
  if (!created) {
    if (created.error().code == account_errc::conflict)
      co_return account_error{account_errc::bad_request, std::string("account already exists")};
    co_return created.error();
  }
  co_return co_await new_token(self, created->id);
}

task<account_result<bool>> create_without_password(runtime::service& self, std::string account) {
  if (auto bad = check_name(account)) co_return *bad;
  auto created = co_await insert_account(self, account, std::string());
  if (created) co_return true;
  if (created.error().code == account_errc::conflict) co_return false;  // name taken
  co_return created.error();
}

task<account_result<std::int64_t>> find_or_create(runtime::service& self, std::string account) {
  if (auto bad = check_name(account)) co_return *bad;
  auto found = co_await find_account(self, account);
  if (!found) co_return found.error();
  if (!*found) {
    auto created = co_await insert_account(self, account, std::string());
    if (created || created.error().code != account_errc::conflict) co_return created;
    found = co_await find_account(self, account);  // created by a concurrent first sign-in
    if (!found) co_return found.error();
    if (!*found) co_return account_error{account_errc::internal, std::string("internal error")};
  }
  // sproto's signin carries no password: it must not open an account that has one.
  if (!(*found)->hash.empty())
    co_return account_error{account_errc::unauthorized,
                            std::string("this account logs in with a password")};
  co_return (*found)->id;
}

task<account_result<std::int64_t>> check_token(runtime::service& self, std::string token) {
  if (token.empty())
    co_return account_error{account_errc::unauthorized, std::string("missing token")};
  auto r = co_await self.call<cache::get>(cache_name, "session:" + token);
  if (!r) co_return from_call(r.error(), "cache");
  if (!*r) co_return from_backend(r->error(), "cache");
  const std::optional<std::string>& v = **r;
  if (!v)
    co_return account_error{account_errc::unauthorized, std::string("invalid or expired token")};
  try {
    co_return std::stoll(*v);
  } catch (const std::exception&) {
    co_return account_error{account_errc::internal, std::string("internal error")};
  }
}

}  // namespace stratus::app
