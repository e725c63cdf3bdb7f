#pragma once
// RPC endpoint for generated types (spec section 5): requests and replies are encoded into the
// caller's buffer, a dispatched packet is unpacked into a reused buffer and its header decoded
// in place, and pending sessions live in a flat table, so the steady state allocates nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sproto/gen/message.hpp"
#include "sproto/session_table.hpp"

namespace stratus::sproto::gen {

/// One side of an RPC conversation over generated types. `Header` is the generated package
/// type in its string_view flavour (fields `type`, `session` and optionally `ud`). Protocols
/// are the generated `protocol::` descriptors. Not thread-safe (one per connection).
template <class Header>
class rpc_host {
 public:
  /// What a dispatched packet is.
  enum class kind { request, response };

  /// Appends pack(header || request args) of protocol P to `out`. `header` may carry extra
  /// fields; its `type` is set here. With a session, remembers session -> P for the reply.
  template <class P, class Args>
  status request(const Args& args, Header header, std::string& out) {
    header.type = P::tag;
    if (auto st = write(header, args, out); !st) return st;
    if (header.session) pending_.put(*header.session, P::tag);
    return ok_t{};
  }
  /// Same, with a header of only a session and user data.
  template <class P, class Args>
  status request(const Args& args, std::optional<std::int64_t> session, std::string& out,
                 std::optional<std::string_view> ud = {}) {
    return request<P>(args, make_header(session, ud), out);
  }

  /// Appends pack(header || response args) answering `session` (Args = no_body when P has no
  /// response type).
  template <class P, class Args>
  status respond(std::int64_t session, const Args& args, std::string& out,
                 std::optional<std::string_view> ud = {}) {
    return write(make_header(session, ud), args, out);
  }

  /// Unpacks `packet` and decodes its header. A request carries its protocol tag; a response
  /// must answer a pending session, whose protocol tag tag() then returns. The body is decoded
  /// afterwards with body_as() or the generated visit_request()/visit_response().
  result<kind> dispatch(std::string_view packet) {
    auto unpacked = unpack_into_kept(packet, plain_);
    if (!unpacked) return unpacked.error();
    const std::string_view plain = *unpacked;
    auto used = decode(plain, header_);
    if (!used) return used.error();
    body_ = plain.substr(*used);
    if (header_.type) {
      tag_ = *header_.type;
      return kind::request;
    }
    if (!header_.session) return make_error(error_kind::rpc, "session not found");
    auto tag = pending_.take(*header_.session);
    if (!tag) return make_error(error_kind::rpc, "Unknown session");
    tag_ = *tag;
    return kind::response;
  }

  /// Header of the last dispatched packet (views into this host's buffer).
  const Header& header() const { return header_; }
  /// Protocol tag of the last dispatched packet (for a response: of the request it answers).
  std::int64_t tag() const { return tag_; }
  /// Body bytes of the last dispatched packet (zero padding of packing included).
  std::string_view body() const { return body_; }
  /// Decodes the body of the last dispatched packet as `args`.
  template <class M>
  status body_as(M& args) const {
    auto r = decode(body_, args);
    if (!r) return r.error();
    return ok_t{};
  }
  /// Number of requests still waiting for their reply.
  std::size_t pending() const { return pending_.size(); }

 private:
  static Header make_header(std::optional<std::int64_t> session,
                            std::optional<std::string_view> ud) {
    Header h;
    if (session) h.session = *session;
    if constexpr (requires { h.ud; }) {
      if (ud) h.ud = *ud;
    }
    return h;
  }

  template <class Args>
  status write(const Header& header, const Args& args, std::string& out) {
    // Encode into scratch_ (kept at its full size, so never zero-filled again), pad it to whole
    // words, and pack: a small packet into a stack buffer appended in one go, a large one
    // through the string form.
    writer w(scratch_, scratch_buffer);
    if (!encode_message(header, w, 0) || !encode_message(args, w, 0)) return encode_error();
    const std::size_t n = w.pos();
    w.pad_to_word();
    const std::size_t padded = (n + 7) & ~std::size_t{7};
    if (pack_bound(padded) <= small_packet) {
      char packed[small_packet];
      out.append(packed, pack_raw(w.data(), padded, packed));
    } else {
      pack_to(std::string_view(w.data(), n), out);
    }
    return ok_t{};
  }

  // Packets whose packed worst case fits this many bytes are packed on the stack.
  static constexpr std::size_t small_packet = 1024;

  session_table<std::int64_t> pending_;
  std::string scratch_;  // unpacked outgoing message
  std::string plain_;    // unpacked incoming packet (unpack_into_kept); header_ and body_ view into it
  Header header_;
  std::int64_t tag_ = -1;
  std::string_view body_;
};

}  // namespace stratus::sproto::gen
