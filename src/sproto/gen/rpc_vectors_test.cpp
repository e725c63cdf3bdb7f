// Conformance of generated code over RPC: the scenarios of rpc.jsonl and the dispatch records
// of malformed.jsonl, run with gen::rpc_host and the C++ generated from schemas/rpc.sproto.
// Arguments go JSON -> dynamic encoder -> generated decoder, and back through the generated
// encoder and the dynamic decoder for comparison.

#include "sproto/gen/rpc_host.hpp"

#include <gtest/gtest.h>

#include <map>

#include "sproto/codec.hpp"
#include "sproto/conformance_support.hpp"
#include "sproto/pack.hpp"
#include "sproto/value_json.hpp"
#include "vectors/rpc.hpp"

namespace stratus::sproto::testing {
namespace {

namespace rpc = stratus::sproto::vectors::rpc;
using rpc_host = gen::rpc_host<rpc::package_view>;

// Calls f(P{}) for the protocol descriptor named `name`.
template <class F>
bool with_protocol(std::string_view name, F&& f) {
  auto one = [&](auto p) {
    if (name != decltype(p)::name) return false;
    f(p);
    return true;
  };
  namespace p = rpc::protocol;
  return one(p::ping{}) || one(p::push{}) || one(p::signin{}) || one(p::echo{}) ||
         one(p::status{}) || one(p::logout{}) || one(p::getuser{}) || one(p::notify{});
}

// Generated args from JSON (`t` = the part's type; no_body has none).
template <class M>
M args_from(const schema& s, const struct_type* t, const json& j) {
  M m;
  if constexpr (!std::is_same_v<M, gen::no_body>) {
    if (!t || j.is_null()) return m;
    auto v = value_from_json(s, *t, j);
    EXPECT_TRUE(v.ok());
    auto bytes = encode(s, *t, *v);
    EXPECT_TRUE(bytes.ok());
    EXPECT_TRUE(gen::decode(*bytes, m).ok());
  }
  return m;
}

// JSON of generated args (null for no_body).
template <class M>
json args_json(const schema& s, const struct_type* t, const M& m) {
  if constexpr (std::is_same_v<M, gen::no_body>) {
    return nullptr;
  } else {
    std::string bytes;
    EXPECT_TRUE(gen::encode(m, bytes).ok());
    auto d = decode(s, *t, bytes);
    EXPECT_TRUE(d.ok());
    return d ? value_to_json(s, *t, d->v) : json();
  }
}

std::optional<std::string_view> opt_view(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get_ref<const std::string&>();
}

std::optional<std::int64_t> opt_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

json ud_json(const rpc_host& h) {
  return h.header().ud ? json(std::string(*h.header().ud)) : json(nullptr);
}

void run_step(const schema& s, const json& step, std::map<std::string, rpc_host>& hosts) {
  const std::string from = step["from"];
  rpc_host& sender = hosts.at(from);
  rpc_host& receiver = hosts.at(from == "client" ? "server" : "client");
  const protocol* p = s.find_protocol(step["proto"].get<std::string>());
  const bool request = step["op"] == "request";
  const json& want = step["dispatch"];
  std::string packet;
  bool found = with_protocol(p->name, [&](auto proto) {
    using P = decltype(proto);
    if (request) {
      auto args = args_from<typename P::template request<std::string>>(s, s.request_type(*p),
                                                                       step["args"]);
      ASSERT_TRUE((sender.request<P>(args, opt_int(step["session"]), packet,
                                     opt_view(step["ud"])).ok()));
    } else {
      auto args = args_from<typename P::template response<std::string>>(s, s.response_type(*p),
                                                                        step["args"]);
      ASSERT_TRUE((sender.respond<P>(step["session"].get<std::int64_t>(), args, packet,
                                     opt_view(step["ud"])).ok()));
    }
  });
  ASSERT_TRUE(found) << p->name;
  EXPECT_EQ(to_hex(packet), step["packed"]);
  auto kind = receiver.dispatch(packet);
  ASSERT_TRUE(kind.ok()) << kind.error().message;
  EXPECT_EQ(*kind == rpc_host::kind::request, request);
  EXPECT_EQ(receiver.tag(), p->tag);
  json args;
  std::string name;
  auto visit = [&](auto proto, const auto& a) {
    name = decltype(proto)::name;
    args = args_json(s, request ? s.request_type(*p) : s.response_type(*p), a);
  };
  auto st = request ? rpc::visit_request<std::string_view>(receiver.tag(), receiver.body(), visit)
                    : rpc::visit_response<std::string_view>(receiver.tag(), receiver.body(), visit);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(name, p->name);
  EXPECT_TRUE(same_value(args, want["args"])) << args.dump();
  EXPECT_EQ(ud_json(receiver), want["ud"]);
  if (request) {
    EXPECT_EQ(receiver.header().session.has_value(), want["responder"].get<bool>());
  } else {
    EXPECT_EQ(*receiver.header().session, want["session"].get<std::int64_t>());
  }
}

TEST(generated_rpc, scenarios_match_reference) {
  auto s = vector_schema("rpc.sproto");
  std::size_t n = 0;
  for (const auto& r : records("rpc.jsonl")) {
    if (!r.contains("steps")) continue;
    SCOPED_TRACE(r["id"].get<std::string>());
    std::map<std::string, rpc_host> hosts;
    hosts["client"];
    hosts["server"];
    for (const auto& step : r["steps"]) {
      run_step(*s, step, hosts);
      ++n;
    }
  }
  EXPECT_GT(n, 15u);
}

// malformed.jsonl dispatch records: an "error" outcome must fail (in dispatch() or while
// decoding the body); an "ok" outcome must give the reference's kind, protocol and args.
TEST(generated_rpc, malformed_dispatch_outcomes) {
  auto s = vector_schema("rpc.sproto");
  for (const auto& r : records("malformed.jsonl")) {
    if (r["op"] != "dispatch" || r["schema"] != "rpc.sproto") continue;
    SCOPED_TRACE(r["id"].get<std::string>());
    rpc_host h;
    std::string scratch;
    for (const auto& pending : r["pending"]) {
      with_protocol(pending["proto"].get<std::string>(), [&](auto proto) {
        using P = decltype(proto);
        typename P::template request<std::string> args{};
        ASSERT_TRUE(h.request<P>(args, pending["session"].get<std::int64_t>(), scratch).ok());
      });
    }
    auto kind = h.dispatch(*from_hex(r["input"].get<std::string>()));
    json args;
    status body = ok_t{};
    if (kind) {
      const bool request = *kind == rpc_host::kind::request;
      const protocol* p = s->find_protocol(h.tag());
      auto visit = [&](auto, const auto& a) {
        args = args_json(*s, request ? s->request_type(*p) : s->response_type(*p), a);
      };
      body = request ? rpc::visit_request<std::string_view>(h.tag(), h.body(), visit)
                     : rpc::visit_response<std::string_view>(h.tag(), h.body(), visit);
    }
    const bool ok = kind.ok() && body.ok();
    EXPECT_EQ(ok, r["outcome"] == "ok");
    if (!ok || r["outcome"] != "ok") continue;
    const json& want = r["dispatch"];
    EXPECT_EQ(*kind == rpc_host::kind::request, want["type"] == "REQUEST");
    EXPECT_TRUE(same_value(args, want["args"])) << args.dump();
    EXPECT_EQ(ud_json(h), want["ud"]);
  }
}

}  // namespace
}  // namespace stratus::sproto::testing
