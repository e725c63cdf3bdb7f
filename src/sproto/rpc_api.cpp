#include "sproto/rpc_api.hpp"

namespace stratus::sproto {
namespace {

result<const protocol*> find(const schema& s, std::string_view name) {
  const protocol* p = s.find_protocol(name);
  if (!p) return make_error(error_kind::unknown_name, "unknown protocol " + std::string(name));
  return p;
}

}  // namespace

namespace {

// What encode_body() checks before encoding; the body type, or nullptr for an empty body.
result<const struct_type*> body_type(const schema& s, const protocol& p, bool request,
                                     const value& args) {
  const struct_type* t = request ? s.request_type(p) : s.response_type(p);
  const char* part = request ? "request" : "response";
  if (!t) {
    // The reference ignores request args of a protocol without a request type, but refuses a
    // table for a response without content.
    if (!request && !args.is_nil()) {
      return make_error(error_kind::bad_value,
                        "protocol " + p.name + " has no response content; args must be nil");
    }
    return static_cast<const struct_type*>(nullptr);
  }
  if (!args.is_object()) {
    return make_error(error_kind::bad_value,
                      "protocol " + p.name + " needs an object for its " + part);
  }
  return t;
}

}  // namespace

status encode_body(const schema& s, const protocol& p, bool request, const value& args,
                   std::string& out) {
  auto t = body_type(s, p, request, args);
  if (!t) return t.error();
  if (!*t) return ok_t{};
  return encode_to(s, **t, args, out);
}

status encode_body(const schema& s, const protocol& p, bool request, const value& args,
                   gen::writer& out) {
  auto t = body_type(s, p, request, args);
  if (!t) return t.error();
  if (!*t) return ok_t{};
  return encode_to(s, **t, args, out);
}

result<value> decode_body(const schema& s, const protocol& p, bool request, std::string_view body) {
  value v;
  if (auto st = decode_body_to(s, p, request, body, v); !st) return st.error();
  return v;
}

status decode_body_to(const schema& s, const protocol& p, bool request, std::string_view body,
                      value& out) {
  const struct_type* t = request ? s.request_type(p) : s.response_type(p);
  if (!t) {
    out = value();
    return ok_t{};
  }
  auto r = decode_to(s, *t, body, out);
  if (!r) return r.error();
  return ok_t{};
}

result<encoded_request> request_encode(const schema& s, std::string_view proto, const value& args) {
  auto p = find(s, proto);
  if (!p) return p.error();
  encoded_request out;
  out.tag = (*p)->tag;
  if (auto st = encode_body(s, **p, true, args, out.body); !st) return st.error();
  return out;
}

result<decoded_request> request_decode(const schema& s, std::string_view proto,
                                       std::string_view body) {
  auto p = find(s, proto);
  if (!p) return p.error();
  auto args = decode_body(s, **p, true, body);
  if (!args) return args.error();
  return decoded_request{std::move(*args), (*p)->name};
}

result<std::string> response_encode(const schema& s, std::string_view proto, const value& args) {
  auto p = find(s, proto);
  if (!p) return p.error();
  std::string out;
  if (auto st = encode_body(s, **p, false, args, out); !st) return st.error();
  return out;
}

result<value> response_decode(const schema& s, std::string_view proto, std::string_view body) {
  auto p = find(s, proto);
  if (!p) return p.error();
  return decode_body(s, **p, false, body);
}

}  // namespace stratus::sproto
