#include "backend/kv_store.hpp"

namespace stratus::backend {
namespace {

error unexpected(std::string_view what, const kv_reply& reply) {
  return fail(error_code::bad_request, std::string(what) + ": unexpected reply " + describe(reply));
}

result<std::optional<std::string>> optional_string(std::string_view what, const kv_reply& reply) {
  if (reply.is_nil()) return std::optional<std::string>{};
  if (const auto* s = reply.as_string()) return std::optional<std::string>{*s};
  return unexpected(what, reply);
}

result<std::int64_t> integer(std::string_view what, const kv_reply& reply) {
  if (const auto* i = reply.as_int()) return *i;
  return unexpected(what, reply);
}

result<void> status_ok(std::string_view what, const kv_reply& reply) {
  if (const auto* s = std::get_if<kv_status>(&reply.value); s && s->text == "OK") return {};
  return unexpected(what, reply);
}

}  // namespace

std::string describe(const kv_reply& reply) {
  struct visitor {
    std::string operator()(const kv_nil&) const { return "nil"; }
    std::string operator()(std::int64_t i) const { return "int " + std::to_string(i); }
    std::string operator()(const std::string& s) const {
      return "string(" + std::to_string(s.size()) + " bytes)";
    }
    std::string operator()(const std::vector<kv_reply>& a) const {
      return "array(" + std::to_string(a.size()) + ")";
    }
    std::string operator()(const kv_status& s) const { return "status " + s.text; }
    std::string operator()(const kv_error& e) const { return "error " + e.text; }
  };
  return std::visit(visitor{}, reply.value);
}

result<kv_reply> kv_store::checked(std::vector<std::string> args) {
  std::string name = args.empty() ? std::string() : args.front();
  auto reply = command(std::move(args));
  if (!reply) return reply;
  if (const auto* e = std::get_if<kv_error>(&reply->value)) {
    return fail(error_code::bad_request, name + ": " + e->text);
  }
  return reply;
}

result<std::optional<std::string>> kv_store::get(std::string_view key) {
  auto r = checked({"GET", std::string(key)});
  if (!r) return r.error();
  return optional_string("GET", *r);
}

result<void> kv_store::set(std::string_view key, std::string_view value,
                           std::optional<std::chrono::milliseconds> ttl) {
  std::vector<std::string> args{"SET", std::string(key), std::string(value)};
  if (ttl) {
    if (ttl->count() <= 0) return fail(error_code::bad_request, "SET: ttl must be positive");
    args.push_back("PX");
    args.push_back(std::to_string(ttl->count()));
  }
  auto r = checked(std::move(args));
  if (!r) return r.error();
  return status_ok("SET", *r);
}

result<bool> kv_store::del(std::string_view key) {
  auto r = checked({"DEL", std::string(key)});
  if (!r) return r.error();
  auto n = integer("DEL", *r);
  if (!n) return n.error();
  return *n > 0;
}

result<bool> kv_store::expire(std::string_view key, std::chrono::milliseconds ttl) {
  auto r = checked({"PEXPIRE", std::string(key), std::to_string(ttl.count())});
  if (!r) return r.error();
  auto n = integer("PEXPIRE", *r);
  if (!n) return n.error();
  return *n == 1;
}

result<std::int64_t> kv_store::incr(std::string_view key, std::int64_t by) {
  auto r = checked({"INCRBY", std::string(key), std::to_string(by)});
  if (!r) return r.error();
  return integer("INCRBY", *r);
}

result<bool> kv_store::hset(std::string_view key, std::string_view field, std::string_view value) {
  auto r = checked({"HSET", std::string(key), std::string(field), std::string(value)});
  if (!r) return r.error();
  auto n = integer("HSET", *r);
  if (!n) return n.error();
  return *n == 1;
}

result<void> kv_store::hmset(std::string_view key,
                             const std::vector<std::pair<std::string, std::string>>& fields) {
  if (fields.empty()) return fail(error_code::bad_request, "HMSET: no fields");
  std::vector<std::string> args{"HMSET", std::string(key)};
  for (const auto& [f, v] : fields) {
    args.push_back(f);
    args.push_back(v);
  }
  auto r = checked(std::move(args));
  if (!r) return r.error();
  return status_ok("HMSET", *r);
}

result<std::optional<std::string>> kv_store::hget(std::string_view key, std::string_view field) {
  auto r = checked({"HGET", std::string(key), std::string(field)});
  if (!r) return r.error();
  return optional_string("HGET", *r);
}

result<std::map<std::string, std::string>> kv_store::hgetall(std::string_view key) {
  auto r = checked({"HGETALL", std::string(key)});
  if (!r) return r.error();
  const auto* items = r->as_array();
  if (!items || items->size() % 2 != 0) return unexpected("HGETALL", *r);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < items->size(); i += 2) {
    const auto* f = (*items)[i].as_string();
    const auto* v = (*items)[i + 1].as_string();
    if (!f || !v) return unexpected("HGETALL", *r);
    out.emplace(*f, *v);
  }
  return out;
}

}  // namespace stratus::backend
