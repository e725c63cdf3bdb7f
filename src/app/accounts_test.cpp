// The account logic on the embedded backends (memory cache, SQLite), through the services.
#include "app/accounts.hpp"

#include <gtest/gtest.h>

#include "services/cache_messages.hpp"
#include "services/db_messages.hpp"
#include "services/test_node.hpp"
#include "app/app_keys.hpp"

namespace stratus::app {
namespace {

using runtime::service;
using runtime::task;
using services::testing::backend_node;
using services::testing::embedded_config;
using services::testing::temp_dir;
using namespace std::string_literals;

// Plain functions: the argument strings are built outside the coroutine's co_await expression
// (GCC 12 mis-destroys non-trivial temporaries there).
task<account_result<login_ok>> login_(service& s, const char* a, const char* p) {
  return login(s, a, p);
}
task<account_result<login_ok>> signup_(service& s, const char* a, const char* p) {
  return signup(s, a, p);
}
task<account_result<std::int64_t>> check_token_(service& s, const char* t) {
  return check_token(s, t);
}
task<account_result<bool>> create_np_(service& s, const char* a) {
  return create_without_password(s, a);
}
task<account_result<std::int64_t>> find_or_create_(service& s, const char* a) {
  return find_or_create(s, a);
}
task<std::optional<std::string>> cached_(service& s, const char* key) {
  services::cache::get g{key};
  auto r = co_await s.call(".cacheproxyd", std::move(g));
  if (!r || !*r) co_return std::nullopt;
  co_return **r;
}

// Cheap hashing keeps the tests fast; the format (Argon2id) is the same.
const std::string cheap = "password_ops = 1\npassword_mem_kib = 64\n";

TEST(Accounts, FirstLoginCreatesThenPasswordIsChecked) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    auto first = co_await login_(s, "alice", "secret");
    STRATUS_CO_ASSERT(first.ok());
    EXPECT_GT(first->userid, 0);
    EXPECT_EQ(first->token.size(), 32u);
    EXPECT_EQ(first->expires_in, 3600);
    auto again = co_await login_(s, "alice", "secret");
    STRATUS_CO_ASSERT(again.ok());
    EXPECT_EQ(again->userid, first->userid);
    EXPECT_NE(again->token, first->token);
    auto wrong = co_await login_(s, "alice", "Secret");
    STRATUS_CO_ASSERT(!(wrong.ok()));
    EXPECT_EQ(wrong.error().code, "UNAUTHORIZED");
    // The stored hash is Argon2id, never the password.
    auto msg1 =
        services::db::query{"SELECT password_hash FROM accounts WHERE account = ?", {"alice"}};
    auto q = co_await s.call(".dbproxyd", std::move(msg1));
    const auto& hash = std::get<std::string>((**q).at(0, "password_hash"));
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_EQ(hash.find("secret"), std::string::npos);
  });
}

TEST(Accounts, InjectionInTheAccountNameIsStoredLiterally) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    std::string evil = "bob' OR '1'='1";
    auto r = co_await login_(s, evil.c_str(), "pw");
    STRATUS_CO_ASSERT(r.ok());
    auto other = co_await login_(s, "bob", "pw");
    STRATUS_CO_ASSERT(other.ok());
    EXPECT_NE(other->userid, r->userid);
    auto msg11 = services::db::query{"SELECT account FROM accounts WHERE id = ?", {r->userid}};
    auto q = co_await s.call(".dbproxyd", std::move(msg11));
    EXPECT_EQ(std::get<std::string>((**q).at(0, "account")), evil);
  });
}

TEST(Accounts, SignupRefusesAnExistingNameAndBadInput) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    auto r = co_await signup_(s, "carol", "pw");
    STRATUS_CO_ASSERT(r.ok());
    auto dup = co_await signup_(s, "carol", "pw");
    EXPECT_EQ(dup.error().code, "BAD_REQUEST");
    auto empty = co_await login_(s, "", "pw");
    EXPECT_EQ(empty.error().code, "BAD_REQUEST");
    std::string longname_s(65, 'x');
    auto longname = co_await login_(s, longname_s.c_str(), "pw");
    EXPECT_EQ(longname.error().code, "BAD_REQUEST");
  });
}

