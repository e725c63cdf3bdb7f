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

}  // namespace

void package_header::encode(const std::optional<std::int64_t>& tag,
                            const std::optional<std::int64_t>& session,
                            const std::optional<std::string_view>& ud, std::string& out,
                            const std::optional<std::int64_t>& seq) const {
  gen::writer w(out);
  encode(tag, session, ud, w, seq);
}

void package_header::encode(const std::optional<std::int64_t>& tag,
                            const std::optional<std::int64_t>& session,
                            const std::optional<std::string_view>& ud, gen::writer& w,
                            const std::optional<std::int64_t>& seq) const {
  // Written directly (no value tree): the fields in tag order, by the usual rules; parts are
  // inserted in tag order (four at most), then the words and blocks go out in one reservation.
  struct part {
    int tag;
    std::int64_t number;
    const std::string_view* bytes;
  };
  part parts[4];
  int n = 0;
  auto add = [&](int t, std::int64_t number, const std::string_view* bytes) {
    int j = n++;
    for (; j > 0 && parts[j - 1].tag > t; --j) parts[j] = parts[j - 1];
    parts[j] = {t, number, bytes};
  };
  if (tag) add(type_field->tag, *tag, nullptr);
  if (session) add(session_field->tag, *session, nullptr);
  if (ud && ud_field) add(ud_field->tag, 0, &*ud);
  if (seq && seq_field) add(seq_field->tag, *seq, nullptr);
  gen::word_list<8> words;
  std::size_t data = 0;  // bytes of the data blocks
  for (int i = 0; i < n; ++i) {
    const std::uint16_t word = parts[i].bytes ? 0 : gen::integer_word(parts[i].number);
    words.add(parts[i].tag, word);
    if (parts[i].bytes) {
      data += 4 + parts[i].bytes->size();
    } else if (word == 0) {
      data += gen::is_wide(parts[i].number) ? 12 : 8;
    }
  }
  words.write(w);
  if (data == 0) return;
  for (int i = 0; i < n; ++i) {
    if (parts[i].bytes) {
      gen::put_bytes(w, *parts[i].bytes);
    } else if (gen::integer_word(parts[i].number) == 0) {
      gen::put_integer(w, parts[i].number);
    }
  }
}

void package_header::encode_reply(std::int64_t session, gen::writer& w) const {
  const std::uint16_t word = gen::integer_word(session);
  if (word == 0) return encode(std::nullopt, session, std::nullopt, w);
  gen::word_list<2> words;  // a skip word when session is not tag 0, then the session's word
  words.add(session_field->tag, word);
  words.write(w);
}

result<header_fields> package_header::read(std::string_view plain) const {
  // Filled in place in the returned object: built on the stack and copied out, GCC moved it in
  // 16-byte loads over the fields' smaller stores (store-forwarding stalls, a third of a
  // signin dispatch).
  result<header_fields> out{header_fields{}};
  // A header type with fields of its own beyond the four: the generic decoder checks those
  // (rare; wire.md's .package has only the four).
  if (!only_known_fields) {
    if (auto checked = sproto::decode(*owner, *type, plain); !checked) {
      out = checked.error();
      return out;
    }
  }
  gen::decode_context cx;
  gen::struct_reader words;
  if (!words.open(plain.data(), plain.size(), cx)) {
    out = make_error(cx.kind, cx.what);
    return out;
  }
  header_fields& h = *out;
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
  if (found != 0) {
    out = make_error(cx.kind, cx.what);
    return out;
  }
  h.used = words.used();
  return out;
}

