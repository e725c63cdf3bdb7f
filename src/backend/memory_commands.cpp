#include "backend/memory_commands.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

namespace stratus::backend {
namespace {

using clock = memory_table::clock;
using args_t = std::vector<std::string>;
using handler = kv_reply (*)(memory_table&, const args_t&, clock::time_point);

kv_reply err(std::string text) {
  return {kv_error{std::move(text)}};
}
kv_reply wrongtype() {
  return err("WRONGTYPE Operation against a key holding the wrong kind of value");
}
kv_reply not_integer() {
  return err("ERR value is not an integer or out of range");
}
kv_reply ok() {
  return {kv_status{"OK"}};
}
kv_reply integer(std::int64_t v) {
  return {v};
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Adds `by` to the integer held in `text`; error reply on a non-integer or overflow.
std::optional<kv_reply> add_to(std::string& text, std::int64_t by) {
  auto current = text.empty() ? std::optional<std::int64_t>(0) : parse_int(text);
  if (!current) return not_integer();
  std::int64_t next = 0;
  if (__builtin_add_overflow(*current, by, &next)) {
    return err("ERR increment or decrement would overflow");
  }
  text = std::to_string(next);
  return std::nullopt;
}

kv_reply cmd_ping(memory_table&, const args_t& a, clock::time_point) {
  if (a.size() == 2) return {a[1]};
  return {kv_status{"PONG"}};
}

kv_reply cmd_get(memory_table& t, const args_t& a, clock::time_point now) {
  auto* e = t.find(a[1], now);
  if (!e) return {kv_nil{}};
  if (auto* s = std::get_if<std::string>(&e->value)) return {*s};
  return wrongtype();
}

kv_reply cmd_mget(memory_table& t, const args_t& a, clock::time_point now) {
  std::vector<kv_reply> out;
  for (std::size_t i = 1; i < a.size(); ++i) {
    auto* e = t.find(a[i], now);
    auto* s = e ? std::get_if<std::string>(&e->value) : nullptr;
    out.push_back(s ? kv_reply{*s} : kv_reply{kv_nil{}});
  }
  return {std::move(out)};
}

kv_reply cmd_set(memory_table& t, const args_t& a, clock::time_point now) {
  bool nx = false, xx = false, keep_ttl = false;
  std::optional<clock::time_point> expires;
  for (std::size_t i = 3; i < a.size(); ++i) {
    auto opt = upper(a[i]);
    if (opt == "NX") {
      nx = true;
    } else if (opt == "XX") {
      xx = true;
    } else if (opt == "KEEPTTL") {
      keep_ttl = true;
    } else if ((opt == "EX" || opt == "PX") && i + 1 < a.size() && !expires) {
      auto n = parse_int(a[++i]);
      if (!n) return not_integer();
      if (*n <= 0) return err("ERR invalid expire time in 'set' command");
      auto ms = opt == "EX" ? *n * 1000 : *n;
      expires = now + std::chrono::milliseconds(ms);
    } else {
      return err("ERR syntax error");
    }
  }
  if ((nx && xx) || (keep_ttl && expires)) return err("ERR syntax error");
  auto* existing = t.find(a[1], now);
  if ((nx && existing) || (xx && !existing)) return {kv_nil{}};
  auto old_expiry = existing ? existing->expires_at : std::nullopt;
  t.put(a[1], a[2]);
  if (expires) t.set_expiry(a[1], expires);
  if (keep_ttl && old_expiry) t.set_expiry(a[1], old_expiry);
  return ok();
}

kv_reply cmd_del(memory_table& t, const args_t& a, clock::time_point now) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < a.size(); ++i) n += t.erase(a[i], now) ? 1 : 0;
  return integer(n);
}

kv_reply cmd_exists(memory_table& t, const args_t& a, clock::time_point now) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < a.size(); ++i) n += t.find(a[i], now) ? 1 : 0;
  return integer(n);
}

kv_reply expire_in(memory_table& t, const args_t& a, clock::time_point now, std::int64_t unit_ms) {
  auto n = parse_int(a[2]);
  if (!n) return not_integer();
  if (!t.find(a[1], now)) return integer(0);
  if (*n <= 0) {
    t.erase(a[1], now);
    return integer(1);
  }
  t.set_expiry(a[1], now + std::chrono::milliseconds(*n * unit_ms));
  return integer(1);
}

