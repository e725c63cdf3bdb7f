// Conformance: rpc.jsonl. Scenario records run with two hosts ("client", "server") on the
// same schema; API records use the header-less request/response helpers.

#include <gtest/gtest.h>

#include <map>

#include "sproto/codec.hpp"
#include "sproto/conformance_support.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::testing {
namespace {

value args_of(const schema& s, const struct_type* t, const json& j) {
  if (j.is_null() || !t) return value();
  auto v = value_from_json(s, *t, j);
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : value();
}

json args_json(const schema& s, const struct_type* t, const value& v) {
  if (v.is_nil() || !t) return nullptr;
  return value_to_json(s, *t, v);
}

std::optional<std::int64_t> opt_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

std::optional<std::string> opt_str(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::string>();
}

void run_scenario(const json& r) {
  const std::string id = r["id"];
  auto s = vector_schema(r["schema"]);
  std::map<std::string, host> hosts;
  hosts.emplace("client", *host::create(s, r["package"].get<std::string>()));
  hosts.emplace("server", *host::create(s, r["package"].get<std::string>()));
  std::map<std::pair<std::string, std::int64_t>, incoming_request> responders;
  for (const auto& step : r["steps"]) {
    const std::string from = step["from"];
    const std::string to = from == "client" ? "server" : "client";
    const protocol* p = s->find_protocol(step["proto"].get<std::string>());
    ASSERT_NE(p, nullptr) << id;
    auto ud = opt_str(step["ud"]);
    std::optional<std::string_view> ud_view;
    if (ud) ud_view = *ud;
    auto content = *from_hex(step["content"].get<std::string>());
    auto header = *from_hex(step["header"].get<std::string>());
    EXPECT_EQ(to_hex(pack(header + content)), step["packed"]) << id;
    if (step["op"] == "request") {
      const struct_type* t = s->request_type(*p);
      auto packed = hosts.at(from).request(p->name, args_of(*s, t, step["args"]),
                                           opt_int(step["session"]), ud_view);
      ASSERT_TRUE(packed.ok()) << id << ": " << packed.error().message;
      EXPECT_EQ(to_hex(*packed), step["packed"]) << id << ": request bytes";
      auto got = hosts.at(to).dispatch(*packed);
      ASSERT_TRUE(got.ok()) << id << ": " << got.error().message;
      auto* req = std::get_if<incoming_request>(&*got);
      ASSERT_NE(req, nullptr) << id << ": not a request";
      const json& want = step["dispatch"];
      EXPECT_EQ(want["type"], "REQUEST") << id;
      EXPECT_EQ(req->name(), want["name"]) << id;
      EXPECT_TRUE(same_value(args_json(*s, t, req->args), want["args"])) << id << ": args";
      EXPECT_EQ(req->has_responder(), want["responder"].get<bool>()) << id;
      EXPECT_EQ(req->ud, opt_str(want["ud"])) << id;
      if (req->session) responders.insert_or_assign({to, *req->session}, *req);
    } else {
      ASSERT_EQ(step["op"], "response") << id;
      auto it = responders.find({from, step["session"].get<std::int64_t>()});
      ASSERT_NE(it, responders.end()) << id << ": no responder";
      const struct_type* t = s->response_type(*p);
      auto packed = it->second.respond(args_of(*s, t, step["args"]), ud_view);
      ASSERT_TRUE(packed.ok()) << id << ": " << packed.error().message;
      EXPECT_EQ(to_hex(*packed), step["packed"]) << id << ": response bytes";
      auto got = hosts.at(to).dispatch(*packed);
      ASSERT_TRUE(got.ok()) << id << ": " << got.error().message;
      auto* resp = std::get_if<incoming_response>(&*got);
      ASSERT_NE(resp, nullptr) << id << ": not a response";
      const json& want = step["dispatch"];
      EXPECT_EQ(want["type"], "RESPONSE") << id;
      EXPECT_EQ(resp->session, want["session"].get<std::int64_t>()) << id;
      EXPECT_TRUE(same_value(args_json(*s, t, resp->args), want["args"])) << id << ": args";
      EXPECT_EQ(resp->ud, opt_str(want["ud"])) << id;
    }
  }
  mark(r);
}

void run_api(const json& r) {
  const std::string id = r["id"];
  auto s = vector_schema(r["schema"]);
  const std::string name = r["proto"];
  const protocol* p = s->find_protocol(name);
  ASSERT_NE(p, nullptr) << id;
  bool request = r["op"] == "request_encode";
  const struct_type* t = request ? s->request_type(*p) : s->response_type(*p);
  value args = args_of(*s, t, r["args"]);
  std::string body;
  if (request) {
    auto e = request_encode(*s, name, args);
    ASSERT_TRUE(e.ok()) << id << ": " << e.error().message;
    EXPECT_EQ(e->tag, r["tag"].get<int>()) << id;
    body = e->body;
    auto d = request_decode(*s, name, body);
    ASSERT_TRUE(d.ok()) << id << ": " << d.error().message;
    EXPECT_EQ(d->name, r["name"]) << id;
    EXPECT_TRUE(same_value(args_json(*s, t, d->args), r["decoded"])) << id;
  } else {
    auto e = response_encode(*s, name, args);
    ASSERT_TRUE(e.ok()) << id << ": " << e.error().message;
    body = *e;
    auto d = response_decode(*s, name, body);
    ASSERT_TRUE(d.ok()) << id << ": " << d.error().message;
    EXPECT_TRUE(same_value(args_json(*s, t, *d), r["decoded"])) << id;
  }
  EXPECT_EQ(to_hex(body), r["encoded"]) << id;
  mark(r);
}

class rpc_vectors : public ::testing::TestWithParam<std::string> {};

TEST_P(rpc_vectors, match_reference) {
  auto rs = records_of("rpc.jsonl", GetParam());
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    if (r.contains("steps")) {
      run_scenario(r);
    } else {
      run_api(r);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(conformance, rpc_vectors,
                         ::testing::Values("rpc_request", "rpc_response", "rpc_push", "rpc_confirm",
                                           "rpc_api"));

}  // namespace
}  // namespace stratus::sproto::testing