result<std::string> incoming_request::respond(
    const value& reply, const std::optional<std::string_view>& reply_ud) const {
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
                        const std::optional<std::int64_t>& session,
                        const std::optional<std::string_view>& ud, std::string& out) {
  // The last protocol sent from the host's own schema (which schema_ keeps alive) is
  // remembered: a client that repeats a request skips the hash.
  const bool own = outgoing == schema_;
  const protocol* p = own ? last_sent_ : nullptr;
  if (!p || p->name != name) {
    p = outgoing->find_protocol(name);
    if (!p) return make_error(error_kind::unknown_name, "unknown protocol " + std::string(name));
    if (own) last_sent_ = p;
  }
  // Encoded into scratch_ used as memory (never trimmed, so never zero-filled again), padded
  // to whole words and packed: a small packet on the stack, appended in one go.
  gen::writer w(scratch_, gen::scratch_buffer);
  header_->encode(p->tag, session, ud, w);
  if (auto st = encode_body(*outgoing, *p, true, args, w); !st) return st;
  // The host's own schema is kept alive by schema_; only other schemas need a reference.
  if (session) {
    pending_.put(*session, pending_call{own ? nullptr : outgoing, p});
  }
  const std::size_t n = w.pos();
  w.pad_to_word();
  const std::size_t padded = (n + 7) & ~std::size_t{7};
  constexpr std::size_t small_packet = 1024;
  if (pack_bound(padded) <= small_packet) {
    // Straight into `out`, sized for the worst case and trimmed: measured faster than packing
    // on the stack and appending (the copy's loads wait for the packer's fresh stores), even
    // when that makes request() allocate for a packet that would fit a short string. The
    // generated rpc_host, whose callers reuse `out`, measured the other way.
    const std::size_t at = out.size();
    out.resize(at + pack_bound(padded));
    out.resize(at + pack_raw(w.data(), padded, out.data() + at));
  } else {
    pack_to(std::string_view(w.data(), n), out);
  }
  return ok_t{};
}

status host::request_to(std::string_view name, const value& args,
                        const std::optional<std::int64_t>& session,
                        const std::optional<std::string_view>& ud, std::string& out) {
  return request_to(schema_, name, args, session, ud, out);
}

result<std::string> host::request(const schema_ptr& outgoing, std::string_view name,
                                  const value& args, const std::optional<std::int64_t>& session,
                                  const std::optional<std::string_view>& ud) {
  // Packed into the host's kept buffer and copied out once at its final size: a packet that
  // fits a short string costs no allocation (packing straight into a new string would size it
  // for the worst case first).
  packed_.clear();
  if (auto st = request_to(outgoing, name, args, session, ud, packed_); !st) return st.error();
  return std::string(packed_);
}

result<std::string> host::request(std::string_view name, const value& args,
                                  const std::optional<std::int64_t>& session,
                                  const std::optional<std::string_view>& ud) {
  return request(schema_, name, args, session, ud);
}

result<incoming> host::dispatch(std::string_view packet) {
  // One result object throughout, filled in place (no moves of the message on the way out).
  result<incoming> out{incoming{}};
  if (auto st = dispatch_to(packet, *out); !st) out = st.error();
  return out;
}

status host::dispatch_to(std::string_view packet, incoming& in) {
  auto unpacked = unpack_into_kept(packet, plain_);
  if (!unpacked) return unpacked.error();
  const std::string_view plain = *unpacked;
  // The header is read by field tag, without a value tree; the args are decoded in place, into
  // what `in` already holds when it holds the same kind of message (reused storage).
  auto h = header_->read(plain);
  if (!h) return h.error();
  const std::string_view body = plain.substr(h->used);
  auto set_ud = [&h](std::optional<std::string>& ud) {
    if (!h->ud) {
      ud.reset();
    } else if (ud) {
      ud->assign(h->ud->data(), h->ud->size());
    } else {
      ud.emplace(*h->ud);
    }
  };
  if (h->tag) {
    const protocol* p = schema_->find_protocol(*h->tag);
    if (!p) return rpc_error("protocol tag " + std::to_string(*h->tag) + " not found");
    auto* req = std::get_if<incoming_request>(&in);
    if (!req) req = &in.emplace<incoming_request>();
    if (auto st = decode_body_to(*schema_, *p, true, body, req->args); !st) return st;
    req->proto = p;
    req->session = h->session;
    set_ud(req->ud);
    // Reused: the same header is not assigned again (no reference count traffic).
    if (req->header != header_) req->header = header_;
    return ok_t{};
  }
  if (!h->session) return rpc_error("session not found");
  auto call = pending_.take(*h->session);
  if (!call) return rpc_error("Unknown session " + std::to_string(*h->session));
  auto* resp = std::get_if<incoming_response>(&in);
  if (!resp) resp = &in.emplace<incoming_response>();
  const schema& s = call->owner ? *call->owner : *schema_;
  if (auto st = decode_body_to(s, *call->proto, false, body, resp->args); !st) return st;
  resp->session = *h->session;
  set_ud(resp->ud);
  return ok_t{};
}

}  // namespace stratus::sproto
