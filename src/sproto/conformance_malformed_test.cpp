// Conformance: malformed.jsonl, one test per category.
//
// Where this implementation is deliberately stricter than the reference (the README allows
// it), a record whose reference outcome is "ok" may fail here, but only with these kinds:
//  * error_kind::quirk_rejected: a double stored in 4 bytes (spec 3.5 "Prefer an error"),
//  * error_kind::map_key: a `*S()` entry missing its key or value (the reference reuses the
//    previous entry's field, spec 3.5 "An implementation should reject the incomplete entries"),
//  * error_kind::bad_value in `malformed_encode`: Lua coercions such as a string given for a
//    struct field (the reference encodes an empty struct).
// A record whose reference outcome is "error" must fail here too.

#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "sproto/codec.hpp"
#include "sproto/conformance_support.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::testing {
namespace {

// Checks an outcome: `err` is null on success.
bool outcome_matches(const json& r, const error* err, std::initializer_list<error_kind> stricter) {
  const std::string id = r["id"];
  if (r["outcome"] == "error") {
    EXPECT_NE(err, nullptr) << id << ": accepted, the reference refuses (" << r["error"] << ")";
    return false;
  }
  if (!err) return true;
  for (auto k : stricter) {
    if (err->kind == k) {
      std::cerr << "[stricter] " << id << ": " << err->message << "\n";
      return false;  // documented strictness
    }
  }
  ADD_FAILURE() << id << ": refused (" << err->message << "), the reference accepts";
  return false;
}

void run_decode(const json& r, bool packed) {
  auto s = vector_schema(r["schema"]);
  const struct_type* t = s->find_type(r["type"].get<std::string>());
  ASSERT_NE(t, nullptr);
  std::string input = *from_hex(r["input"].get<std::string>());
  if (packed) {
    auto u = unpack(input);
    if (!u) {
      outcome_matches(r, &u.error(), {});
      return;
    }
    input = *u;
  }
  auto d = decode(*s, *t, input);
  if (!outcome_matches(r, d ? nullptr : &d.error(),
                       {error_kind::quirk_rejected, error_kind::map_key})) {
    return;
  }
  EXPECT_EQ(d->consumed, r["consumed"].get<std::size_t>()) << r["id"];
  EXPECT_TRUE(same_value(value_to_json(*s, *t, d->v), r["decoded"]))
      << r["id"] << ": got " << value_to_json(*s, *t, d->v).dump();
}

void run_unpack(const json& r) {
  auto u = unpack(*from_hex(r["input"].get<std::string>()));
  if (!outcome_matches(r, u ? nullptr : &u.error(), {})) return;
  EXPECT_EQ(to_hex(*u), r["unpacked"]) << r["id"];
}

void run_encode(const json& r) {
  auto s = vector_schema(r["schema"]);
  const struct_type* t = s->find_type(r["type"].get<std::string>());
  ASSERT_NE(t, nullptr);
  auto v = value_from_json(*s, *t, r["value"]);
  ASSERT_TRUE(v.ok()) << r["id"];
  auto e = encode(*s, *t, *v);
  if (!outcome_matches(r, e ? nullptr : &e.error(), {error_kind::bad_value})) return;
  EXPECT_EQ(to_hex(*e), r["encoded"]) << r["id"];
}

void run_dispatch(const json& r) {
  auto s = vector_schema(r["schema"]);
  auto h = host::create(s, r["package"].get<std::string>());
  ASSERT_TRUE(h.ok());
  for (const auto& p : r["pending"]) {
    // Sending a request is the only way to make a session pending, as in the reference.
    const protocol* proto = s->find_protocol(p["proto"].get<std::string>());
    ASSERT_NE(proto, nullptr);
    value args = proto->has_request() ? value::make_object() : value();
    ASSERT_TRUE(h->request(proto->name, args, p["session"].get<std::int64_t>()).ok());
  }
  auto got = h->dispatch(*from_hex(r["input"].get<std::string>()));
  if (!outcome_matches(r, got ? nullptr : &got.error(), {})) return;
  const json& want = r["dispatch"];
  if (want["type"] == "REQUEST") {
    auto* req = std::get_if<incoming_request>(&*got);
    ASSERT_NE(req, nullptr) << r["id"];
    EXPECT_EQ(req->name(), want["name"]) << r["id"];
    const struct_type* t = s->request_type(*req->proto);
    json args = req->args.is_nil() ? json(nullptr) : value_to_json(*s, *t, req->args);
    EXPECT_TRUE(same_value(args, want["args"])) << r["id"];
    EXPECT_EQ(req->has_responder(), want["responder"].get<bool>()) << r["id"];
    EXPECT_EQ(req->ud.value_or("<nil>"), want["ud"].is_null() ? "<nil>" : want["ud"]) << r["id"];
  } else {
    auto* resp = std::get_if<incoming_response>(&*got);
    ASSERT_NE(resp, nullptr) << r["id"];
    EXPECT_EQ(resp->session, want["session"].get<std::int64_t>()) << r["id"];
    EXPECT_EQ(resp->args.is_nil(), want["args"].is_null()) << r["id"];
    EXPECT_EQ(resp->ud.value_or("<nil>"), want["ud"].is_null() ? "<nil>" : want["ud"]) << r["id"];
  }
}

void run_api(const json& r) {
  auto s = vector_schema(r["schema"]);
  const protocol* p = s->find_protocol(r["proto"].get<std::string>());
  ASSERT_NE(p, nullptr);
  bool request = r["op"] == "request_encode";
  const struct_type* t = request ? s->request_type(*p) : s->response_type(*p);
  value args;
  if (!r["args"].is_null()) {
    // A JSON object stays an object even when the part has no type.
    args = t ? *value_from_json(*s, *t, r["args"]) : value::make_object();
  }
  std::string body;
  auto st = encode_body(*s, *p, request, args, body);
  if (!outcome_matches(r, st ? nullptr : &st.error(), {})) return;
  EXPECT_EQ(to_hex(body), r["encoded"]) << r["id"];
}

class malformed_vectors : public ::testing::TestWithParam<std::string> {};

TEST_P(malformed_vectors, match_reference) {
  auto rs = records_of("malformed.jsonl", GetParam());
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) {
    SCOPED_TRACE(r["id"].get<std::string>());
    const std::string op = r["op"];
    if (op == "decode") {
      run_decode(r, false);
    } else if (op == "pdecode") {
      run_decode(r, true);
    } else if (op == "unpack") {
      run_unpack(r);
    } else if (op == "encode") {
      run_encode(r);
    } else if (op == "dispatch") {
      run_dispatch(r);
    } else if (op == "request_encode" || op == "response_encode") {
      run_api(r);
    } else {
      ADD_FAILURE() << r["id"] << ": op " << op << " not handled";
      continue;
    }
    mark(r);
  }
}