kv_reply cmd_expire(memory_table& t, const args_t& a, clock::time_point now) {
  return expire_in(t, a, now, 1000);
}

kv_reply cmd_pexpire(memory_table& t, const args_t& a, clock::time_point now) {
  return expire_in(t, a, now, 1);
}

kv_reply time_left(memory_table& t, const args_t& a, clock::time_point now, bool millis) {
  auto* e = t.find(a[1], now);
  if (!e) return integer(-2);
  if (!e->expires_at) return integer(-1);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*e->expires_at - now).count();
  return integer(millis ? ms : (ms + 500) / 1000);
}

kv_reply cmd_ttl(memory_table& t, const args_t& a, clock::time_point now) {
  return time_left(t, a, now, false);
}

kv_reply cmd_pttl(memory_table& t, const args_t& a, clock::time_point now) {
  return time_left(t, a, now, true);
}

kv_reply cmd_persist(memory_table& t, const args_t& a, clock::time_point now) {
  auto* e = t.find(a[1], now);
  if (!e || !e->expires_at) return integer(0);
  t.set_expiry(a[1], std::nullopt);
  return integer(1);
}

kv_reply incr_by(memory_table& t, const std::string& key, std::int64_t by, clock::time_point now) {
  auto* e = t.find(key, now);
  if (!e) e = &t.put(key, std::string());
  auto* s = std::get_if<std::string>(&e->value);
  if (!s) return wrongtype();
  if (auto bad = add_to(*s, by)) return *bad;
  return integer(*parse_int(*s));
}

kv_reply cmd_incr(memory_table& t, const args_t& a, clock::time_point now) {
  return incr_by(t, a[1], 1, now);
}

kv_reply cmd_decr(memory_table& t, const args_t& a, clock::time_point now) {
  return incr_by(t, a[1], -1, now);
}

kv_reply cmd_incrby(memory_table& t, const args_t& a, clock::time_point now) {
  auto by = parse_int(a[2]);
  return by ? incr_by(t, a[1], *by, now) : not_integer();
}

kv_reply cmd_decrby(memory_table& t, const args_t& a, clock::time_point now) {
  auto by = parse_int(a[2]);
  if (!by || *by == INT64_MIN) return not_integer();
  return incr_by(t, a[1], -*by, now);
}

// The hash at `key`, created when missing and `create`; null with `bad` set on a wrong type.
memory_table::hash* hash_at(memory_table& t, const std::string& key, clock::time_point now,
                            bool create, bool& bad) {
  bad = false;
  auto* e = t.find(key, now);
  if (!e) {
    if (!create) return nullptr;
    e = &t.put(key, memory_table::hash{});
  }
  auto* h = std::get_if<memory_table::hash>(&e->value);
  bad = h == nullptr;
  return h;
}

kv_reply cmd_hset(memory_table& t, const args_t& a, clock::time_point now) {
  if (a.size() % 2 != 0) return err("ERR wrong number of arguments for 'hset' command");
  bool bad = false;
  auto* h = hash_at(t, a[1], now, true, bad);
  if (bad) return wrongtype();
  std::int64_t added = 0;
  for (std::size_t i = 2; i + 1 < a.size(); i += 2) {
    added += h->insert_or_assign(a[i], a[i + 1]).second ? 1 : 0;
  }
  return integer(added);
}

kv_reply cmd_hmset(memory_table& t, const args_t& a, clock::time_point now) {
  if (a.size() % 2 != 0) return err("ERR wrong number of arguments for 'hmset' command");
  auto r = cmd_hset(t, a, now);
  return r.is_error() ? r : ok();
}

kv_reply cmd_hget(memory_table& t, const args_t& a, clock::time_point now) {
  bool bad = false;
  auto* h = hash_at(t, a[1], now, false, bad);
  if (bad) return wrongtype();
  if (!h) return {kv_nil{}};
  auto it = h->find(a[2]);
  return it == h->end() ? kv_reply{kv_nil{}} : kv_reply{it->second};
}

