#include "sproto/host.hpp"

#include <utility>

#include "sproto/codec.hpp"
#include "sproto/gen/decode_fields.hpp"
#include "sproto/gen/encode_fields.hpp"
#include "sproto/pack.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/wire.hpp"

namespace stratus::sproto {
namespace {

error rpc_error(std::string why) {
  return make_error(error_kind::rpc, std::move(why));
}

const field* integer_field(const struct_type& t, std::string_view name) {
  const field* f = t.find_field(name);
  return f && f->type == field_type::integer && !f->array && !f->is_decimal() ? f : nullptr;
}

std::optional<std::int64_t> int_of(const value& header, const field* f) {
  if (!f) return std::nullopt;
  const value* v = header.find(f->name);
  if (!v || !v->is_int()) return std::nullopt;
  return v->as_int();
}

std::optional<std::string> string_of(const value& header, const field* f) {
  if (!f) return std::nullopt;
  const value* v = header.find(f->name);
  if (!v || !v->is_bytes()) return std::nullopt;
  return v->as_bytes();
}

}  // namespace

void package_header::encode(std::optional<std::int64_t> tag, std::optional<std::int64_t> session,
                            std::optional<std::string_view> ud, std::string& out,
                            std::optional<std::int64_t> seq) const {
  // Written directly (no value tree): the fields in tag order, by the usual rules.
  struct part {
    int tag;
    const std::int64_t* number;
    const std::string_view* bytes;
  };
  part parts[4];
  int n = 0;
  if (tag) parts[n++] = {type_field->tag, &*tag, nullptr};
  if (session) parts[n++] = {session_field->tag, &*session, nullptr};
  if (ud && ud_field) parts[n++] = {ud_field->tag, nullptr, &*ud};
  if (seq && seq_field) parts[n++] = {seq_field->tag, &*seq, nullptr};
  for (int i = 1; i < n; ++i)  // tag order (four entries at most)
    for (int j = i; j > 0 && parts[j].tag < parts[j - 1].tag; --j) std::swap(parts[j], parts[j - 1]);
  gen::writer w(out);
  gen::word_list<8> words;
  for (int i = 0; i < n; ++i)
    words.add(parts[i].tag, parts[i].number ? gen::integer_word(*parts[i].number) : 0);
  words.write(w);
  for (int i = 0; i < n; ++i) {
    if (parts[i].bytes) {
      gen::put_bytes(w, *parts[i].bytes);
    } else if (gen::integer_word(*parts[i].number) == 0) {
      gen::put_integer(w, *parts[i].number);
    }
  }
}

result<header_fields> package_header::read(std::string_view plain) const {
  // A header type with fields of its own beyond the four: the generic decoder checks those
  // (rare; wire.md's .package has only the four).
  if (!only_known_fields) {
    if (auto checked = sproto::decode(*owner, *type, plain); !checked) return checked.error();
  }
  gen::decode_context cx;
  gen::struct_reader words;
  if (!words.open(plain.data(), plain.size(), cx)) return make_error(cx.kind, cx.what);
  header_fields h;
  gen::field_in f;
  int found = 0;
  while ((found = words.next(f, cx)) > 0) {
    std::int64_t number = 0;
    if (f.tag == type_field->tag) {
      if (!gen::read_integer(f, number, cx)) break;
      h.tag = number;
    } else if (f.tag == session_field->tag) {
      if (!gen::read_integer(f, number, cx)) break;
      h.session = number;
    } else if (ud_field && f.tag == ud_field->tag) {
      std::string_view bytes;
      if (!gen::read_bytes(f, bytes, cx)) break;
      h.ud = bytes;
    } else if (seq_field && f.tag == seq_field->tag) {
      if (!gen::read_integer(f, number, cx)) break;
      h.seq = number;
    }  // any other tag is not in the type (only_known_fields) and is skipped, as decode does
  }
  if (found != 0) return make_error(cx.kind, cx.what);
  h.used = words.used();
  return h;
}

result<std::string> incoming_request::respond(const value& reply,
                                              std::optional<std::string_view> reply_ud) const {
  if (!session) return rpc_error("request " + name() + " has no session: no reply expected");
  std::string plain;
  header->encode(std::nullopt, session, reply_ud, plain);
  // The protocol belongs to the host's schema, which is the header's owner too.
  if (auto st = encode_body(*header->owner, *proto, false, reply, plain); !st) return st.error();
  return pack(plain);
}

result<std::string> incoming_request::respond_error(std::string_view code) const {
  if (!session) return rpc_error("request " + name() + " has no session: no reply expected");
  std::string plain;
  header->encode(std::nullopt, session, code, plain);
  if (proto->has_response()) plain.append(2, '\0');  // empty struct
  return pack(plain);
}

result<host> host::create(schema_ptr incoming, std::string_view package) {
  const struct_type* t = incoming ? incoming->find_type(package) : nullptr;
  if (!t)
    return make_error(error_kind::unknown_name, "unknown package type " + std::string(package));
  auto h = std::make_shared<package_header>();
  h->owner = incoming;
  h->type = t;
  h->type_field = integer_field(*t, "type");
  h->session_field = integer_field(*t, "session");
  const field* ud = t->find_field("ud");
  h->ud_field = ud && ud->type == field_type::string && !ud->array ? ud : nullptr;
  h->seq_field = integer_field(*t, "seq");
  h->only_known_fields = true;
  for (const field& f : t->fields) {
    if (&f != h->type_field && &f != h->session_field && &f != h->ud_field && &f != h->seq_field)
      h->only_known_fields = false;
  }
  if (!h->type_field || !h->session_field) {
    return make_error(error_kind::schema,
                      "package type " + t->name + " needs integer fields type and session");
  }
  return host(std::move(incoming), std::move(h));
}

status host::request_to(const schema_ptr& outgoing, std::string_view name, const value& args,
                        std::optional<std::int64_t> session, std::optional<std::string_view> ud,
                        std::string& out) {
  // The last protocol sent from the host's own schema (which schema_ keeps alive) is
  // remembered: a client that repeats a request skips the hash.
  const bool own = outgoing == schema_;
  const protocol* p = own ? last_sent_ : nullptr;
  if (!p || p->name != name) {
    p = outgoing->find_protocol(name);
    if (!p) return make_error(error_kind::unknown_name, "unknown protocol " + std::string(name));
    if (own) last_sent_ = p;
  }
  scratch_.clear();
  header_->encode(p->tag, session, ud, scratch_);
  if (auto st = encode_body(*outgoing, *p, true, args, scratch_); !st) return st;
  // The host's own schema is kept alive by schema_; only other schemas need a reference.
  if (session) {
    pending_.put(*session, pending_call{own ? nullptr : outgoing, p});
  }
  pack_to(scratch_, out);
  return ok_t{};
}

status host::request_to(std::string_view name, const value& args,
                        std::optional<std::int64_t> session, std::optional<std::string_view> ud,
                        std::string& out) {
  return request_to(schema_, name, args, session, ud, out);
}

result<std::string> host::request(const schema_ptr& outgoing, std::string_view name,
                                  const value& args, std::optional<std::int64_t> session,
                                  std::optional<std::string_view> ud) {
  std::string out;
  if (auto st = request_to(outgoing, name, args, session, ud, out); !st) return st.error();
  return out;
}

result<std::string> host::request(std::string_view name, const value& args,
                                  std::optional<std::int64_t> session,
                                  std::optional<std::string_view> ud) {
  return request(schema_, name, args, session, ud);
}

result<incoming> host::dispatch(std::string_view packet) {
  scratch_.clear();
  if (auto st = unpack_to(packet, scratch_); !st) return st.error();
  auto consumed = decode_to(*schema_, *header_->type, scratch_, header_value_);
  if (!consumed) return consumed.error();
  std::string_view body = std::string_view(scratch_).substr(*consumed);
  const value& h = header_value_;
  std::optional<std::int64_t> session = int_of(h, header_->session_field);
  if (auto tag = int_of(h, header_->type_field)) {
    const protocol* p = schema_->find_protocol(*tag);
    if (!p) return rpc_error("protocol tag " + std::to_string(*tag) + " not found");
    auto args = decode_body(*schema_, *p, true, body);
    if (!args) return args.error();
    return incoming(
        incoming_request{p, std::move(*args), session, string_of(h, header_->ud_field), header_});
  }
  if (!session) return rpc_error("session not found");
  auto call = pending_.take(*session);
  if (!call) return rpc_error("Unknown session " + std::to_string(*session));
  auto args = decode_body(call->owner ? *call->owner : *schema_, *call->proto, false, body);
  if (!args) return args.error();
  return incoming(incoming_response{*session, std::move(*args), string_of(h, header_->ud_field)});
}

}  // namespace stratus::sproto