INSTANTIATE_TEST_SUITE_P(conformance, malformed_vectors,
                         ::testing::Values("malformed_decode", "malformed_pdecode",
                                           "malformed_unpack", "malformed_encode",
                                           "malformed_dispatch", "malformed_api"));

// Every record of every file belongs to a category that one of the tests above runs.
TEST(vectors, every_category_is_run) {
  const std::set<std::string> known = {"readme",
                                       "integer",
                                       "boolean",
                                       "string",
                                       "binary",
                                       "double",
                                       "decimal",
                                       "struct",
                                       "missing_fields",
                                       "nested",
                                       "deep",
                                       "wide",
                                       "tags",
                                       "array_integer",
                                       "array_boolean",
                                       "array_string",
                                       "array_double",
                                       "array_struct",
                                       "array_empty",
                                       "map_key",
                                       "map_pair",
                                       "large",
                                       "compat",
                                       "decode_noncanonical",
                                       "default",
                                       "pack_basic",
                                       "pack_ff",
                                       "pack_length",
                                       "pack_random",
                                       "unpack_noncanonical",
                                       "rpc_request",
                                       "rpc_response",
                                       "rpc_push",
                                       "rpc_confirm",
                                       "rpc_api",
                                       "malformed_decode",
                                       "malformed_pdecode",
                                       "malformed_unpack",
                                       "malformed_encode",
                                       "malformed_dispatch",
                                       "malformed_api",
                                       "parse_ok",
                                       "parse_error"};
  std::size_t total = 0;
  for (const char* file :
       {"types.jsonl", "pack.jsonl", "rpc.jsonl", "malformed.jsonl", "parse.jsonl"}) {
    for (const auto& r : records(file)) {
      ++total;
      EXPECT_TRUE(known.count(r["category"].get<std::string>())) << r["id"] << " in " << file;
    }
  }
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace stratus::sproto::testing