TEST(Accounts, TokenChecksAndExpires) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap + "token_ttl_s = 1\n"), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    auto r = co_await login_(s, "dave", "pw");
    STRATUS_CO_ASSERT(r.ok());
    EXPECT_EQ(r->expires_in, 1);
    auto id = co_await check_token_(s, r->token.c_str());
    STRATUS_CO_ASSERT(id.ok());
    EXPECT_EQ(*id, r->userid);
    auto bogus = co_await check_token_(s, "00000000000000000000000000000000");
    EXPECT_EQ(bogus.error().code, "UNAUTHORIZED");
    co_await s.sleep(std::chrono::milliseconds(1200));
    auto expired = co_await check_token_(s, r->token.c_str());
    EXPECT_EQ(expired.error().code, "UNAUTHORIZED");
  });
}

TEST(Accounts, PasswordlessAccountsForSprotoMode) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    auto made = co_await create_np_(s, "erin");
    STRATUS_CO_ASSERT(made.ok());
    EXPECT_TRUE(*made);
    auto again = co_await create_np_(s, "erin");
    STRATUS_CO_ASSERT(again.ok());
    EXPECT_FALSE(*again);  // taken
    auto id = co_await find_or_create_(s, "erin");
    STRATUS_CO_ASSERT(id.ok());
    auto fresh = co_await find_or_create_(s, "frank");  // first sign-in creates
    STRATUS_CO_ASSERT(fresh.ok());
    EXPECT_NE(*fresh, *id);
    auto same = co_await find_or_create_(s, "frank");
    STRATUS_CO_ASSERT(same.ok());
    EXPECT_EQ(*same, *fresh);
    // No password: a password login cannot open it.
    auto by_password = co_await login_(s, "erin", "anything");
    EXPECT_EQ(by_password.error().code, "UNAUTHORIZED");
    // A password account cannot be opened by a password-less sign-in.
    auto pw = co_await login_(s, "grace", "pw");
    STRATUS_CO_ASSERT(pw.ok());
    auto signin = co_await find_or_create_(s, "grace");
    EXPECT_EQ(signin.error().code, "UNAUTHORIZED");
    auto empty = co_await create_np_(s, "");
    EXPECT_EQ(empty.error().code, "BAD_REQUEST");
  });
}

TEST(Accounts, LookupsAreCachedAndABadCacheEntryFallsBackToTheDatabase) {
  temp_dir dir;
  backend_node n(embedded_config(dir, cheap), {app::config_keys()});
  n.exec([](service& s) -> task<void> {
    auto first = co_await login_(s, "heidi", "pw");
    STRATUS_CO_ASSERT(first.ok());
    auto entry = co_await cached_(s, "account:heidi");
    STRATUS_CO_ASSERT(entry.has_value());
    EXPECT_EQ(entry->substr(0, entry->find(':')), std::to_string(first->userid));
    EXPECT_NE(entry->find("$argon2id$"), std::string::npos);
    // A damaged entry is a miss: the database answers and the entry is written again.
    services::cache::set damage{"account:heidi", "garbage", std::nullopt};
    auto damaged = co_await s.call(".cacheproxyd", std::move(damage));
    STRATUS_CO_ASSERT(damaged.ok());
    auto second = co_await login_(s, "heidi", "pw");
    STRATUS_CO_ASSERT(second.ok());
    EXPECT_EQ(second->userid, first->userid);
    auto wrong = co_await login_(s, "heidi", "nope");
    EXPECT_EQ(wrong.error().code, "UNAUTHORIZED");
    auto repaired = co_await cached_(s, "account:heidi");
    STRATUS_CO_ASSERT(repaired.has_value());
    EXPECT_EQ(*repaired, *entry);
  });
}

TEST(Accounts, MissingServicesGiveBackendUnavailable) {
  runtime::node n(runtime::node_options{});
  n.start();
  auto f = n.exec([](service& s) -> task<void> {
    auto r = co_await check_token_(s, "abc");
    EXPECT_EQ(r.error().code, "BACKEND_UNAVAILABLE");
    auto l = co_await login_(s, "eve", "pw");
    EXPECT_EQ(l.error().code, "BACKEND_UNAVAILABLE");
  });
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  f.get();
  n.stop();
  n.wait();
}

}  // namespace
}  // namespace stratus::app