kv_reply cmd_hgetall(memory_table& t, const args_t& a, clock::time_point now) {
  bool bad = false;
  auto* h = hash_at(t, a[1], now, false, bad);
  if (bad) return wrongtype();
  std::vector<kv_reply> out;
  if (h) {
    for (const auto& [f, v] : *h) {
      out.push_back({f});
      out.push_back({v});
    }
  }
  return {std::move(out)};
}

kv_reply cmd_hdel(memory_table& t, const args_t& a, clock::time_point now) {
  bool bad = false;
  auto* h = hash_at(t, a[1], now, false, bad);
  if (bad) return wrongtype();
  std::int64_t n = 0;
  for (std::size_t i = 2; h && i < a.size(); ++i) n += static_cast<std::int64_t>(h->erase(a[i]));
  if (h && h->empty()) t.erase(a[1], now);  // Redis drops empty hashes
  return integer(n);
}

kv_reply cmd_hexists(memory_table& t, const args_t& a, clock::time_point now) {
  bool bad = false;
  auto* h = hash_at(t, a[1], now, false, bad);
  if (bad) return wrongtype();
  return integer(h && h->count(a[2]) ? 1 : 0);
}

kv_reply cmd_hlen(memory_table& t, const args_t& a, clock::time_point now) {
  bool bad = false;
  auto* h = hash_at(t, a[1], now, false, bad);
  if (bad) return wrongtype();
  return integer(h ? static_cast<std::int64_t>(h->size()) : 0);
}

kv_reply cmd_hincrby(memory_table& t, const args_t& a, clock::time_point now) {
  auto by = parse_int(a[3]);
  if (!by) return not_integer();
  bool bad = false;
  auto* h = hash_at(t, a[1], now, true, bad);
  if (bad) return wrongtype();
  auto& text = (*h)[a[2]];
  if (auto e = add_to(text, *by)) return err("ERR hash value is not an integer");
  return integer(*parse_int(text));
}

struct command_info {
  std::string_view name;
  handler run;
  int arity;  // like Redis: positive = exact count, negative = at least -arity
};

constexpr command_info commands[] = {
    {"DECR", cmd_decr, 2},       {"DECRBY", cmd_decrby, 3},   {"DEL", cmd_del, -2},
    {"EXISTS", cmd_exists, -2},  {"EXPIRE", cmd_expire, 3},   {"GET", cmd_get, 2},
    {"HDEL", cmd_hdel, -3},      {"HEXISTS", cmd_hexists, 3}, {"HGET", cmd_hget, 3},
    {"HGETALL", cmd_hgetall, 2}, {"HINCRBY", cmd_hincrby, 4}, {"HLEN", cmd_hlen, 2},
    {"HMSET", cmd_hmset, -4},    {"HSET", cmd_hset, -4},      {"INCR", cmd_incr, 2},
    {"INCRBY", cmd_incrby, 3},   {"MGET", cmd_mget, -2},      {"PERSIST", cmd_persist, 2},
    {"PEXPIRE", cmd_pexpire, 3}, {"PING", cmd_ping, -1},      {"PTTL", cmd_pttl, 2},
    {"SET", cmd_set, -3},        {"TTL", cmd_ttl, 2},
};

const command_info* lookup(std::string_view name) {
  auto key = upper(name);
  auto it = std::find_if(std::begin(commands), std::end(commands),
                         [&](const command_info& c) { return c.name == key; });
  return it == std::end(commands) ? nullptr : &*it;
}

}  // namespace

bool memory_supports(std::string_view name) {
  return lookup(name) != nullptr;
}

kv_reply memory_execute(memory_table& table, const std::vector<std::string>& args,
                        clock::time_point now) {
  const auto* info = args.empty() ? nullptr : lookup(args[0]);
  if (!info) return err("ERR unknown command");
  auto n = static_cast<int>(args.size());
  if ((info->arity > 0 && n != info->arity) || (info->arity < 0 && n < -info->arity)) {
    std::string lower(args[0]);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return err("ERR wrong number of arguments for '" + lower + "' command");
  }
  return info->run(table, args, now);
}

}  // namespace stratus::backend
