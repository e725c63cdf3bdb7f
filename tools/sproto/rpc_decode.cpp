// `rpc-decode`: explains one packed RPC message. A request (header with `type`) is shown as
// the protocol of that tag in both schemas (c2s request, s2c push); a response is shown with
// its body decoded as the response of the protocol named on the command line, if any.

#include <iterator>
#include <ostream>

#include "commands.hpp"
#include "sproto/codec.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/value_json.hpp"

namespace stratus::sproto::cli {
namespace {

using json = nlohmann::json;

json body_json(const schema& s, const protocol& p, bool request, std::string_view body) {
  auto args = decode_body(s, p, request, body);
  json out = {{"name", p.name}, {"tag", p.tag}};
  if (!args) {
    out["error"] = args.error().message;
    return out;
  }
  const struct_type* t = request ? s.request_type(p) : s.response_type(p);
  out["args"] = t ? value_to_json(s, *t, *args) : json(nullptr);
  return out;
}

}  // namespace

int rpc_decode(const std::string& c2s_file, const std::string& s2c_file,
               const std::string& response_proto, std::istream& in, std::ostream& out,
               std::ostream& err) {
  auto c2s = load_schema_file(c2s_file);
  auto s2c = load_schema_file(s2c_file);
  if (!c2s || !s2c) return (err << (c2s ? s2c.error() : c2s.error()).message << "\n"), 1;
  auto packed = from_hex(std::string(std::istreambuf_iterator<char>(in), {}));
  if (!packed) return (err << packed.error().message << "\n"), 1;
  auto plain = unpack(*packed);
  if (!plain) return (err << plain.error().message << "\n"), 1;
  auto head = decode(**c2s, "package", *plain);
  if (!head) return (err << "header: " << head.error().message << "\n"), 1;
  std::string_view body = std::string_view(*plain).substr(head->consumed);
  json o;
  const value& h = head->v;
  o["session"] = h["session"].is_int() ? json(h["session"].as_int()) : json(nullptr);
  o["ud"] = h["ud"].is_bytes() ? json(h["ud"].as_bytes()) : json(nullptr);
  if (h["type"].is_int()) {
    std::int64_t tag = h["type"].as_int();
    o["kind"] = "request";
    o["type"] = tag;
    const protocol* pc = (*c2s)->find_protocol(tag);
    const protocol* ps = (*s2c)->find_protocol(tag);
    o["c2s"] = pc ? body_json(**c2s, *pc, true, body) : json(nullptr);
    o["s2c"] = ps ? body_json(**s2c, *ps, true, body) : json(nullptr);
  } else {
    o["kind"] = "response";
    o["body"] = to_hex(body);
    if (!response_proto.empty()) {
      const protocol* p = (*c2s)->find_protocol(response_proto);
      if (!p) return (err << "unknown c2s protocol " << response_proto << "\n"), 1;
      o["c2s"] = body_json(**c2s, *p, false, body);
    }
  }
  out << o.dump() << "\n";
  return 0;
}

}  // namespace stratus::sproto::cli
